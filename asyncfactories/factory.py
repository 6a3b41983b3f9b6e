"""``ModelFactory[Model]``: factory_boy's SQLAlchemy factory, persisting through async sessions.

Building (``build``, ``make``, ``attributes``, ``build_stubbed``) never touches a session.
Persisting (``create``, ``create_many``) resolves a session (``persisting/session.py``), runs factory_boy's
synchronous build inside ``AsyncSession.run_sync`` (``persisting/bridge.py``) and writes the result with one
flush (``persisting/persistence.py``). ``create_sync`` / ``create_batch_sync`` do the same with a ``Session``.
Every entry point funnels into a ``*_with_plan`` method taking the builder's ``CallPlan``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar

import faker
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from ._root import register_root_factory
from .autogen.registry import builtin_generators
from .builder import EMPTY_PLAN, CallPlan, FactoryBuilder
from .building.constructor import construct
from .building.coverage import build_coverage
from .building.declarations import resolve_post_generated
from .building.generation import attributes as attributes_of
from .building.generation import build_call, check_size, generate, generate_planned, label, prepare
from .building.relations import AmbientDefault
from .building.stubbing import assign_fake_keys, collecting_builds, record_built
from .definition.counters import next_seq, reset_seq
from .definition.metaclass import ModelFactoryMeta, derive_factory
from .definition.options import ModelFactoryOptions
from .definition.states import state_names
from .persisting import calls
from .persisting.calls import create_async_call, create_instance, create_sync_call, synchronous_inside_builds
from .persisting.eager import reads_generated_values
from .persisting.persistence import initialise_collections
from .seeding import shared_faker, shared_random

__all__ = ["ModelFactory", "ModelFactoryMeta"]

ModelT = TypeVar("ModelT")
Strategy = Literal["build", "create", "stub"]

if TYPE_CHECKING:
    # types-factory-boy makes the factory generic; at run time it is not subscriptable.
    _FactoryBase = SQLAlchemyModelFactory[Any]
else:
    _FactoryBase = SQLAlchemyModelFactory


class ModelFactory(_FactoryBase, Generic[ModelT], metaclass=ModelFactoryMeta):
    """A factory_boy factory for a SQLAlchemy model that persists through (async) sessions.

    Declare the model as the generic parameter (``class UserFactory(ModelFactory[User])``),
    as ``__model__`` or as ``class Meta: model = User``. Every factory_boy declaration works.
    ``build()`` and its twins never touch a database; ``await create()`` and ``create_many()``
    write through an ``AsyncSession``, ``create_sync()`` through a ``Session``.

    Defining the class raises ``ConfigurationError`` for a model that is not mapped, two model
    spellings that disagree, or an invalid ``Meta`` option, and ``UnknownFieldError`` for a
    declaration that is not a field of the model. Building from an abstract base raises
    ``ConfigurationError``. Errors from the database are SQLAlchemy's own, with a note naming the
    call.
    """

    _options_class = ModelFactoryOptions
    _meta: ModelFactoryOptions
    _asyncfactories_model_factory: ClassVar[bool] = True
    __model__: ClassVar[type[Any] | None] = None
    #: Seeded by :func:`asyncfactories.seed`; for field generators (``cls.__random__.choice``).
    __random__: ClassVar[random.Random]
    #: A ``Faker`` following the same seed; replace it with ``Meta.faker`` / ``__faker__``.
    __faker__: ClassVar[faker.Faker]

    if TYPE_CHECKING:
        # ``await UserFactory(**kw)`` creates (the metaclass __call__ runs create()): mypy reads
        # the call's type from __new__, which it expects to return the class, hence the ignore.
        def __new__(cls, **kwargs: Any) -> Coroutine[Any, Any, ModelT]: ...  # type: ignore[misc]

    class Meta:
        abstract = True
        # factory_boy's default is None (add only); ours flushes, so keys are loaded.
        sqlalchemy_session_persistence = "flush"

    # ----------------------------------------------------------------- definition helpers

    @classmethod
    def create_factory(cls, model: type[Any] | None = None, **declarations: Any) -> type[ModelFactory[Any]]:
        """Build a factory class at run time.

        ``ModelFactory.create_factory(User, name="x")`` makes a factory for ``User``;
        ``UserFactory.create_factory(name="x")`` derives a subclass with those overrides.
        Raises ``ConfigurationError`` when no model is given and the class has none, and
        ``UnknownFieldError`` for a declaration that is not a field of the model.
        """
        new_class: type[ModelFactory[Any]] = derive_factory(cls, model, declarations)
        return new_class

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Override to supply values per built instance (above declarations, below states).

        The returned dict may hold plain values or declarations; it is called once per instance.
        """
        return {}

    @classmethod
    def state_names(cls) -> list[str]:
        """Every state name: ``Params`` traits and ``state_<name>()`` methods, inherited included."""
        return state_names(cls)

    @classmethod
    def get_sqlalchemy_types(cls) -> dict[Any, Callable[..., Any]]:
        """Column type -> value generator for zero-config values (polyfactory's hook; see docs/guides/zero-config.md).

        Override to add or replace: ``return {**super().get_sqlalchemy_types(), MyType: fn}``,
        ``fn(spec, random)`` (or zero-argument). ``Meta.type_generators`` wins over it.
        """
        return builtin_generators()

    @classmethod
    def coverage(cls, **kwargs: Any) -> list[ModelT]:
        """Built instances that use every state, every Enum / boolean value and both None and
        a value for every nullable column (see docs/guides/zero-config.md); ``kwargs`` apply to each one."""
        instances: list[ModelT] = build_coverage(cls, kwargs)
        return instances

    @classmethod
    def _next_seq(cls) -> int:
        """1, 2, 3, … per factory class (a subclass counts on its own); safe across threads."""
        return next_seq(cls)

    @classmethod
    def _reset_seq(cls) -> None:
        """Restart ``_next_seq()`` at 1 and factory_boy's ``Sequence`` counter of this class."""
        reset_seq(cls)

    # ----------------------------------------------------------------- builders

    @classmethod
    def state(cls, *names: str) -> FactoryBuilder[ModelT]:
        """A `FactoryBuilder` with these states applied in order (later ones win).

        Raises ``UnknownStateError`` listing the valid names for an unknown state.
        """
        return FactoryBuilder(cls).state(*names)

    @classmethod
    def using(cls, session: AsyncSession | Session) -> FactoryBuilder[ModelT]:
        """A `FactoryBuilder` without states that persists through ``session``.

        The session wins over ``bind_session`` and the class's own; a ``session=`` argument
        still wins over it.
        """
        return FactoryBuilder(cls).using(session)

    @classmethod
    def recycle(cls, *instances: Any) -> FactoryBuilder[ModelT]:
        """A builder whose SubFactories reuse these instances (see `FactoryBuilder.recycle`)."""
        return FactoryBuilder(cls).recycle(*instances)

    @classmethod
    def has(
        cls, factory: type[ModelFactory[Any]] | FactoryBuilder[Any], n: int = 1, relationship: str | None = None
    ) -> FactoryBuilder[ModelT]:
        """A builder giving each object ``n`` children (see `FactoryBuilder.has`).

        Raises ``ConfigurationError`` when no single relationship links the two models, and
        ``ValueError`` when ``n`` is not a non-negative int.
        """
        return FactoryBuilder(cls).has(factory, n, relationship)

    @classmethod
    def for_(cls, instance: Any, relationship: str | None = None) -> FactoryBuilder[ModelT]:
        """A builder linking each object to ``instance`` (see `FactoryBuilder.for_`).

        Raises ``ConfigurationError`` when no single relationship links the two models.
        """
        return FactoryBuilder(cls).for_(instance, relationship)

    @classmethod
    def default(cls, instance: ModelT) -> AmbientDefault:
        """``with UserFactory.default(user):``: each parent of this model in the block is user (`AmbientDefault`)."""
        return AmbientDefault(cls, instance)

    # ----------------------------------------------------------------- factory_boy hooks

    @classmethod
    def _generate(cls, strategy: Strategy, params: dict[str, Any]) -> Any:
        return generate(cls, strategy, params)

    @classmethod
    def _adjust_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
        """factory_boy's hook, called with every resolved value: computes ``PostGenerated`` fields."""
        return resolve_post_generated(kwargs)

    @classmethod
    def _instantiate(cls, model_class: type[Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        instance = construct(model_class, args, kwargs)  # required __init__ arguments supplied
        initialise_collections(instance)
        return instance

    @classmethod
    def _build(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        instance = cls._instantiate(model_class, args, kwargs)
        record_built(instance)
        return instance

    @classmethod
    def _create(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        return create_instance(cls, model_class, args, kwargs)

    @classmethod
    def _flushes_each_instance(cls, params: dict[str, Any] | None = None) -> bool:
        """Whether each created instance must be flushed at once (see ``persisting/eager.py``)."""
        return reads_generated_values(cls, params or {})

    # ----------------------------------------------------------------- shared plumbing

    @classmethod
    def _check_size(cls, call: str, size: object) -> int:
        return check_size(cls, call, size)

    @classmethod
    def _prepare(cls, kwargs: dict[str, Any], plan: CallPlan) -> dict[str, Any]:
        """Check the keywords; return factory_boy extras carrying the plan's links and states."""
        return prepare(cls, kwargs, plan)

    @classmethod
    def _generate_planned(cls, strategy: Strategy, params: dict[str, Any], plan: CallPlan) -> Any:
        return generate_planned(cls, strategy, params, plan)

    @classmethod
    def _label(cls, call: str, size: int | None, kwargs: dict[str, Any], plan: CallPlan) -> str:
        return label(cls, call, size, kwargs, plan)

    # ----------------------------------------------------------------- building (no database)

    @classmethod
    def build(cls, **kwargs: Any) -> ModelT:
        """Build one instance without touching any session.

        Raises ``UnknownFieldError`` for a keyword that is not a field of the model and
        ``MissingRequiredFieldError`` for a missing ``Require()`` field.
        """
        return cls._build_with_plan("build", None, kwargs, EMPTY_PLAN, batch=False)[0]

    @classmethod
    def build_batch(cls, size: int, **kwargs: Any) -> list[ModelT]:
        """Build ``size`` instances without touching any session.

        Raises ``ValueError`` unless ``size`` is a non-negative int; otherwise as `build`.
        """
        return cls._build_with_plan("build_batch", size, kwargs, EMPTY_PLAN, batch=True)

    @classmethod
    def make(cls, **kwargs: Any) -> ModelT:
        """Alias of `build` (Laravel-style name)."""
        return cls._build_with_plan("make", None, kwargs, EMPTY_PLAN, batch=False)[0]

    @classmethod
    def make_batch(cls, size: int, **kwargs: Any) -> list[ModelT]:
        """Alias of `build_batch` (Laravel-style name)."""
        return cls._build_with_plan("make_batch", size, kwargs, EMPTY_PLAN, batch=True)

    @classmethod
    def batch(cls, size: int, **kwargs: Any) -> list[ModelT]:
        """Alias of `build_batch` (polyfactory's name)."""
        return cls._build_with_plan("batch", size, kwargs, EMPTY_PLAN, batch=True)

    @classmethod
    def attributes(cls, **kwargs: Any) -> dict[str, Any]:
        """The column values ``build`` would pass to the model, as a dict.

        No relationships and no post-generation hooks: ready to send as a request payload.
        """
        return cls._attributes_with_plan(kwargs, EMPTY_PLAN)

    @classmethod
    def build_stubbed(cls, **kwargs: Any) -> ModelT:
        """Build an instance whose primary keys (and its SubFactory parents') hold fake unique
        ids, with foreign-key columns set to match. Touches no database; raises as `build`."""
        return cls._stubbed_with_plan(kwargs, EMPTY_PLAN)

    @classmethod
    def _build_with_plan(
        cls, call: str, size: object, kwargs: dict[str, Any], plan: CallPlan, *, batch: bool
    ) -> list[ModelT]:
        instances: list[ModelT] = build_call(cls, call, size, kwargs, plan, batch=batch)
        return instances

    @classmethod
    def _attributes_with_plan(cls, kwargs: dict[str, Any], plan: CallPlan) -> dict[str, Any]:
        return attributes_of(cls, cls._prepare(kwargs, plan), plan)

    @classmethod
    def _stubbed_with_plan(cls, kwargs: dict[str, Any], plan: CallPlan) -> ModelT:
        with collecting_builds() as built:
            instance = cls._build_with_plan("build_stubbed", None, kwargs, plan, batch=False)[0]
        assign_fake_keys(built)
        return instance

    # ----------------------------------------------------------------- persisting (async)

    @classmethod
    @synchronous_inside_builds(batch=False)
    async def create(cls, session: AsyncSession | None = None, **kwargs: Any) -> ModelT:
        """Build one instance and persist it through an ``AsyncSession``.

        In the default ``"flush"`` mode the row is flushed and its keys and server defaults
        are loaded, readable after the call. Raises ``SessionNotBoundError`` if no session
        is found, ``SessionTypeError`` for a synchronous session. Called (without ``await``)
        from a post-generation hook of a running create, it creates at once, in that session.
        """
        return (await cls._create_async("create", None, session, kwargs, EMPTY_PLAN, batch=False))[0]

    @classmethod
    @synchronous_inside_builds(batch=True)
    async def create_many(cls, size: int, session: AsyncSession | None = None, **kwargs: Any) -> list[ModelT]:
        """Build ``size`` instances and persist them through an ``AsyncSession`` with one flush.

        Raises ``ValueError`` unless ``size`` is a non-negative int, ``SessionNotBoundError`` if
        no session is found, ``SessionTypeError`` for a synchronous session. A database error is
        SQLAlchemy's own; the rows created before the call stay in the session.
        """
        return await cls._create_async("create_many", size, session, kwargs, EMPTY_PLAN, batch=True)

    @classmethod
    @synchronous_inside_builds(batch=True)
    async def create_batch(  # type: ignore[override]  # factory_boy's create_batch is sync
        cls, size: int, session: AsyncSession | None = None, **kwargs: Any
    ) -> list[ModelT]:
        """Alias of `create_many` (factory_boy's name)."""
        return await cls._create_async("create_batch", size, session, kwargs, EMPTY_PLAN, batch=True)

    @classmethod
    @synchronous_inside_builds(batch=False)
    async def create_async(cls, session: AsyncSession | None = None, **kwargs: Any) -> ModelT:
        """Alias of `create` (polyfactory's name)."""
        return (await cls._create_async("create_async", None, session, kwargs, EMPTY_PLAN, batch=False))[0]

    @classmethod
    @synchronous_inside_builds(batch=True)
    async def create_batch_async(cls, size: int, session: AsyncSession | None = None, **kwargs: Any) -> list[ModelT]:
        """Alias of `create_many` (polyfactory's name)."""
        return await cls._create_async("create_batch_async", size, session, kwargs, EMPTY_PLAN, batch=True)

    @classmethod
    def _create_inside_build(cls, call: str, size: object, kwargs: dict[str, Any], *, batch: bool) -> list[ModelT]:
        """A create called from a hook of a running create: same session, same flush."""
        instances: list[ModelT] = calls.create_inside_build(cls, call, size, kwargs, batch=batch)
        return instances

    @classmethod
    async def _create_async(
        cls, call: str, size: object, session: object | None, kwargs: dict[str, Any], plan: CallPlan, *, batch: bool
    ) -> list[ModelT]:
        instances: list[ModelT] = await create_async_call(cls, call, size, session, kwargs, plan, batch=batch)
        return instances

    # ----------------------------------------------------------------- persisting (sync)

    @classmethod
    def create_sync(cls, session: Session | None = None, **kwargs: Any) -> ModelT:
        """Build one instance and persist it through a synchronous ``Session``.

        Raises ``SessionNotBoundError`` if no session is found, ``SessionTypeError`` for an
        ``AsyncSession`` (use ``create``).
        """
        return cls._create_sync("create_sync", None, session, kwargs, EMPTY_PLAN, batch=False)[0]

    @classmethod
    def create_batch_sync(cls, size: int, session: Session | None = None, **kwargs: Any) -> list[ModelT]:
        """Build ``size`` instances and persist them through a ``Session`` with one flush.

        Raises ``ValueError`` for a bad ``size``, ``SessionNotBoundError`` if no session is
        found, ``SessionTypeError`` for an ``AsyncSession`` (use ``create_many``).
        """
        return cls._create_sync("create_batch_sync", size, session, kwargs, EMPTY_PLAN, batch=True)

    @classmethod
    def _create_sync(
        cls, call: str, size: object, session: object | None, kwargs: dict[str, Any], plan: CallPlan, *, batch: bool
    ) -> list[ModelT]:
        instances: list[ModelT] = create_sync_call(cls, call, size, session, kwargs, plan, batch=batch)
        return instances


# Set after the class body: ModelFactory's own Meta is read by factory_boy's SQLAlchemy
# options, which know nothing of the ``__faker__`` alias.
register_root_factory(ModelFactory)  # lower layers derive automatic factories from it
ModelFactory.__random__ = shared_random
ModelFactory.__faker__ = shared_faker
