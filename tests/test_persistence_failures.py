"""SPEC §4.6: a create that fails in the database raises SQLAlchemy's own error with a note,
and leaves the session usable with every earlier row still in place."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from asyncfactories import Sequence

from .conftest import StatementLog
from .factories import PostFactory, UserFactory
from .models import Post, User
from .persistence_helpers import column_values, count_rows


class CommitUserFactory(UserFactory):
    email = Sequence(lambda n: f"committed{n}@test.example")

    class Meta:
        sqlalchemy_session_persistence = "commit"


def notes(error: BaseException) -> str:
    return "\n".join(getattr(error, "__notes__", []))


async def emails_in(session: AsyncSession) -> list[str]:
    """Emails the session itself sees (its own uncommitted rows included)."""
    return list((await session.scalars(select(User.email).order_by(User.email))).all())


@pytest.fixture
async def committed_email(engine: AsyncEngine, session: AsyncSession) -> str:
    """An email already committed by another connection (``session`` empties the tables after)."""
    async with engine.begin() as connection:
        await connection.execute(insert(User).values(name="Taken", email="taken@test.example"))
    return "taken@test.example"


async def test_unique_violation_raises_integrity_error_with_a_note(session: AsyncSession, committed_email: str) -> None:
    with pytest.raises(IntegrityError) as raised:
        await UserFactory.create(session=session, email=committed_email, name="Second")

    assert type(raised.value) is IntegrityError
    note = notes(raised.value)
    assert "UserFactory.create(" in note
    assert f"email={committed_email!r}" in note
    assert "name='Second'" in note


async def test_note_names_the_states_of_the_failing_call(session: AsyncSession, committed_email: str) -> None:
    with pytest.raises(IntegrityError) as raised:
        await UserFactory.state("admin").create(session=session, email=committed_email)

    note = notes(raised.value)
    assert "UserFactory.state('admin').create(" in note
    assert "role='admin'" in note


async def test_session_stays_usable_and_earlier_rows_survive_a_failed_create(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    first = await UserFactory.create(session=session, email="first@test.example")
    posts = await PostFactory.create_many(2, session=session, author=first)

    with pytest.raises(IntegrityError):
        await UserFactory.create(session=session, email="first@test.example")

    assert await emails_in(session) == ["first@test.example"]
    assert first.posts == posts  # earlier instances are untouched and still readable
    after = await UserFactory.create(session=session, email="after@test.example")
    assert isinstance(after.id, int)
    await session.commit()
    assert await column_values(fresh_session, User.email) == [("after@test.example",), ("first@test.example",)]
    assert await count_rows(fresh_session, Post, author_id=first.id) == 2


async def test_failure_as_the_first_statement_of_the_session_leaves_it_usable(
    session: AsyncSession, fresh_session: AsyncSession, committed_email: str
) -> None:
    with pytest.raises(IntegrityError) as raised:
        await UserFactory.create(session=session, email=committed_email)

    assert "UserFactory.create(" in notes(raised.value)
    user = await UserFactory.create(session=session, email="next@test.example")
    await session.commit()
    assert isinstance(user.id, int)
    assert await column_values(fresh_session, User.email) == [("next@test.example",), (committed_email,)]


async def test_failed_create_many_raises_with_a_note_and_keeps_earlier_rows(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    earlier = await UserFactory.create_many(2, session=session)

    with pytest.raises(IntegrityError) as raised:
        await UserFactory.create_many(3, session=session, email="same@test.example")

    note = notes(raised.value)
    assert "UserFactory.create_many(3, email='same@test.example')" in note
    assert "email='same@test.example'" in note
    assert await emails_in(session) == sorted(user.email for user in earlier)
    await UserFactory.create_many(2, session=session)
    await session.commit()
    assert await count_rows(fresh_session, User) == 4


async def test_failed_create_many_as_the_first_statement_leaves_the_session_usable(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    with pytest.raises(IntegrityError):
        await UserFactory.create_many(2, session=session, email="twice@test.example")

    assert await emails_in(session) == []
    users = await UserFactory.create_many(2, session=session)
    await session.commit()
    assert await column_values(fresh_session, User.email) == sorted((user.email,) for user in users)


async def test_not_null_violation_in_a_subfactory_names_the_outer_call(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    kept = await PostFactory.create(session=session, title="Kept")

    with pytest.raises(IntegrityError) as raised:
        await PostFactory.create(session=session, author__name=None)

    assert "PostFactory.create(author__name=None)" in notes(raised.value)
    assert [post.title for post in (await session.scalars(select(Post))).all()] == ["Kept"]
    await session.commit()
    assert await column_values(fresh_session, Post.id) == [(kept.id,)]


async def test_foreign_key_violation_keeps_earlier_rows(
    session: AsyncSession, fresh_session: AsyncSession, backend: str
) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite enforces foreign keys only with PRAGMA foreign_keys=ON, which the test engine leaves off")
    kept = await UserFactory.create(session=session)

    with pytest.raises(IntegrityError) as raised:
        await PostFactory.create(session=session, author=None, author_id=kept.id + 1000)

    assert "PostFactory.create(" in notes(raised.value)
    await session.commit()
    assert await column_values(fresh_session, User.id) == [(kept.id,)]


async def test_failure_in_commit_mode_keeps_committed_rows_and_the_session_usable(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    first = await CommitUserFactory.create(session=session)

    with pytest.raises(IntegrityError):
        await CommitUserFactory.create(session=session, email=first.email)

    second = await CommitUserFactory.create(session=session)
    assert await column_values(fresh_session, User.email) == sorted([(first.email,), (second.email,)])


async def test_failed_create_sends_no_rollback_of_the_callers_transaction(
    session: AsyncSession, statements: StatementLog, backend: str
) -> None:
    await UserFactory.create(session=session, email="mine@test.example")
    statements.clear()

    with pytest.raises(IntegrityError):
        await UserFactory.create(session=session, email="mine@test.example")

    assert statements.count("SAVEPOINT") == 1
    assert statements.count("ROLLBACK TO SAVEPOINT") == 1


async def test_objects_committed_before_a_failure_stay_loaded(session: AsyncSession) -> None:
    first = await PostFactory.create(session=session)
    await session.commit()

    with pytest.raises(IntegrityError):
        await UserFactory.create(session=session, email=first.author.email)

    # A rollback of the whole session would have expired them: reading would raise MissingGreenlet.
    assert first.title.startswith("Post ")
    assert first.author.score == 0
    assert first.author.posts == [first]


async def test_objects_read_before_a_failure_stay_loaded(session: AsyncSession, committed_email: str) -> None:
    taken = (await session.scalars(select(User))).one()

    with pytest.raises(IntegrityError):
        await UserFactory.create(session=session, email=committed_email)

    assert taken.email == committed_email
    assert taken.name == "Taken"


async def test_protected_create_after_a_commit_is_not_committed_by_its_savepoint(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    kept = await UserFactory.create(session=session)
    await session.commit()
    kept_id = kept.id

    await UserFactory.create(session=session)  # runs in a SAVEPOINT: kept is in the session
    await session.rollback()

    assert await column_values(fresh_session, User.id) == [(kept_id,)]


def unique_hint(error: BaseException) -> str:
    return next(note for note in getattr(error, "__notes__", []) if "must be unique" in note)


async def test_unique_violation_note_names_the_column_and_suggests_a_sequence(
    session: AsyncSession, committed_email: str
) -> None:
    with pytest.raises(IntegrityError) as raised:
        await UserFactory.create(session=session, email=committed_email)

    assert unique_hint(raised.value) == (
        "asyncfactories: users.email must be unique and a value repeated one already written. Give email "
        'values that never repeat: email = factory.Sequence(lambda n: f"email-{n}"), or a generator that '
        "does not repeat, e.g. factory.LazyFunction(lambda: fake.unique.<provider>()) with Faker's unique proxy"
    )


async def test_unique_violation_of_the_primary_key_suggests_an_integer_sequence(session: AsyncSession) -> None:
    taken = await UserFactory.create(session=session)
    with pytest.raises(IntegrityError) as raised:
        await UserFactory.create(session=session, id=taken.id)

    assert "users.id must be unique" in unique_hint(raised.value)
    assert "id = factory.Sequence(lambda n: n)" in unique_hint(raised.value)


async def test_other_integrity_errors_get_no_unique_note(session: AsyncSession) -> None:
    with pytest.raises(IntegrityError) as raised:
        await UserFactory.create(session=session, name=None)

    assert not [note for note in getattr(raised.value, "__notes__", []) if "must be unique" in note]
    assert "UserFactory.create(" in notes(raised.value)
