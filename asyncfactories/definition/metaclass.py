"""What happens when a factory class is defined: model resolution, ``Meta`` merge, checks.

The model comes from exactly one of the generic parameter (``ModelFactory[User]``),
``__model__`` or ``class Meta: model``; two that disagree are a ``ConfigurationError``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast, get_args, get_origin

from factory.base import FactoryMetaClass
from factory.builder import parse_declarations
from factory.declarations import BaseDeclaration, SubFactory
from factory.faker import Faker as FakerDeclaration
from sqlalchemy.orm import QueryableAttribute

from .._faker_speed import speed_up
from .._mapping import is_mapped_class
from ..autogen.relationships import register_factory
from ..exceptions import ConfigurationError
from ..seeding import seed
from . import model_check
from .options import OWN_META_SESSION_FLAG, meta_from_class_body
from .states import check_state_definitions

__all__ = ["ModelFactoryMeta"]

if TYPE_CHECKING:
    # types-factory-boy makes the metaclass generic; at run time it is not subscriptable.
    _MetaclassBase = FactoryMetaClass[Any]
else:
    _MetaclassBase = FactoryMetaClass


def _model_sources(attrs: dict[str, Any]) -> dict[str, object]:
    """Where the class body names its model: generic parameter, ``__model__``, ``Meta.model``."""
    sources: dict[str, object] = {}
    for base in attrs.get("__orig_bases__", ()):
        args = get_args(base)
        if isinstance(get_origin(base), ModelFactoryMeta) and args and not isinstance(args[0], TypeVar):
            sources["the generic parameter"] = args[0]
    if attrs.get("__model__") is not None:
        sources["__model__"] = attrs["__model__"]
    meta = attrs.get("Meta")
    if meta is not None and vars(meta).get("model") is not None:
        sources["Meta.model"] = vars(meta)["model"]
    return sources


def resolve_model(factory_name: str, attrs: dict[str, Any]) -> object | None:
    """The model named by the class body, or None for an abstract base."""
    sources = _model_sources(attrs)
    models = list({id(model): model for model in sources.values()}.values())
    if len(models) > 1:
        given = ", ".join(f"{where} = {getattr(model, '__name__', model)}" for where, model in sources.items())
        raise ConfigurationError(f"{factory_name}: the model is given more than once and disagrees ({given}); keep one")
    if models and not is_mapped_class(models[0]):
        raise ConfigurationError(
            f"{factory_name}: the model {models[0]!r} is not a mapped SQLAlchemy class; "
            f"give a class declared on a DeclarativeBase (or mapped imperatively)"
        )
    return models[0] if models else None


if TYPE_CHECKING:
    _Declaration = BaseDeclaration[Any, Any]
else:
    _Declaration = BaseDeclaration


class ClassmethodField(_Declaration):
    """polyfactory-style field generator: ``@classmethod def role(cls)`` named after a model field.

    Called per instance on the factory actually being built, so subclasses may override it.
    """

    def __init__(self, method_name: str) -> None:
        super().__init__()
        self.method_name = method_name

    def evaluate(self, instance: Any, step: Any, extra: dict[str, Any]) -> Any:
        return getattr(step.builder.factory_meta.factory, self.method_name)()


def _expand_factory_shorthands(attrs: dict[str, Any]) -> None:
    """``owner = UserFactory`` (a factory class as a value) means ``SubFactory(UserFactory)``."""
    for name, value in list(attrs.items()):
        if isinstance(value, ModelFactoryMeta):
            attrs[name] = SubFactory(cast(Any, value))


def _install_field_generators(factory: Any, attrs: dict[str, Any]) -> None:
    """Turn classmethods named after a model attribute into that field's declaration."""
    model = factory._meta.model
    names = [
        name
        for name, value in attrs.items()
        if isinstance(value, classmethod) and isinstance(getattr(model, name, None), QueryableAttribute)
    ]
    if not names:
        return
    meta = factory._meta
    for name in names:
        meta.base_declarations[name] = ClassmethodField(name)
    meta.pre_declarations, meta.post_declarations = parse_declarations(meta.declarations)


class ModelFactoryMeta(_MetaclassBase):
    """Reads the model from the generic parameter / ``__model__`` / ``Meta`` and checks the class."""

    def __new__(mcs, class_name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        model = resolve_model(class_name, attrs)
        meta = meta_from_class_body(class_name, attrs, model)
        attrs["Meta"] = meta
        attrs[OWN_META_SESSION_FLAG] = vars(meta).get("sqlalchemy_session") is not None
        _expand_factory_shorthands(attrs)
        new_class: Any = super().__new__(mcs, class_name, bases, attrs)  # type: ignore[arg-type]  # stubs: tuple[type]
        if new_class._meta.model is not None:
            _install_field_generators(new_class, attrs)
        check_state_definitions(new_class)
        _check_collection_options(new_class, meta, attrs)
        model_check.check_factory(new_class)
        _apply_randomness_options(new_class)
        _speed_up_fakers(new_class)
        register_factory(new_class)  # a candidate default factory for its model (see docs/guides/zero-config.md)
        return new_class


#: Options that only shape the collections ``set_relationships`` fills.
COLLECTION_OPTIONS = ("min_collection_length", "max_collection_length", "randomize_collection_length")


def _check_collection_options(factory: Any, own_meta: type, attrs: dict[str, Any]) -> None:
    """A collection-length option set while ``set_relationships`` is off would do nothing."""
    given = [name for name in COLLECTION_OPTIONS if name in vars(own_meta)]
    meta = factory._meta
    if not given or meta.abstract or (meta.set_relationships and meta.auto_fields):
        return  # an abstract base may set them for subclasses that turn set_relationships on
    name = given[0]
    written = f"__{name}__" if f"__{name}__" in attrs else f"Meta.{name}"
    if not meta.auto_fields:
        raise ConfigurationError(
            f"{factory.__name__}: {written} has no effect while auto_fields is False; remove it, "
            f"or set auto_fields = True and set_relationships = True to fill the collections"
        )
    raise ConfigurationError(
        f"{factory.__name__}: {written} has no effect while set_relationships is False (the default "
        f"here, unlike polyfactory's): set Meta.set_relationships = True (or __set_relationships__ = "
        f"True) to fill the model's collections, or remove {written}"
    )


def _speed_up_fakers(factory: Any) -> None:
    """Faster weighted picks (same values) for the Fakers this factory's declarations use."""
    locales = {None}
    for declaration in factory._meta.pre_declarations.declarations.values():
        if isinstance(declaration, FakerDeclaration):
            locales.add(cast(Any, declaration)._defaults.get("locale"))
    for locale in locales:
        speed_up(FakerDeclaration._get_faker(locale))
    if getattr(factory._meta, "faker", None) is not None:
        speed_up(factory._meta.faker)


def _apply_randomness_options(factory: Any) -> None:
    """``Meta.random_seed`` reseeds everything when the class is defined; ``Meta.faker`` is
    what field generators find as ``cls.__faker__``."""
    # ModelFactory itself is set up by factory_boy's plain SQLAlchemy options: skip it.
    if getattr(factory._meta, "faker", None) is not None:
        factory.__faker__ = factory._meta.faker
    if getattr(factory._meta, "random_seed", None) is not None:
        seed(factory._meta.random_seed)


def derive_factory(base: Any, model: type[Any] | None, declarations: dict[str, Any]) -> Any:
    """``base.create_factory(model, **declarations)``: a subclass of ``base``, made at run time."""
    target = model if model is not None else base._meta.model
    if target is None:
        raise ConfigurationError(
            f"{base.__name__}.create_factory() needs a model: {base.__name__}.create_factory(User, ...)"
        )
    attrs = dict(declarations)
    if model is not None:
        attrs["__model__"] = model
    return ModelFactoryMeta(f"{target.__name__}Factory", (base,), attrs)
