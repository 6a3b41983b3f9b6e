"""``FactoryBuilder``: an immutable (factory, states, session, relationships) value.

See docs/guides/states.md#keep-a-builder.

``UserFactory.state("admin")`` and ``UserFactory.using(session)`` return one; every method
that changes something returns a new builder, so a builder can be kept and reused.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from .building.input_checks import check_recycled
from .building.plan import EMPTY_PLAN, CallPlan
from .building.relations import child_spec, link_keywords
from .definition.states import require_state
from .persisting.calls import checked_at_call

if TYPE_CHECKING:
    from .factory import ModelFactory

__all__ = ["EMPTY_PLAN", "CallPlan", "FactoryBuilder"]

ModelT = TypeVar("ModelT")


@dataclass(frozen=True)
class FactoryBuilder(Generic[ModelT]):
    """A factory with states, a session and call-time relationships applied.

    Returned by ``UserFactory.state(...)``, ``.using(session)``, ``.recycle(...)``, ``.has(...)``
    and ``.for_(...)``. Immutable: each of those returns a new builder. Build and create methods
    behave as the factory's own, with the builder's additions, and raise what they raise.
    """

    factory: type[ModelFactory[ModelT]]
    plan: CallPlan = EMPTY_PLAN

    # ------------------------------------------------------------------ refining

    def state(self, *names: str) -> FactoryBuilder[ModelT]:
        """Add states, applied after those already on the builder (later ones win).

        Raises ``UnknownStateError`` for a name the factory does not define.
        """
        for name in names:
            require_state(self.factory, name)
        return replace(self, plan=replace(self.plan, states=self.plan.states + names))

    def using(self, session: AsyncSession | Session) -> FactoryBuilder[ModelT]:
        """Persist through ``session`` (beats ``bind_session`` and the factory's ``Meta``)."""
        return replace(self, plan=replace(self.plan, session=session))

    def recycle(self, *instances: Any) -> FactoryBuilder[ModelT]:
        """Make every SubFactory, at any depth, whose model matches an instance reuse it.

        Raises ``ConfigurationError`` for anything that is not an instance of a mapped model.
        """
        check_recycled(self.factory, instances)
        return replace(self, plan=replace(self.plan, recycled=self.plan.recycled + instances))

    def has(
        self, factory: type[ModelFactory[Any]] | FactoryBuilder[Any], n: int = 1, relationship: str | None = None
    ) -> FactoryBuilder[ModelT]:
        """Give each built object ``n`` children from ``factory`` (a factory or a builder, whose
        states, ``for_`` links and own ``has`` children apply to each child).

        The children are linked through the one relationship between the two models, or the
        one named by ``relationship`` (of either model). Raises ``ConfigurationError`` naming
        the choices when there is none, or more than one.
        """
        self.factory._check_size("has", n)
        target, plan = (factory.factory, factory.plan) if isinstance(factory, FactoryBuilder) else (factory, EMPTY_PLAN)
        spec = child_spec(self.factory, target, plan, n, relationship)
        return replace(self, plan=replace(self.plan, children=(*self.plan.children, spec)))

    def for_(self, instance: Any, relationship: str | None = None) -> FactoryBuilder[ModelT]:
        """Link every built object to an existing ``instance`` (its parent).

        The link goes through the one relationship between the two models, or the one named
        by ``relationship``; raises ``ConfigurationError`` naming the choices otherwise.
        """
        links = link_keywords(self.factory._meta.model, instance, relationship, self.factory.__name__)
        return replace(self, plan=replace(self.plan, links={**self.plan.links, **links}))

    # ------------------------------------------------------------------ building

    def build(self, **kwargs: Any) -> ModelT:
        """Build one instance (no database)."""
        return self.factory._build_with_plan("build", None, kwargs, self.plan, batch=False)[0]

    def make(self, **kwargs: Any) -> ModelT:
        """Alias of `build`."""
        return self.factory._build_with_plan("make", None, kwargs, self.plan, batch=False)[0]

    def build_batch(self, size: int, **kwargs: Any) -> list[ModelT]:
        """Build ``size`` instances (no database)."""
        return self.factory._build_with_plan("build_batch", size, kwargs, self.plan, batch=True)

    def make_batch(self, size: int, **kwargs: Any) -> list[ModelT]:
        """Alias of `build_batch`."""
        return self.factory._build_with_plan("make_batch", size, kwargs, self.plan, batch=True)

    def batch(self, size: int, **kwargs: Any) -> list[ModelT]:
        """Alias of `build_batch`."""
        return self.factory._build_with_plan("batch", size, kwargs, self.plan, batch=True)

    def attributes(self, **kwargs: Any) -> dict[str, Any]:
        """The column values ``build`` would pass to the model."""
        return self.factory._attributes_with_plan(kwargs, self.plan)

    def build_stubbed(self, **kwargs: Any) -> ModelT:
        """Build with fake primary keys and matching foreign keys (no database)."""
        return self.factory._stubbed_with_plan(kwargs, self.plan)

    # ------------------------------------------------------------------ persisting

    @checked_at_call(batch=False)
    async def create(self, session: AsyncSession | None = None, **kwargs: Any) -> ModelT:
        """Create one instance through an ``AsyncSession`` (see `ModelFactory.create`).

        Raises ``SessionNotBoundError`` if no session is found, ``SessionTypeError`` for a
        synchronous session.
        """
        return (await self.factory._create_async("create", None, session, kwargs, self.plan, batch=False))[0]

    @checked_at_call(batch=True)
    async def create_many(self, size: int, session: AsyncSession | None = None, **kwargs: Any) -> list[ModelT]:
        """Create ``size`` instances with one flush (see `ModelFactory.create_many`).

        Raises ``ValueError`` for a bad ``size``, ``SessionNotBoundError`` if no session is
        found, ``SessionTypeError`` for a synchronous session.
        """
        return await self.factory._create_async("create_many", size, session, kwargs, self.plan, batch=True)

    @checked_at_call(batch=True)
    async def create_batch(self, size: int, session: AsyncSession | None = None, **kwargs: Any) -> list[ModelT]:
        """Alias of `create_many`."""
        return await self.factory._create_async("create_batch", size, session, kwargs, self.plan, batch=True)

    @checked_at_call(batch=False)
    async def create_async(self, session: AsyncSession | None = None, **kwargs: Any) -> ModelT:
        """Alias of `create`."""
        return (await self.factory._create_async("create_async", None, session, kwargs, self.plan, batch=False))[0]

    @checked_at_call(batch=True)
    async def create_batch_async(self, size: int, session: AsyncSession | None = None, **kwargs: Any) -> list[ModelT]:
        """Alias of `create_many`."""
        return await self.factory._create_async("create_batch_async", size, session, kwargs, self.plan, batch=True)

    def create_sync(self, session: Session | None = None, **kwargs: Any) -> ModelT:
        """Create one instance through a synchronous ``Session``."""
        return self.factory._create_sync("create_sync", None, session, kwargs, self.plan, batch=False)[0]

    def create_batch_sync(self, size: int, session: Session | None = None, **kwargs: Any) -> list[ModelT]:
        """Create ``size`` instances through a synchronous ``Session``."""
        return self.factory._create_sync("create_batch_sync", size, session, kwargs, self.plan, batch=True)
