"""Every ``class Meta`` option of a ``ModelFactory``, and the polyfactory-style aliases.

Each option is declared once, as factory_boy's ``OptionDefault`` with a checker that raises
:class:`~asyncfactories.ConfigurationError` when the class is defined. The dunder aliases
(``__model__``, ``__async_session__``, …) are resolved here and read nowhere else.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from factory import enums
from factory.alchemy import SQLAlchemyOptions
from factory.base import OptionDefault

from ..exceptions import ConfigurationError, SessionConflictError
from .call_context import avoids_taken_values, passing

__all__ = [
    "CLASS_ALIASES",
    "PERSISTENCE_MODES",
    "SESSION_ALIASES",
    "UNSUPPORTED_ALIASES",
    "ModelFactoryOptions",
    "meta_from_class_body",
]

PERSISTENCE_MODES: tuple[str | None, ...] = (None, "flush", "commit")

def _same(value: Any) -> Any:
    return value


def _negated(value: Any) -> Any:
    return not value


def _handler(value: Any) -> Any:
    """polyfactory accepts a persistence class as well as an instance."""
    return value() if isinstance(value, type) else value


def _persistence_method(value: Any) -> Any:
    """polyfactory's ``SQLAlchemyPersistenceMethod.FLUSH`` / ``.COMMIT`` (or their strings)."""
    mode = getattr(value, "value", value)
    if mode not in ("flush", "commit"):
        raise ValueError("use SQLAlchemyPersistenceMethod.FLUSH or .COMMIT, or 'flush' / 'commit'")
    return mode


#: polyfactory's class attributes, read once when the class is defined:
#: ``alias -> (Meta option, how the alias's value maps to the option's)``.
#: ``__model__`` is resolved with the generic parameter (see ``metaclass.py``) and the
#: session aliases at call time (``SESSION_ALIASES``).
CLASS_ALIASES: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "__is_base_factory__": ("abstract", _same),
    "__random_seed__": ("random_seed", _same),
    "__faker__": ("faker", _same),
    "__check_model__": ("check_model", _same),
    "__allow_none_optionals__": ("fill_optionals", _negated),
    "__use_defaults__": ("use_defaults", _same),
    "__set_relationships__": ("set_relationships", _same),
    "__randomize_collection_length__": ("randomize_collection_length", _same),
    "__min_collection_length__": ("min_collection_length", _same),
    "__max_collection_length__": ("max_collection_length", _same),
    "__set_as_default_factory_for_type__": ("default_for_model", _same),
    "__async_persistence__": ("persistence_handler", _handler),
    "__sync_persistence__": ("persistence_handler", _handler),
    "__persistence_method__": ("sqlalchemy_session_persistence", _persistence_method),
}

#: polyfactory's options with no asyncfactories equivalent: ``alias -> what to do instead``.
#: Each raises ``ConfigurationError`` when a class body sets it, rather than being ignored.
UNSUPPORTED_ALIASES: dict[str, str] = {
    "__set_primary_key__": (
        "autoincrement and Identity primary keys are left to the database and other primary keys "
        "are generated; remove it, or declare the key yourself, e.g. id = Sequence(lambda n: n + 1)"
    ),
    "__set_foreign_keys__": (
        "foreign keys are never invented, they are set through their relationship; remove it, and "
        "set a key with a SubFactory on the relationship or a keyword (author_id=...)"
    ),
    "__set_association_proxy__": (
        "association proxies are not generated; remove it, and fill one with a keyword or a "
        "post_generation hook"
    ),
    "__use_examples__": "pydantic field examples do not apply to SQLAlchemy models; remove it",
    "__by_name__": "pydantic field aliases do not apply to SQLAlchemy models; remove it",
    "__forward_references__": "SQLAlchemy resolves a model's annotations itself; remove it",
    "__base_factory_overrides__": (
        "to choose the factory used for a model's relationships, set Meta.default_for_model = True "
        "(__set_as_default_factory_for_type__ = True) on that factory"
    ),
}

#: Aliases of ``Meta.sqlalchemy_session``, read at call time (see ``persisting/session.py``).
SESSION_ALIASES: tuple[str, ...] = ("__async_session__", "__session__")

_sequence_lock = threading.Lock()

#: Set on a factory class when its own ``Meta`` names a session (read when resolving one).
OWN_META_SESSION_FLAG = "_asyncfactories_own_meta_session"

def _factory_name(meta: Any) -> str:
    return str(getattr(meta, "_factory_name", "the factory"))


def _check_persistence(meta: Any, value: object) -> None:
    if value not in PERSISTENCE_MODES:
        raise ConfigurationError(
            f"{_factory_name(meta)}: Meta.sqlalchemy_session_persistence must be one of "
            f"None, 'flush' or 'commit', got {value!r}"
        )


def _check_session_factory(meta: Any, value: object) -> None:
    own = vars(meta) if meta is not None else {}
    if value is not None and own.get("sqlalchemy_session") is not None and "sqlalchemy_session_factory" in own:
        raise SessionConflictError(_factory_name(meta))  # both in one Meta (an inherited one: see below)


def _check_handler(meta: Any, value: object) -> None:
    if value is None:
        return
    missing = [name for name in ("save", "save_many") if not callable(getattr(value, name, None))]
    if missing:
        raise ConfigurationError(
            f"{_factory_name(meta)}: Meta.persistence_handler {value!r} has no "
            f"{' or '.join(missing)}() method; give it 'async def save(session, instance)' and "
            f"'async def save_many(session, instances)' (or their sync twins)"
        )
    if getattr(meta, "sqlalchemy_get_or_create", ()):
        raise ConfigurationError(
            f"{_factory_name(meta)}: Meta.persistence_handler cannot be combined with "
            f"Meta.sqlalchemy_get_or_create; look the row up in the handler instead"
        )


def _check_bool_or_none(name: str) -> Any:
    def check(meta: Any, value: object) -> None:
        if value is not None and not isinstance(value, bool):
            raise ConfigurationError(
                f"{_factory_name(meta)}: Meta.{name} must be True, False or None (follow "
                f"avoid_taken_values()), got {value!r}"
            )

    return check


def _check_bool(name: str) -> Any:
    def check(meta: Any, value: object) -> None:
        if not isinstance(value, bool):
            raise ConfigurationError(
                f"{_factory_name(meta)}: Meta.{name} must be True or False, got {value!r}"
            )

    return check


if TYPE_CHECKING:
    # types-factory-boy declares the options generic; at run time they are not subscriptable.
    _OptionsBase = SQLAlchemyOptions[Any]
else:
    _OptionsBase = SQLAlchemyOptions


def _check_int_or_none(name: str) -> Any:
    def check(meta: Any, value: object) -> None:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ConfigurationError(f"{_factory_name(meta)}: Meta.{name} must be an int or None, got {value!r}")

    return check


def _check_count(name: str) -> Any:
    def check(meta: Any, value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigurationError(f"{_factory_name(meta)}: Meta.{name} must be a non-negative int, got {value!r}")

    return check


def _check_get_or_create(meta: Any, value: object) -> None:
    if isinstance(value, str) or not isinstance(value, (tuple, list)) or not all(isinstance(v, str) for v in value):
        example = f"({value!r},)" if isinstance(value, str) else "('email',)"
        raise ConfigurationError(
            f"{_factory_name(meta)}: Meta.sqlalchemy_get_or_create must be a tuple of field names, "
            f"e.g. {example}; got {value!r}"
        )


def _check_type_generators(meta: Any, value: object) -> None:
    if not isinstance(value, dict) or not all(isinstance(key, type) and callable(fn) for key, fn in value.items()):
        raise ConfigurationError(
            f"{_factory_name(meta)}: Meta.type_generators must map SQLAlchemy type classes to callables, "
            f"e.g. {{String: lambda column, random: 'x'}}; got {value!r}"
        )


class ModelFactoryOptions(_OptionsBase):
    """factory_boy's SQLAlchemy options plus asyncfactories' own.

    The attributes below are set by factory_boy from ``class Meta`` when the class is defined.
    """

    model: Any
    abstract: bool
    exclude: tuple[str, ...]
    rename: dict[str, str]
    sqlalchemy_session: Any
    sqlalchemy_session_factory: Any
    sqlalchemy_session_persistence: str | None
    sqlalchemy_get_or_create: tuple[str, ...]
    persistence_handler: Any
    isolate_failures: bool
    avoid_taken_values: bool | None
    check_model: bool
    random_seed: int | None
    faker: Any
    auto_fields: bool
    fill_optionals: bool
    use_defaults: bool
    set_relationships: bool
    randomize_collection_length: bool
    min_collection_length: int
    max_collection_length: int
    max_depth: int
    default_for_model: bool
    type_generators: dict[type, Callable[..., Any]]

    def _build_default_options(self) -> list[OptionDefault[Any]]:
        ours: list[OptionDefault[Any]] = [
            OptionDefault("sqlalchemy_session_persistence", "flush", inherit=True, checker=_check_persistence),
            OptionDefault("sqlalchemy_session_factory", None, inherit=True, checker=_check_session_factory),
            OptionDefault("persistence_handler", None, inherit=True, checker=_check_handler),
            OptionDefault("sqlalchemy_get_or_create", (), inherit=True, checker=_check_get_or_create),
            OptionDefault("isolate_failures", True, inherit=True, checker=_check_bool("isolate_failures")),
            OptionDefault("avoid_taken_values", None, inherit=True, checker=_check_bool_or_none("avoid_taken_values")),
            OptionDefault("check_model", True, inherit=True, checker=_check_bool("check_model")),
            # Not inherited: a subclass re-seeding at its definition would replay its parent's values.
            OptionDefault("random_seed", None, inherit=False, checker=_check_int_or_none("random_seed")),
            OptionDefault("faker", None, inherit=True),
            OptionDefault("auto_fields", True, inherit=True, checker=_check_bool("auto_fields")),
            OptionDefault("fill_optionals", False, inherit=True, checker=_check_bool("fill_optionals")),
            OptionDefault("use_defaults", True, inherit=True, checker=_check_bool("use_defaults")),
            OptionDefault("set_relationships", False, inherit=True, checker=_check_bool("set_relationships")),
            OptionDefault(
                "randomize_collection_length", False, inherit=True, checker=_check_bool("randomize_collection_length")
            ),
            OptionDefault("min_collection_length", 1, inherit=True, checker=_check_count("min_collection_length")),
            OptionDefault("max_collection_length", 5, inherit=True, checker=_check_count("max_collection_length")),
            OptionDefault("max_depth", 2, inherit=True, checker=_check_count("max_depth")),
            OptionDefault("default_for_model", False, inherit=False, checker=_check_bool("default_for_model")),
            OptionDefault("type_generators", {}, inherit=True, checker=_check_type_generators),
        ]
        replaced = {option.name for option in ours}
        # _build_default_options is factory_boy's documented extension point, missing from the stubs.
        inherited: list[OptionDefault[Any]] = cast(Any, super())._build_default_options()
        return [option for option in inherited if option.name not in replaced] + ours

    def _fill_from_meta(self, meta: Any, base_meta: Any) -> None:
        """factory_boy's, with a misspelt ``Meta`` option named with a suggestion."""
        known = [option.name for option in self._build_default_options()]
        unknown = sorted(key for key in vars(meta) if not key.startswith("_") and key not in known) if meta else []
        if unknown:
            close = difflib.get_close_matches(unknown[0], known, n=1)
            hint = f"did you mean Meta.{close[0]}?" if close else f"the options are {', '.join(sorted(known))}"
            raise ConfigurationError(f"{_factory_name(meta)}: Meta.{unknown[0]} is not an option; {hint}")
        cast(Any, super())._fill_from_meta(meta, base_meta)
        self._check_inherited_sessions(meta)
        both_given = meta is not None and {"min_collection_length", "max_collection_length"} <= vars(meta).keys()
        used = both_given or self.randomize_collection_length  # the maximum matters
        if used and self.min_collection_length > self.max_collection_length:
            raise ConfigurationError(
                f"{_factory_name(meta)}: Meta.min_collection_length ({self.min_collection_length}) is greater "
                f"than Meta.max_collection_length ({self.max_collection_length}); raise the maximum or lower "
                f"the minimum"
            )

    def _check_inherited_sessions(self, meta: Any) -> None:
        """A session from one class and a session factory from another: which would win is unclear."""
        if self.sqlalchemy_session is None or self.sqlalchemy_session_factory is None:
            return
        own = vars(meta) if meta is not None else {}
        if "sqlalchemy_session" in own and "sqlalchemy_session_factory" in own:
            return  # both in one Meta: its option check raises
        inherited = "sqlalchemy_session_factory" if "sqlalchemy_session" in own else "sqlalchemy_session"
        raise SessionConflictError(_factory_name(meta), inherited=inherited)

    def instantiate(self, step: Any, args: Any, kwargs: Any) -> Any:
        """factory_boy's ``instantiate``; a get-or-create learns which keywords were passed."""
        wanted = self.sqlalchemy_get_or_create or avoids_taken_values(self)
        if not wanted or step.builder.strategy != enums.CREATE_STRATEGY:
            return super().instantiate(step, args, kwargs)
        with passing(getattr(step.builder, "passed_keywords", ())):
            return super().instantiate(step, args, kwargs)

    def next_sequence(self) -> int:
        """factory_boy's counter, made safe to call from several threads at once."""
        with _sequence_lock:
            value: int = super().next_sequence()
        return value


def _check_session_aliases(factory_name: str, attrs: dict[str, Any], values: dict[str, Any]) -> None:
    """The session aliases are read at call time, but must not contradict ``Meta`` in one class body."""
    given = {alias: attrs[alias] for alias in SESSION_ALIASES if attrs.get(alias) is not None}
    if not given:
        return
    if values.get("sqlalchemy_session") is not None:
        given["Meta.sqlalchemy_session"] = values["sqlalchemy_session"]
    if len({id(source) for source in given.values()}) > 1:
        shown = " and ".join(f"{where} = {source!r}" for where, source in given.items())
        raise ConfigurationError(f"{factory_name}: {shown} disagree; set only one of them")
    if values.get("sqlalchemy_session_factory") is not None:
        raise SessionConflictError(factory_name, f"{next(iter(given))} (Meta.sqlalchemy_session)")


def meta_from_class_body(factory_name: str, attrs: dict[str, Any], model: object | None) -> type:
    """Build the ``Meta`` class factory_boy will read, merging the dunder aliases into it.

    A dunder alias and a ``Meta`` option that disagree raise ``ConfigurationError``.
    """
    user_meta = attrs.get("Meta")
    values: dict[str, Any] = {}
    if user_meta is not None:
        values = {key: value for key, value in vars(user_meta).items() if not key.startswith("__")}
    unsupported = sorted(UNSUPPORTED_ALIASES.keys() & attrs.keys())
    if unsupported:
        alias = unsupported[0]
        raise ConfigurationError(
            f"{factory_name}: {alias} is a polyfactory option that asyncfactories does not support: "
            f"{UNSUPPORTED_ALIASES[alias]}"
        )
    for alias, (option, convert) in CLASS_ALIASES.items():
        if alias not in attrs:
            continue
        try:
            value = convert(attrs[alias])
        except ValueError as error:
            raise ConfigurationError(f"{factory_name}: {alias} = {attrs[alias]!r} is not valid: {error}") from None
        if option in values and values[option] != value:
            raise ConfigurationError(
                f"{factory_name}: {alias} = {attrs[alias]!r} disagrees with Meta.{option} = "
                f"{values[option]!r}; set only one of them"
            )
        values[option] = value
    _check_session_aliases(factory_name, attrs, values)
    if model is not None:
        values["model"] = model
    values["_factory_name"] = factory_name
    return type("Meta", (), values)
