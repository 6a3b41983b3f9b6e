"""The comparison table of ``docs/index.md``, checked against the libraries it describes.

Each test runs the other library the way the table says and asserts what the table says
happens. Versions checked: factory_boy 3.3, polyfactory 3.5, async-factory-boy 1.0. polyfactory
and async-factory-boy are not dependencies: their tests are skipped when they are not installed.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import factory
import pytest
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy import ForeignKey, String, event, func, insert, select
from sqlalchemy.exc import MissingGreenlet, StatementError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from asyncfactories import ModelFactory, Sequence


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "claims_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(50), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    posts: Mapped[list[Post]] = relationship(back_populates="author")


class Post(Base):
    __tablename__ = "claims_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("claims_users.id"))

    author: Mapped[User] = relationship(back_populates="posts")


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'claims.sqlite3'}")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session as ``async_sessionmaker(engine)`` makes it: ``expire_on_commit=True``."""
    async with async_sessionmaker(engine)() as session:
        yield session


@pytest.fixture
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """The first word of every statement the engine runs, and ``COMMIT`` for each commit."""
    seen: list[str] = []

    def on_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement.split()[0].upper())

    def on_commit(conn: Any) -> None:
        seen.append("COMMIT")

    event.listen(engine.sync_engine, "before_cursor_execute", on_execute)
    event.listen(engine.sync_engine, "commit", on_commit)
    yield seen
    event.remove(engine.sync_engine, "before_cursor_execute", on_execute)
    event.remove(engine.sync_engine, "commit", on_commit)


def _reading_raises_missing_greenlet(instance: object, attribute: str) -> bool:
    """Whether reading ``instance.attribute`` outside ``await`` fails with ``MissingGreenlet``.

    The failed attempt leaves a driver coroutine that is never awaited; its warning is
    collected here so that it does not leak into the next test.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            getattr(instance, attribute)
        except StatementError as error:
            return isinstance(error.orig, MissingGreenlet)
        except MissingGreenlet:
            return True
        finally:
            gc.collect()
    return False


# ----------------------------------------------------------------------------- factory_boy


def _factory_boy_factory(session: AsyncSession, **meta: Any) -> type[Any]:
    options = {"model": User, "sqlalchemy_session": session, **meta}
    declarations = {"Meta": type("Meta", (), options), "email": factory.Sequence(lambda n: f"fb{n}@example.com")}
    return type("FactoryBoyUserFactory", (SQLAlchemyModelFactory,), declarations)


async def test_factory_boy_flush_mode_never_awaits_the_flush(session: AsyncSession) -> None:
    UserFactory = _factory_boy_factory(session, sqlalchemy_session_persistence="flush")  # noqa: N806
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        user = UserFactory.create()
        gc.collect()
    assert user.id is None
    assert any("was never awaited" in str(warning.message) for warning in caught)


async def test_factory_boy_passes_session_to_the_model(session: AsyncSession) -> None:
    UserFactory = _factory_boy_factory(session)  # noqa: N806
    with pytest.raises(TypeError, match="'session' is an invalid keyword argument"):
        UserFactory.create(session=session)


async def test_factory_boy_batch_creates_one_by_one_without_a_flush(
    session: AsyncSession, statements: list[str]
) -> None:
    UserFactory = _factory_boy_factory(session)  # noqa: N806
    users = UserFactory.create_batch(3)
    assert [user.id for user in users] == [None, None, None]
    assert statements == []


async def test_factory_boy_get_or_create_needs_query(session: AsyncSession) -> None:
    UserFactory = _factory_boy_factory(session, sqlalchemy_get_or_create=("email",))  # noqa: N806
    with pytest.raises(AttributeError, match="'AsyncSession' object has no attribute 'query'"):
        UserFactory.create(email="a@example.com")


# ----------------------------------------------------------------------------- polyfactory


def _polyfactory_factory(session: AsyncSession) -> type[Any]:
    sqlalchemy_factory = pytest.importorskip("polyfactory.factories.sqlalchemy_factory")

    class PolyUserFactory(sqlalchemy_factory.SQLAlchemyFactory[User]):  # type: ignore[misc,name-defined]
        __async_session__ = session

    return PolyUserFactory


async def test_polyfactory_takes_the_session_from_the_class_only(session: AsyncSession) -> None:
    UserFactory = _polyfactory_factory(session)  # noqa: N806
    with pytest.raises(TypeError, match="'session' is an invalid keyword argument"):
        await UserFactory.create_async(session=session)


async def test_polyfactory_refreshes_columns_but_not_collections(session: AsyncSession) -> None:
    UserFactory = _polyfactory_factory(session)  # noqa: N806
    user = await UserFactory.create_async()
    assert isinstance(user.id, int) and user.created_at is not None
    assert _reading_raises_missing_greenlet(user, "posts")


async def test_polyfactory_batch_commits_once_then_selects_per_object(
    session: AsyncSession, statements: list[str]
) -> None:
    UserFactory = _polyfactory_factory(session)  # noqa: N806
    await UserFactory.create_batch_async(3)
    assert statements.count("COMMIT") == 1
    assert statements[statements.index("COMMIT") + 1 :] == ["SELECT", "SELECT", "SELECT"]


# ----------------------------------------------------------------------------- async-factory-boy


def _async_factory_boy_factory(session: AsyncSession, **meta: Any) -> type[Any]:
    module = pytest.importorskip("async_factory_boy.factory.sqlalchemy")
    options = {"model": User, "sqlalchemy_session": session, **meta}
    declarations = {"Meta": type("Meta", (), options), "email": factory.Sequence(lambda n: f"afb{n}@example.com")}
    return type("AsyncFactoryBoyUserFactory", (module.AsyncSQLAlchemyFactory,), declarations)


async def test_async_factory_boy_takes_the_session_from_meta_only(session: AsyncSession) -> None:
    UserFactory = _async_factory_boy_factory(session)  # noqa: N806
    with pytest.raises(TypeError, match="'session' is an invalid keyword argument"):
        await UserFactory.create(session=session)


async def test_async_factory_boy_objects_are_expired_by_its_commit(session: AsyncSession) -> None:
    UserFactory = _async_factory_boy_factory(session)  # noqa: N806
    user = await UserFactory.create()
    assert _reading_raises_missing_greenlet(user, "email")


async def test_async_factory_boy_commits_every_object_of_a_batch(session: AsyncSession, statements: list[str]) -> None:
    UserFactory = _async_factory_boy_factory(session)  # noqa: N806
    await UserFactory.create_batch(3)
    assert statements.count("INSERT") == 3
    assert statements.count("COMMIT") >= 3


async def test_async_factory_boy_get_or_create_race_rolls_the_session_back(
    engine: AsyncEngine, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    UserFactory = _async_factory_boy_factory(session, sqlalchemy_get_or_create=("email",))  # noqa: N806
    original_save = UserFactory._save.__func__
    rollbacks: list[bool] = []
    original_rollback = session.rollback

    async def racing_save(cls: Any, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        async with engine.begin() as other:  # another connection inserts the row first
            await other.execute(insert(User).values(email=kwargs["email"]))
        return await original_save(cls, model_class, *args, **kwargs)

    async def spy_rollback() -> None:
        rollbacks.append(True)
        await original_rollback()

    monkeypatch.setattr(UserFactory, "_save", classmethod(racing_save))
    monkeypatch.setattr(session, "rollback", spy_rollback)
    await UserFactory.create(email="race@example.com")
    assert rollbacks == [True]  # session.rollback(): whatever the session held is gone
    async with engine.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(User)) == 1


# ----------------------------------------------------------------------------- asyncfactories


class UserFactory(ModelFactory[User]):
    email = Sequence(lambda n: f"af{n}@example.com")


async def test_asyncfactories_column(session: AsyncSession) -> None:
    """The last column. Its get-or-create race is tested in test_persistence_get_or_create.py."""
    user = await UserFactory.create(session=session)
    assert isinstance(user.id, int) and user.created_at is not None and user.posts == []

    flushes: list[int] = []
    event.listen(session.sync_session, "after_flush", lambda *_: flushes.append(1))
    await UserFactory.create_many(3, session=session)
    assert flushes == [1]
