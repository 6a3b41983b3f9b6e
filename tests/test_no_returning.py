"""MySQL 8: a server without ``INSERT … RETURNING``, simulated on MariaDB and SQLite.

MySQL 8 (and MySQL 5.7, and MariaDB before 10.5) cannot run ``RETURNING``. We cannot run a
MySQL 8 server here, so the simulation is what SQLAlchemy's dialect would see there: the
dialect's RETURNING capability flags are turned off (as SQLAlchemy's MySQL dialect sets them for
MySQL), and an engine event rejects any statement containing ``RETURNING`` with the driver's own
error, as the real server would. Plain SQLAlchemy passes under the same simulation (first test),
so a failure here is ours, not the simulation's.

On PostgreSQL, which always has RETURNING, the same flags exercise the path any other dialect
without RETURNING takes (one INSERT per row, keys from the database's sequence).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from asyncfactories import ModelFactory, RelatedFactory, Sequence, SubFactory

from .conftest import StatementLog, _empty_tables, async_url_for
from .factories import CommentFactory, PostFactory, UserFactory
from .models import ApiKey, Comment, Post, User
from .readback import fetch_all

#: The dialect flags SQLAlchemy's MySQL dialect leaves False on MySQL 8.
_RETURNING_FLAGS = (
    "insert_returning",
    "update_returning",
    "delete_returning",
    "insert_executemany_returning",
    "insert_executemany_returning_sort_by_parameter_order",
    "update_executemany_returning",
    "delete_executemany_returning",
)

_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)


def _server_error(dialect: Any, statement: str) -> Exception:
    """What the real server answers to a statement with RETURNING, through this driver."""
    dbapi = dialect.loaded_dbapi
    if dialect.name == "postgresql":
        return dbapi.ProgrammingError("RETURNING is switched off by the test's simulation")
    if dialect.name == "sqlite":
        return dbapi.OperationalError('near "RETURNING": syntax error')
    near = statement[_RETURNING.search(statement).start() :][:80]  # type: ignore[union-attr]  # only called on a match
    return dbapi.ProgrammingError(
        1064,
        "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server "
        f"version for the right syntax to use near '{near}' at line 1",
    )


def _simulate_mysql8(engine: AsyncEngine) -> None:
    dialect = engine.sync_engine.dialect
    for flag in _RETURNING_FLAGS:
        setattr(dialect, flag, False)

    def reject_returning(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if _RETURNING.search(statement):
            raise _server_error(dialect, statement)

    event.listen(engine.sync_engine, "before_cursor_execute", reject_returning)


@pytest.fixture
async def mysql8_engine(engine: AsyncEngine, backend: str, sqlite_path: Path) -> AsyncIterator[AsyncEngine]:
    """An engine on the test database that behaves as one on MySQL 8 would (no RETURNING)."""
    simulated = create_async_engine(async_url_for(backend, sqlite_path))
    async with simulated.connect():
        pass  # the dialect reads the server's version (and sets its flags) on the first connection
    _simulate_mysql8(simulated)
    yield simulated
    await simulated.dispose()
    await _empty_tables(engine)


@pytest.fixture
async def mysql8_session(mysql8_engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with async_sessionmaker(mysql8_engine, expire_on_commit=False)() as session:
        yield session


@pytest.fixture
def mysql8_statements(mysql8_engine: AsyncEngine) -> StatementLog:
    log = StatementLog()

    def on_execute(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        log.statements.append(statement)
        log.executemany.append(many)

    event.listen(mysql8_engine.sync_engine, "before_cursor_execute", on_execute)
    return log


class ApiKeyFactory(ModelFactory[ApiKey]):
    label = Sequence(lambda n: f"key-{n}")
    owner = SubFactory(UserFactory)


class AuthorWithCommentFactory(UserFactory):
    comment = RelatedFactory(CommentFactory, factory_related_name="author")


async def test_the_simulation_rejects_returning(mysql8_session: AsyncSession) -> None:
    with pytest.raises(DBAPIError, match="RETURNING"):
        await mysql8_session.execute(insert(User).values(name="n", email="e@x").returning(User.id))


async def test_plain_sqlalchemy_passes_under_the_simulation(
    mysql8_session: AsyncSession, fresh_session: AsyncSession
) -> None:
    users = [User(name=f"plain {n}", email=f"plain{n}@test.example") for n in range(3)]
    mysql8_session.add_all(users)
    await mysql8_session.flush()
    await mysql8_session.refresh(users[0])  # server defaults without RETURNING: a SELECT
    await mysql8_session.commit()

    assert all(user.id for user in users)
    assert users[0].score == 0
    assert len(await fetch_all(fresh_session, select(User))) == 3


def _selects_per_table(log: StatementLog) -> dict[str, int]:
    """SELECTs that read a table (PostgreSQL's ``select nextval(…)`` for a key is not one)."""
    counts: dict[str, int] = {}
    for sql in log.statements:
        table = re.match(r"\s*SELECT\b.*?\bFROM\s+[`\"]?(\w+)", sql, re.IGNORECASE | re.DOTALL)
        if table:
            counts[table.group(1)] = counts.get(table.group(1), 0) + 1
    return counts


async def test_create_loads_key_and_server_defaults(
    mysql8_session: AsyncSession, fresh_session: AsyncSession, mysql8_statements: StatementLog
) -> None:
    post = await PostFactory.create(session=mysql8_session)
    await mysql8_session.commit()

    # Read after the call, outside the greenlet: an unloaded attribute would raise MissingGreenlet.
    assert post.id and post.author.id and post.author_id == post.author.id
    assert post.author.score == 0 and post.created_at is not None and post.author.created_at is not None
    assert all(count == 1 for count in _selects_per_table(mysql8_statements).values())
    [row] = await fetch_all(fresh_session, select(Post))
    assert (row.id, row.author_id, row.title) == (post.id, post.author.id, post.title)


@pytest.mark.parametrize("size", [1, 3, 250])
async def test_create_many_loads_keys_and_server_defaults(
    size: int,
    backend: str,
    mysql8_session: AsyncSession,
    fresh_session: AsyncSession,
    mysql8_statements: StatementLog,
) -> None:
    await UserFactory.create(session=mysql8_session)  # an earlier row: ids do not start at 1
    mysql8_statements.clear()
    posts = await PostFactory.create_many(size, session=mysql8_session)
    await mysql8_session.commit()

    assert len({post.id for post in posts}) == size
    assert [post.author_id for post in posts] == [post.author.id for post in posts]
    assert all(post.author.score == 0 and post.created_at is not None for post in posts)
    assert set(_selects_per_table(mysql8_statements).values()) <= {1}
    # Batched where the database tells the keys of a batch (one INSERT per table), else one per row.
    assert mysql8_statements.count("INSERT") == (2 * size if backend == "postgres" else 2)
    rows = await fetch_all(fresh_session, select(Post).order_by(Post.id))
    assert [(row.id, row.author_id, row.title) for row in rows] == [
        (post.id, post.author_id, post.title) for post in sorted(posts, key=lambda p: p.id)
    ]


async def test_create_many_with_client_side_keys_and_related_children(
    mysql8_session: AsyncSession, fresh_session: AsyncSession
) -> None:
    keys = await ApiKeyFactory.create_many(3, session=mysql8_session)
    authors = await AuthorWithCommentFactory.create_many(2, session=mysql8_session)
    await mysql8_session.commit()

    assert all(isinstance(key.id, uuid.UUID) and key.owner_id == key.owner.id for key in keys)
    stored = await fetch_all(fresh_session, select(ApiKey))
    assert {(k.id, k.owner_id) for k in stored} == {(k.id, k.owner_id) for k in keys}
    comments = await fetch_all(fresh_session, select(Comment))
    assert sorted(c.author_id for c in comments) == sorted(a.id for a in authors)
