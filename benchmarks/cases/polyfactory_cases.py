"""polyfactory's ``SQLAlchemyFactory``, sync (``create_batch_sync``) and async (``create_batch_async``).

Its default persistence method is ``COMMIT``: ``save_many`` adds the batch, commits, and (async
only) refreshes every instance with one SELECT each. Primary and foreign keys are left to the
database (``__set_primary_key__ = False``, ``__set_foreign_keys__ = False``); ``created_at`` is
left to its server default. The zero-config case is polyfactory's native mode, only told not to
invent primary keys nor fill the ``posts`` collection.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any, ClassVar

from polyfactory import Ignore, Use
from polyfactory.factories.sqlalchemy_factory import SQLAlchemyFactory, SQLAlchemyPersistenceMethod

from ..schema import Post, User
from . import AsyncCreate, AsyncRunner, AsyncTarget, SyncCreate, SyncRunner, SyncTarget, next_email, pick


class UserFactory(SQLAlchemyFactory[User]):
    __set_primary_key__ = False
    __set_relationships__ = False
    name = "Bench User"
    email = Use(next_email)
    role = "member"
    created_at = Ignore()


class FakerUserFactory(UserFactory):
    name = Use(SQLAlchemyFactory.__faker__.name)


class PostFactory(SQLAlchemyFactory[Post]):
    __set_primary_key__ = False
    __set_foreign_keys__ = False
    title = "Hello"
    author = Use(UserFactory.build)


class ZeroConfigUserFactory(SQLAlchemyFactory[User]):
    __set_primary_key__ = False
    __set_relationships__ = False


class FlushingUserFactory(UserFactory):
    """For the single-create case: flush, do not commit, after each object."""

    __persistence_method__: ClassVar[SQLAlchemyPersistenceMethod] = SQLAlchemyPersistenceMethod.FLUSH


FACTORIES: dict[str, Any] = {
    "users": UserFactory,
    "faker": FakerUserFactory,
    "posts": PostFactory,
    "zero": ZeroConfigUserFactory,
}


class SyncPolyRunner(SyncRunner):
    def populate(self, target: SyncTarget, case: str, n: int) -> None:
        model_factory = pick(FACTORIES, case)
        with target.sessions() as session:
            model_factory.__session__ = session
            model_factory.create_batch_sync(n)  # commits

    def build(self, n: int) -> list[Any]:
        return UserFactory.batch(n)

    @contextmanager
    def single(self, target: SyncTarget) -> Iterator[SyncCreate]:
        with target.sessions() as session:
            FlushingUserFactory.__session__ = session
            yield FlushingUserFactory.create_sync
            session.commit()


class AsyncPolyRunner(AsyncRunner):
    async def populate(self, target: AsyncTarget, case: str, n: int) -> None:
        model_factory = pick(FACTORIES, case)
        async with target.sessions() as session:
            model_factory.__async_session__ = session
            await model_factory.create_batch_async(n)  # commits, then refreshes each instance

    @asynccontextmanager
    async def single(self, target: AsyncTarget) -> AsyncIterator[AsyncCreate]:
        async with target.sessions() as session:
            FlushingUserFactory.__async_session__ = session
            yield FlushingUserFactory.create_async  # flushes, then refreshes the instance
            await session.commit()


def runner(variant: str) -> SyncPolyRunner | AsyncPolyRunner:
    return SyncPolyRunner() if variant == "sync" else AsyncPolyRunner()
