"""``create_many`` builds its objects with one function compiled per call, giving what the
per-object path gives.

The equivalence table reuses the declaration table of ``test_fastbuild_equivalence.py``: each
row's factory makes three objects with ``create_many`` on the compiled path and again with it
switched off, from the same seed and sequence counters, and the two must agree on every value
(related objects included), on the counters left behind and on the statements sent. The
qualification table pins which factories and calls take the compiled path at all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from factory.declarations import Iterator as IteratorDeclaration
from sqlalchemy import String, event, inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates

from asyncfactories import LazyFunction, ModelFactory, PostGenerated, Sequence, SubFactory, events, seed
from asyncfactories.autogen import reset_unique_values
from asyncfactories.building import batch, generation
from asyncfactories.integrations.counter_floor import restart_sequences

from .conftest import StatementLog
from .models import Post, User
from .persistence_helpers import column_values, tables_of
from .test_fastbuild_equivalence import ROWS, Row, _counters, _snapshot, _user

#: Written by the database, so different between the two runs of a row.
_GENERATED = ("id", "author_id", "post_id", "user_id", "created_at")


def _without_generated(value: Any) -> Any:
    if isinstance(value, list):
        return [_without_generated(item) for item in value]
    if isinstance(value, dict):
        return {key: _without_generated(item) for key, item in value.items() if key not in _GENERATED}
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], dict):
        return (value[0], _without_generated(value[1]))
    return value


async def _create(session: AsyncSession, row: Row, statements: StatementLog) -> tuple[Any, ...]:
    seed(7)
    restart_sequences()
    reset_unique_values()  # zero-config unique values count on from the run before
    for declaration in row.factory._meta.declarations.values():
        if isinstance(declaration, IteratorDeclaration):
            declaration.reset()
    statements.statements.clear()
    created = await row.factory.create_many(3, session=session, **row.kwargs)
    sent = [sql.split("(")[0] for sql in statements.statements]
    snapshot = [_without_generated(_snapshot(instance, set())) for instance in created]
    await session.rollback()  # the second run writes the same unique values again
    return snapshot, _counters(), sent


class PlainUserFactory(ModelFactory[User]):
    name = "Plain"
    email = Sequence(lambda n: f"plain{n}@test.example")


class PlainPostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Post {n}")
    author = SubFactory(PlainUserFactory)


class ZeroConfigUserFactory(ModelFactory[User]):
    """Every required column from its type and name, drawn from the factory's ``__random__``."""


class ZeroConfigPostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Post {n}")
    author = SubFactory(ZeroConfigUserFactory)


#: The declaration table, and keywords of the call on top: one the factory declares, one it does not.
EQUIVALENCE = [
    # Their roles are longer than the column, which only SQLite keeps: PostGenerated has a row below.
    *(row for row in ROWS if row.kind not in ("PostGenerated", "PostGeneration")),
    Row(
        "PostGenerated",
        _user("ShortPostGeneratedFactory", role=PostGenerated(lambda name, values: values["email"][:12])),
        lean=True,
    ),
    Row("a declared field passed", PlainPostFactory, lean=True, kwargs={"title": "Given"}),
    Row("an undeclared column passed", PlainUserFactory, lean=True, kwargs={"status": "away", "score": 5}),
    Row("zero-config", ZeroConfigUserFactory, lean=True),
    Row("a zero-config parent", ZeroConfigPostFactory, lean=True),
]


@pytest.mark.parametrize("row", EQUIVALENCE, ids=[row.kind for row in EQUIVALENCE])
async def test_the_compiled_batch_creates_what_the_per_object_path_creates(
    row: Row, session: AsyncSession, statements: StatementLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled = await _create(session, row, statements)
    with monkeypatch.context() as patched:
        patched.setattr(generation, "batch_builder", lambda factory, params: None)  # one object at a time
        per_object = await _create(session, row, statements)
    assert compiled == per_object
    assert (batch.batch_builder(row.factory, row.kwargs) is not None) is row.lean
    assert len({repr(values) for values in compiled[0]}) == 3  # the sequence shows in every object


class CreateHookUserFactory(PlainUserFactory):
    @classmethod
    def _create(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        return super()._create(model_class, *args, **{**kwargs, "role": "hooked"})


class DefaultsUserFactory(PlainUserFactory):
    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {"role": "from defaults"}


class GetOrCreateUserFactory(PlainUserFactory):
    class Meta:
        sqlalchemy_get_or_create = ("email",)


class AvoidingUserFactory(PlainUserFactory):
    class Meta:
        avoid_taken_values = True


class StatefulUserFactory(PlainUserFactory):
    @classmethod
    def state_admin(cls) -> dict[str, Any]:
        return {"role": "admin"}


class HookedSubPostFactory(ModelFactory[Post]):
    title = "Hooked author"
    author = SubFactory(CreateHookUserFactory)


@pytest.fixture
def listening() -> Iterator[None]:
    unsubscribe = events.subscribe(lambda event: None)
    yield
    unsubscribe()


@pytest.fixture
def recycling_users() -> Iterator[None]:
    with PlainUserFactory.default(User(name="Given", email="given@test.example")):
        yield


#: (case, factory, params, compiled?) — and a fixture to hold open while asking, if any.
QUALIFICATION: list[tuple[str, Any, dict[str, Any], bool, str | None]] = [
    ("plain declarations", PlainUserFactory, {}, True, None),
    ("a value passed", PlainUserFactory, {"role": "given"}, True, None),
    ("a SubFactory built lean", PlainPostFactory, {}, True, None),
    ("a declaration passed", PlainUserFactory, {"role": Sequence(str)}, False, None),
    ("a sub-factory keyword", PlainPostFactory, {"author__name": "Ada"}, False, None),
    ("_create overridden", CreateHookUserFactory, {}, False, None),
    ("a sub-factory's _create overridden", HookedSubPostFactory, {}, False, None),
    ("defaults() overridden", DefaultsUserFactory, {}, False, None),
    ("Meta.sqlalchemy_get_or_create", GetOrCreateUserFactory, {}, False, None),
    ("Meta.avoid_taken_values", AvoidingUserFactory, {}, False, None),
    ("an event listener", PlainUserFactory, {}, False, "listening"),
    ("a parent recycled", PlainPostFactory, {}, False, "recycling_users"),
]


@pytest.mark.parametrize(
    ("factory", "params", "compiled", "fixture"),
    [case[1:] for case in QUALIFICATION],
    ids=[case[0] for case in QUALIFICATION],
)
def test_which_calls_take_the_compiled_build(
    factory: Any, params: dict[str, Any], compiled: bool, fixture: str | None, request: pytest.FixtureRequest
) -> None:
    if fixture is not None:
        request.getfixturevalue(fixture)
    assert (batch.batch_builder(factory, params) is not None) is compiled


@pytest.fixture
def compiled_calls(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each ``create_many`` asked for a compiled build got one."""
    seen: list[bool] = []
    real: Callable[..., Any] = batch.batch_builder

    def recording(factory: Any, params: dict[str, Any]) -> Any:
        make_one = real(factory, params)
        seen.append(make_one is not None)
        return make_one

    monkeypatch.setattr(generation, "batch_builder", recording)
    return seen


async def test_create_many_takes_it_and_writes_every_row(
    session: AsyncSession, fresh_session: AsyncSession, compiled_calls: list[bool]
) -> None:
    posts = await PlainPostFactory.create_many(4, session=session)
    await session.commit()

    assert compiled_calls == [True]
    assert [post.title for post in posts] == [f"Post {n}" for n in range(4)]
    written = await column_values(fresh_session, Post.id, Post.title, Post.author_id)
    assert written == sorted((post.id, post.title, post.author.id) for post in posts)
    emails = await column_values(fresh_session, User.email)
    assert emails == sorted((f"plain{n}@test.example",) for n in range(4))
    assert all(post.author.posts == [post] for post in posts)  # the backref, as the ORM sets it


async def test_states_and_single_creates_keep_the_per_object_path(
    session: AsyncSession, compiled_calls: list[bool]
) -> None:
    await PlainUserFactory.create(session=session)
    admins = await StatefulUserFactory.state("admin").create_many(2, session=session)
    await PlainUserFactory.create_many(1, session=session)

    assert compiled_calls == []
    assert [user.role for user in admins] == ["admin", "admin"]


class _Base(DeclarativeBase):
    pass


class Badge(_Base):
    """A validator on one column, and a column nothing listens to."""

    __tablename__ = "batch_badges"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(40))
    colour: Mapped[str] = mapped_column(String(20))

    @validates("label")
    def _shout(self, key: str, value: str) -> str:
        return value.upper()


class Ribbon(_Base):
    """An ``init`` listener of the user's, which must see every keyword."""

    __tablename__ = "batch_ribbons"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(40))


ribbon_keywords: list[dict[str, Any]] = []


@event.listens_for(Ribbon, "init")
def _record_keywords(target: Ribbon, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    ribbon_keywords.append(dict(kwargs))


class BadgeFactory(ModelFactory[Badge]):
    label = Sequence(lambda n: f"badge {n}")
    colour = "red"


class RibbonFactory(ModelFactory[Ribbon]):
    label = Sequence(lambda n: f"ribbon {n}")


@pytest.fixture
async def badge_tables(engine: AsyncEngine) -> AsyncIterator[None]:
    async with tables_of(engine, _Base.metadata):
        yield


async def test_validators_and_init_listeners_see_what_the_constructor_gives_them(
    badge_tables: None, engine: AsyncEngine, compiled_calls: list[bool]
) -> None:
    restart_sequences()
    ribbon_keywords.clear()
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        badges = await BadgeFactory.create_many(3, session=session)
        await RibbonFactory.create_many(2, session=session)
        await session.commit()

    assert compiled_calls == [True, True]
    assert [badge.label for badge in badges] == ["BADGE 0", "BADGE 1", "BADGE 2"]
    assert ribbon_keywords == [{"label": "ribbon 0"}, {"label": "ribbon 1"}]
    async with async_sessionmaker(engine)() as reader:
        rows = (await reader.execute(select(Badge.label, Badge.colour).order_by(Badge.id))).all()
    assert rows == [("BADGE 0", "red"), ("BADGE 1", "red"), ("BADGE 2", "red")]


async def test_values_written_straight_into_the_object_are_saved_by_the_unit_of_work_too(
    session: AsyncSession, fresh_session: AsyncSession, compiled_calls: list[bool]
) -> None:
    """A session with a flush listener keeps the batch off the bulk path: the flush writes it."""
    flushes: list[int] = []
    event.listen(session.sync_session, "before_flush", lambda s, context, instances: flushes.append(len(s.new)))
    users = await PlainUserFactory.create_many(3, session=session, status="away")
    await session.commit()

    assert compiled_calls == [True] and flushes == [3]
    written = await column_values(fresh_session, User.id, User.name, User.email, User.status)
    assert written == [(user.id, "Plain", user.email, "away") for user in users]
    assert [inspect(user).attrs.name.history.unchanged for user in users] == [["Plain"]] * 3


class UserWithDraftFactory(PlainUserFactory):
    """Each user holds a new post no factory made: written by the session's next flush."""

    posts = LazyFunction(lambda: [Post(title="Draft")])


async def test_objects_held_outside_the_batch_still_join_the_session(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    users = await UserWithDraftFactory.create_many(3, session=session)
    await session.commit()

    written = await column_values(fresh_session, Post.title, Post.author_id)
    assert written == sorted(("Draft", user.id) for user in users)
