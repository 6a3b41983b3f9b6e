"""PostgreSQL: a batch is one ``INSERT … SELECT … FROM unnest(…) RETURNING`` per table and chunk.

Every test runs on every backend: on PostgreSQL it pins the statements; elsewhere it checks that
no other dialect is sent the PostgreSQL form. Rows are read back through a second session.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import JSON, Enum, String, event, literal, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncfactories import Iterator, ModelFactory, Sequence
from asyncfactories.persisting import unnest

from .conftest import StatementLog
from .factories import PostFactory, UserFactory
from .models import Post, User
from .persistence_helpers import column_values, tables_of


def _inserts(statements: StatementLog) -> list[str]:
    return [sql for sql in statements.statements if sql.lstrip().upper().startswith("INSERT")]


async def test_a_batch_is_one_insert_per_table(
    session: AsyncSession, fresh_session: AsyncSession, statements: StatementLog, backend: str
) -> None:
    posts = await PostFactory.create_many(2500, session=session)  # each with a new author
    inserts = _inserts(statements)
    await session.commit()

    if backend == "postgres":
        assert [sql.split()[2] for sql in inserts] == ["users", "posts"]
        assert all("FROM unnest(" in sql for sql in inserts)
    else:
        assert not any("unnest" in sql for sql in inserts)
    written = await column_values(fresh_session, Post.id, Post.title, Post.author_id)
    assert written == sorted((post.id, post.title, post.author.id) for post in posts)
    assert [post.title for post in posts] == [f"Post {n}" for n in range(2500)]  # in the call's order
    users = await column_values(fresh_session, User.id, User.email, User.score)
    assert users == sorted((post.author.id, post.author.email, 0) for post in posts)
    assert all(post.author.created_at is not None and post.created_at is not None for post in posts)


async def test_a_big_batch_is_one_statement_per_chunk(
    session: AsyncSession,
    fresh_session: AsyncSession,
    statements: StatementLog,
    backend: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(unnest, "ROWS_PER_STATEMENT", 1000)
    users = await UserFactory.create_many(2500, session=session)
    inserts = _inserts(statements)
    await session.commit()

    if backend == "postgres":
        assert len(inserts) == 3 and all("FROM unnest(" in sql for sql in inserts)
    keys = [user.id for user in users]
    assert keys == sorted(keys) and len(set(keys)) == 2500  # each instance got its own row's key
    written = await column_values(fresh_session, User.id, User.email)
    assert written == [(user.id, user.email) for user in users]


class _Base(DeclarativeBase):
    pass


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Gadget(_Base):
    """Columns that cannot travel as arrays: JSON, an Enum, a per-row Python default."""

    __tablename__ = "unnest_gadgets"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    settings: Mapped[dict[str, int] | None] = mapped_column(JSON, nullable=True)
    colour: Mapped[Colour | None] = mapped_column(Enum(Colour, name="unnest_colour"), nullable=True)
    token: Mapped[str] = mapped_column(String(36), default=lambda: str(uuid.uuid4()))


class GadgetFactory(ModelFactory[Gadget]):
    class Meta:
        auto_fields = False

    name = Sequence(lambda n: f"gadget {n}")


@pytest.fixture
async def gadgets(engine: AsyncEngine) -> AsyncIterator[None]:
    async with tables_of(engine, _Base.metadata):
        yield


@pytest.mark.parametrize(
    ("keywords", "unnested"),
    [
        pytest.param({}, False, id="a-python-default-left-to-run-per-row"),
        pytest.param({"token": "given"}, True, id="every-column-plain"),
        pytest.param({"token": "given", "settings": {"a": 1}}, False, id="json"),
        pytest.param({"token": "given", "colour": Colour.RED}, False, id="enum"),
    ],
)
async def test_a_column_that_cannot_travel_as_an_array_keeps_insertmanyvalues(
    gadgets: None,
    engine: AsyncEngine,
    statements: StatementLog,
    backend: str,
    keywords: dict[str, object],
    unnested: bool,
) -> None:
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        made = await GadgetFactory.create_many(50, session=session, **keywords)
        await session.commit()
    inserts = _inserts(statements)

    assert any("FROM unnest(" in sql for sql in inserts) is (unnested and backend == "postgres")
    async with async_sessionmaker(engine)() as reader:
        rows = (await reader.execute(select(Gadget.id, Gadget.token, Gadget.settings, Gadget.colour))).all()
    assert sorted(rows) == sorted((g.id, g.token, g.settings, g.colour) for g in made)
    if not keywords:
        assert len({gadget.token for gadget in made}) == 50  # the default ran once per row


async def test_psycopg_takes_the_unnest_path_too(engine: AsyncEngine, backend: str) -> None:
    if backend != "postgres":
        pytest.skip("psycopg is a PostgreSQL driver")
    pytest.importorskip("psycopg")
    psycopg_engine = create_async_engine(engine.url.set(drivername="postgresql+psycopg"))
    log = StatementLog()
    event.listen(psycopg_engine.sync_engine, "before_cursor_execute", lambda *args: log.statements.append(args[2]))
    try:
        async with async_sessionmaker(psycopg_engine, expire_on_commit=False)() as session:
            users = await UserFactory.create_many(300, session=session)
            keys = {user.id for user in users}
            await session.rollback()
        inserts = _inserts(log)
        assert [sql.split()[2] for sql in inserts] == ["users"] and "FROM unnest(" in inserts[0]
        assert len(keys) == 300 and None not in keys
    finally:
        await psycopg_engine.dispose()


#: ``score`` per object, in turn; the statements PostgreSQL is sent; the scores written.
SCORES = [
    pytest.param([7, 8], ["unnest"], [7, 8, 7, 8], id="every-object-gives-it"),
    pytest.param([None, None], ["unnest"], [0, 0, 0, 0], id="every-object-leaves-it-to-the-server-default"),
    pytest.param([None, 5], ["unnest", "unnest"], [0, 5, 0, 5], id="half-leave-it-out-one-insert-each"),
    pytest.param([literal(40) + 2, 5], ["values"] * 4, [42, 5, 42, 5], id="a-sql-expression-unit-of-work"),
]


@pytest.mark.parametrize(("scores", "sent", "written"), SCORES)
async def test_objects_that_leave_out_different_columns(
    session: AsyncSession,
    fresh_session: AsyncSession,
    statements: StatementLog,
    backend: str,
    scores: list[object],
    sent: list[str],
    written: list[int],
) -> None:
    """A column some objects give and others leave out (None, where a default applies) splits the
    batch by the columns given; a SQL expression goes to the unit of work, which runs it in its
    INSERT and loads the value back, as for any flush."""
    users = await UserFactory.create_many(4, session=session, score=Iterator(scores))
    inserts = _inserts(statements)
    await session.commit()

    if backend == "postgres":
        assert ["unnest" if "FROM unnest(" in sql else "values" for sql in inserts] == sent
    assert [user.score for user in users] == written
    assert await column_values(fresh_session, User.email, User.score) == sorted(
        (user.email, score) for user, score in zip(users, written, strict=True)
    )
