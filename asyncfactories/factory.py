"""``ModelFactory[Model]``: factory_boy's SQLAlchemy factory, persisting through async sessions.

Building (``build``, ``make``, ``attributes``, ``build_stubbed``) never touches a session.
Persisting (``create``, ``create_many``) resolves a session (``session.py``), runs factory_boy's
synchronous build inside ``AsyncSession.run_sync`` (``_bridge.py``) and writes the result with one
flush (``persistence.py``). ``create_sync`` / ``create_batch_sync`` do the same with a ``Session``.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar, get_args, get_origin

from factory import enums
from factory.alchemy import SQLAlchemyModelFactory
from factory.base import FactoryMetaClass
from factory.builder import BuildStep, StepBuilder, parse_declarations
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from . import model_check
from ._bridge import run_in_session
from ._mapping import is_mapped_class, model_info
from .eager import reads_generated_values
from .exceptions import ConfigurationError, SessionNotBoundError
from .options import ModelFactoryOptions, meta_from_class_body
from .persistence import current_call, get_or_create, initialise_collections, persist_call
from .session import OWN_META_SESSION_FLAG, find_session_source, open_session
from .stubbing import assign_fake_keys, collecting_builds, record_built

__all__ = ["ModelFactory", "ModelFactoryMeta"]

ModelT = TypeVar("ModelT")
Strategy = Literal["build", "create", "stub"]

if TYPE_CHECKING:
    # types-factory-boy makes these generic; at run time they are not subscriptable.
    _MetaclassBase = FactoryMetaClass[Any]
    _FactoryBase = SQLAlchemyModelFactory[Any]
else:
    _MetaclassBase = FactoryMetaClass
    _FactoryBase = SQLAlchemyModelFactory


def _model_sources(factory_name: str, attrs: dict[str, Any]) -> dict[str, object]:
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


def _resolve_model(factory_name: str, attrs: dict[str, Any]) -> object | None:
    sources = _model_sources(factory_name, attrs)
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


class ModelFactoryMeta(_MetaclassBase):
    """Reads the model from the generic parameter / ``__model__`` / ``Meta`` and checks the class."""

    def __new__(mcs, class_name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        model = _resolve_model(class_name, attrs)
        meta = meta_from_class_body(class_name, attrs, model)
        attrs["Meta"] = meta
        attrs[OWN_META_SESSION_FLAG] = vars(meta).get("sqlalchemy_session") is not None
        new_class = super().__new__(mcs, class_name, bases, attrs)  # type: ignore[arg-type]  # stubs say tuple[type]
        model_check.check_factory(new_class)
        return new_class


class ModelFactory(_FactoryBase, Generic[ModelT], metaclass=ModelFactoryMeta):
    """A factory_boy factory for a SQLAlchemy model that persists through (async) sessions.

    Declare the model as the generic parameter (``class UserFactory(ModelFactory[User])``),
    as ``__model__`` or as ``class Meta: model = User``. Every factory_boy declaration works.
    """

    _options_class = ModelFactoryOptions
    _meta: ModelFactoryOptions
    __model__: ClassVar[type[Any] | None] = None

    class Meta:
        abstract = True
        # factory_boy's default is None (add only); ours flushes, so keys are loaded.
        sqlalchemy_session_persistence = "flush"

    # ----------------------------------------------------------------- definition helpers

    @classmethod
    def create_factory(cls, model: type[Any] | None = None, /, **declarations: Any) -> type[ModelFactory[Any]]:
        """Build a factory class at run time.

        ``ModelFactory.create_factory(User, name="x")`` makes a factory for ``User``;
        ``UserFactory.create_factory(name="x")`` derives a subclass with those overrides.
        """
        target = model if model is not None else cls._meta.model
        if target is None:
            raise ConfigurationError(
                f"{cls.__name__}.create_factory() needs a model: {cls.__name__}.create_factory(User, ...)"
            )
        attrs = dict(declarations)
        if model is not None:
            attrs["__model__"] = model
        new_class: type[ModelFactory[Any]] = ModelFactoryMeta(f"{target.__name__}Factory", (cls,), attrs)
        return new_class

    # ----------------------------------------------------------------- factory_boy hooks

    @classmethod
    def _generate(cls, strategy: Strategy, params: dict[str, Any]) -> Any:
        if cls._meta.abstract:
            raise ConfigurationError(
                f"{cls.__name__} is an abstract base factory and cannot build; subclass it with a "
                f"model, e.g. class UserFactory({cls.__name__}[User]): ..."
            )
        return StepBuilder(cls._meta, params, strategy).build()

    @classmethod
    def _instantiate(cls, model_class: type[Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        instance = model_class(*args, **kwargs)
        initialise_collections(instance)
        return instance

    @classmethod
    def _build(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        instance = cls._instantiate(model_class, args, kwargs)
        record_built(instance)
        return instance

    @classmethod
    def _create(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        call = current_call()
        if call is None:
            raise SessionNotBoundError(cls.__name__, "create")
        if cls._meta.sqlalchemy_get_or_create and call.add_to_session:
            instance, created = get_or_create(call.session, cls, model_class, args, kwargs)
            if created:
                call.created.append(instance)
            return instance
        instance = cls._instantiate(model_class, args, kwargs)
        call.created.append(instance)
        if call.add_to_session:
            call.session.add(instance)
            if call.flush_each:
                call.session.flush()
        return instance

    @classmethod
    def _flushes_each_instance(cls, params: dict[str, Any] | None = None) -> bool:
        """Whether each created instance must be flushed at once (see ``eager.py``)."""
        return reads_generated_values(cls, params or {})

    # ----------------------------------------------------------------- argument checks

    @classmethod
    def _check_size(cls, call: str, size: object) -> int:
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValueError(f"{cls.__name__}.{call}(): the count must be a non-negative int, got {size!r}")
        return size

    @classmethod
    def _prepare(cls, kwargs: dict[str, Any]) -> dict[str, Any]:
        if cls._meta.abstract:
            cls._generate(enums.BUILD_STRATEGY, {})  # raises the abstract-factory error
        model_check.check_keywords(cls, kwargs)
        return dict(kwargs)

    @classmethod
    def _label(cls, call: str, size: int | None, kwargs: dict[str, Any]) -> str:
        shown = [str(size)] if size is not None else []
        shown += [f"{key}={value!r}" for key, value in kwargs.items()]
        return f"{cls.__name__}.{call}({', '.join(shown)})"

    # ----------------------------------------------------------------- building (no database)

    @classmethod
    def build(cls, **kwargs: Any) -> ModelT:
        """Build one instance without touching any session."""
        params = cls._prepare(kwargs)
        instance: ModelT = cls._generate(enums.BUILD_STRATEGY, params)
        return instance

    @classmethod
    def build_batch(cls, size: int, **kwargs: Any) -> list[ModelT]:
        """Build ``size`` instances without touching any session."""
        cls._check_size("build_batch", size)
        params = cls._prepare(kwargs)
        return [cls._generate(enums.BUILD_STRATEGY, dict(params)) for _ in range(size)]

    @classmethod
    def make(cls, **kwargs: Any) -> ModelT:
        """Alias of :meth:`build` (Laravel-style name)."""
        return cls.build(**kwargs)

    @classmethod
    def make_batch(cls, size: int, **kwargs: Any) -> list[ModelT]:
        """Alias of :meth:`build_batch` (Laravel-style name)."""
        cls._check_size("make_batch", size)
        return cls.build_batch(size, **kwargs)

    @classmethod
    def batch(cls, size: int, **kwargs: Any) -> list[ModelT]:
        """Alias of :meth:`build_batch` (polyfactory's name)."""
        cls._check_size("batch", size)
        return cls.build_batch(size, **kwargs)

    @classmethod
    def attributes(cls, **kwargs: Any) -> dict[str, Any]:
        """The column values ``build`` would pass to the model, as a dict.

        No relationships and no post-generation hooks: ready to send as a request payload.
        """
        params = cls._prepare(kwargs)
        step_builder = StepBuilder(cls._meta, params, enums.BUILD_STRATEGY)
        pre, _post = parse_declarations(
            step_builder.extras,
            base_pre=cls._meta.pre_declarations,
            base_post=cls._meta.post_declarations,
        )
        step = BuildStep(builder=step_builder, sequence=cls._meta.next_sequence())
        step.resolve(pre)
        _args, values = cls._meta.prepare_arguments(step.attributes)
        columns = model_info(cls._meta.model).column_keys
        return {key: value for key, value in values.items() if key in columns}

    @classmethod
    def build_stubbed(cls, **kwargs: Any) -> ModelT:
        """Build an instance whose primary keys (and its SubFactory parents') hold fake unique
        ids, with foreign-key columns set to match. Touches no database."""
        with collecting_builds() as built:
            instance = cls.build(**kwargs)
        assign_fake_keys(built)
        return instance

    # ----------------------------------------------------------------- persisting (async)

    @classmethod
    async def create(
        cls, session: AsyncSession | None = None, **kwargs: Any
    ) -> ModelT:
        """Build one instance and persist it through an ``AsyncSession``.

        In the default ``"flush"`` mode the row is flushed and its keys and server defaults
        are loaded, readable after the call. Raises ``SessionNotBoundError`` if no session
        is found, ``SessionTypeError`` for a synchronous session.
        """
        instances = await cls._create_async("create", None, session, None, kwargs)
        instance: ModelT = instances[0]
        return instance

    @classmethod
    async def create_many(cls, size: int, session: AsyncSession | None = None, **kwargs: Any) -> list[ModelT]:
        """Build ``size`` instances and persist them with one flush."""
        return await cls._create_async("create_many", size, session, None, kwargs)

    @classmethod
    async def create_batch(  # type: ignore[override]  # factory_boy's create_batch is sync
        cls, size: int, session: AsyncSession | None = None, **kwargs: Any
    ) -> list[ModelT]:
        """Alias of :meth:`create_many` (factory_boy's name)."""
        return await cls._create_async("create_batch", size, session, None, kwargs)

    @classmethod
    async def create_async(cls, session: AsyncSession | None = None, **kwargs: Any) -> ModelT:
        """Alias of :meth:`create` (polyfactory's name)."""
        instances = await cls._create_async("create_async", None, session, None, kwargs)
        instance: ModelT = instances[0]
        return instance

    @classmethod
    async def create_batch_async(cls, size: int, session: AsyncSession | None = None, **kwargs: Any) -> list[ModelT]:
        """Alias of :meth:`create_many` (polyfactory's name)."""
        return await cls._create_async("create_batch_async", size, session, None, kwargs)

    @classmethod
    async def _create_async(
        cls, call: str, size: int | None, session: object | None, from_builder: object | None, kwargs: dict[str, Any]
    ) -> list[ModelT]:
        count = 1 if size is None else cls._check_size(call, size)
        params = cls._prepare(kwargs)
        twin = "create_sync" if size is None else "create_batch_sync"
        save = cls._handler_save(call, batch=size is not None, asynchronous=True)
        source = find_session_source(cls, session, from_builder)
        resolved = open_session(cls.__name__, call, source, AsyncSession, twin)
        try:
            label = cls._label(call, size, kwargs)
            instances = await run_in_session(resolved.session, cls._persist, count, params, label)
            if save is not None:
                await save(resolved.session, instances if size is not None else instances[0])
        finally:
            if resolved.owned:
                await resolved.session.close()
        return instances

    # ----------------------------------------------------------------- persisting (sync)

    @classmethod
    def create_sync(cls, session: Session | None = None, **kwargs: Any) -> ModelT:
        """Build one instance and persist it through a synchronous ``Session``."""
        instance: ModelT = cls._create_sync("create_sync", None, session, None, kwargs)[0]
        return instance

    @classmethod
    def create_batch_sync(cls, size: int, session: Session | None = None, **kwargs: Any) -> list[ModelT]:
        """Build ``size`` instances and persist them through a ``Session`` with one flush."""
        return cls._create_sync("create_batch_sync", size, session, None, kwargs)

    @classmethod
    def _create_sync(
        cls, call: str, size: int | None, session: object | None, from_builder: object | None, kwargs: dict[str, Any]
    ) -> list[ModelT]:
        count = 1 if size is None else cls._check_size(call, size)
        params = cls._prepare(kwargs)
        twin = "create" if size is None else "create_many"
        save = cls._handler_save(call, batch=size is not None, asynchronous=False)
        source = find_session_source(cls, session, from_builder)
        resolved = open_session(cls.__name__, call, source, Session, twin)
        try:
            instances = cls._persist(resolved.session, count, params, cls._label(call, size, kwargs))
            if save is not None:
                save(resolved.session, instances if size is not None else instances[0])
        finally:
            if resolved.owned:
                resolved.session.close()
        return instances

    @classmethod
    def _persist(cls, session: Session, count: int, params: dict[str, Any], label: str) -> list[ModelT]:
        def build() -> list[ModelT]:
            return [cls._generate(enums.CREATE_STRATEGY, dict(params)) for _ in range(count)]

        return persist_call(session, cls, build, label)

    @classmethod
    def _handler_save(cls, call: str, batch: bool, asynchronous: bool) -> Any:
        """The handler method this call will use (or None), checked before anything is built."""
        handler = cls._meta.persistence_handler
        if handler is None:
            return None
        method = handler.save_many if batch else handler.save
        if inspect.iscoroutinefunction(method) != asynchronous:
            actual, needed = ("a plain def", "async def") if asynchronous else ("async def", "a plain def")
            raise ConfigurationError(
                f"{cls.__name__}.{call}(): Meta.persistence_handler.{method.__name__} is {actual}, "
                f"but {call}() needs {needed} {method.__name__}(session, ...); use the "
                f"{'async' if not asynchronous else 'sync'} twin of this call or change the handler"
            )
        return method
