"""Every runnable example of the Laravel-style "Factories" page (seeds/003), on asyncfactories.

The page's ``ModelFactory`` (``__model__``, ``defaults()`` with ``_next_seq()``, ``make``,
``create(session=...)``, ``create_many``, ``state_<name>()``, ``state("admin")`` returning a
``FactoryBuilder``, ``make_batch`` / ``batch`` with overrides, ``_reset_seq()`` in teardown),
persisting through an ``AsyncSession`` on SQLite, PostgreSQL and MariaDB.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, ClassVar

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories import FactoryBuilder, ModelFactory, Sequence, UnknownStateError

from .models import User

# --------------------------------------------------------------------------- the page's factory


class UserFactory(ModelFactory[User]):
    __model__: ClassVar[type[User]] = User

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        seq = cls._next_seq()
        return {
            "name": f"User {seq}",
            "email": f"user{seq}@test.example",
        }

    @classmethod
    def state_admin(cls) -> dict[str, Any]:
        return {"role": "admin", "name": "Admin User"}

    @classmethod
    def state_suspended(cls) -> dict[str, Any]:
        return {"status": "suspended"}


class AuditorFactory(UserFactory):
    """A subclass: its ``_next_seq()`` counts on its own."""


class SequencedUserFactory(ModelFactory[User]):
    """``_next_seq()`` next to factory_boy's ``Sequence``: ``_reset_seq()`` restarts both."""

    username = Sequence(lambda n: f"member{n}")

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {"email": f"member{cls._next_seq()}@test.example"}


@pytest.fixture(autouse=True)
def reset_sequences() -> Iterator[None]:
    """The page's "Call _reset_seq() in test teardown": every example starts at User 1."""
    yield
    for factory in (UserFactory, AuditorFactory, SequencedUserFactory):
        factory._reset_seq()


async def _rows(fresh_session: AsyncSession) -> list[User]:
    return list(await fresh_session.scalars(select(User).order_by(User.id)))


# --------------------------------------------------------------------------- a minimal factory


def test_the_model_comes_from_dunder_model_and_the_generic_parameter() -> None:
    assert UserFactory._meta.model is User
    assert UserFactory.__model__ is User


def test_defaults_use_next_seq_so_emails_stay_unique() -> None:
    users = [UserFactory.make() for _ in range(3)]
    assert [user.name for user in users] == ["User 1", "User 2", "User 3"]
    assert [user.email for user in users] == ["user1@test.example", "user2@test.example", "user3@test.example"]


def test_next_seq_is_a_per_class_counter() -> None:
    assert UserFactory.make().name == "User 1"
    assert AuditorFactory.make().name == "User 1"  # a subclass counts on its own
    assert UserFactory.make().name == "User 2"
    assert UserFactory._next_seq() == 3


# --------------------------------------------------------------------------- making instances


def test_make_never_touches_the_database() -> None:
    user = UserFactory.make()  # no session anywhere: make must not need one
    assert isinstance(user, User)
    assert inspect(user).transient
    assert user.id is None


async def test_create_flushes_and_loads_ids_and_server_defaults(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    user = await UserFactory.create(session=session)

    assert inspect(user).persistent
    assert isinstance(user.id, int)
    assert user.score == 0  # server_default, readable outside the greenlet
    assert isinstance(user.created_at, datetime)  # server_default=func.now()
    assert user.role == "user" and user.status == "active"  # Python-side defaults, applied at flush

    await session.commit()
    [row] = await _rows(fresh_session)
    assert (row.id, row.name, row.email, row.score) == (user.id, "User 1", "user1@test.example", 0)


async def test_create_many_loads_every_id_and_server_default(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    users = await UserFactory.create_many(5, session=session)

    assert len(users) == 5
    assert len({user.id for user in users}) == 5
    assert all(isinstance(user.id, int) for user in users)
    assert all(user.score == 0 and isinstance(user.created_at, datetime) for user in users)
    assert [user.email for user in users] == [f"user{n}@test.example" for n in range(1, 6)]

    await session.commit()
    rows = await _rows(fresh_session)
    assert [(row.id, row.email) for row in rows] == [(user.id, user.email) for user in users]


# --------------------------------------------------------------------------- states


def test_state_returns_a_factory_builder() -> None:
    builder = UserFactory.state("admin")
    assert isinstance(builder, FactoryBuilder)
    assert builder.factory is UserFactory
    assert sorted(UserFactory.state_names()) == ["admin", "suspended"]


async def test_state_admin_create(session: AsyncSession, fresh_session: AsyncSession) -> None:
    admin = await UserFactory.state("admin").create(session=session)

    assert (admin.role, admin.name) == ("admin", "Admin User")
    assert admin.email == "user1@test.example"  # defaults() still supplies what the state leaves
    assert isinstance(admin.id, int) and admin.score == 0

    await session.commit()
    [row] = await _rows(fresh_session)
    assert (row.id, row.role, row.name) == (admin.id, "admin", "Admin User")


def test_factory_builder_make_and_make_batch_merge_the_state() -> None:
    admin = UserFactory.state("admin").make()
    assert (admin.role, admin.name, admin.email) == ("admin", "Admin User", "user1@test.example")

    admins = UserFactory.state("admin").make_batch(3)
    assert [user.role for user in admins] == ["admin"] * 3
    assert [user.email for user in admins] == [f"user{n}@test.example" for n in range(2, 5)]
    assert all(inspect(user).transient for user in admins)


async def test_factory_builder_create_many_merges_the_state(session: AsyncSession, fresh_session: AsyncSession) -> None:
    admins = await UserFactory.state("admin").create_many(3, session=session)
    assert all(user.role == "admin" and isinstance(user.id, int) for user in admins)

    await session.commit()
    rows = await _rows(fresh_session)
    assert [(row.role, row.name) for row in rows] == [("admin", "Admin User")] * 3


async def test_states_chain_and_call_keywords_win(session: AsyncSession, fresh_session: AsyncSession) -> None:
    user = await UserFactory.state("admin").state("suspended").create(session=session, name="Root")
    assert (user.role, user.status, user.name) == ("admin", "suspended", "Root")

    same = UserFactory.state("admin", "suspended").make()
    assert (same.role, same.status, same.name) == ("admin", "suspended", "Admin User")

    await session.commit()
    [row] = await _rows(fresh_session)
    assert (row.role, row.status, row.name) == ("admin", "suspended", "Root")


def test_an_unknown_state_names_the_valid_ones() -> None:
    with pytest.raises(UnknownStateError, match="admin") as raised:
        UserFactory.state("owner")
    assert "suspended" in str(raised.value)


# --------------------------------------------------------------------------- batches


def test_make_batch_and_batch_share_the_overrides() -> None:
    editors = UserFactory.make_batch(3, role="editor")
    assert [user.role for user in editors] == ["editor"] * 3
    assert len({user.email for user in editors}) == 3  # only the overridden field is shared

    suspended = UserFactory.batch(2, status="suspended")
    assert [user.status for user in suspended] == ["suspended"] * 2
    assert [user.name for user in suspended] == ["User 4", "User 5"]


def test_a_per_call_keyword_changes_only_that_field() -> None:
    user = UserFactory.make(name="Ada Lovelace")
    assert (user.name, user.email) == ("Ada Lovelace", "user1@test.example")


async def test_create_many_with_overrides(session: AsyncSession, fresh_session: AsyncSession) -> None:
    guests = await UserFactory.create_many(3, session=session, role="guest")
    assert all(user.role == "guest" and isinstance(user.id, int) for user in guests)

    await session.commit()
    rows = await _rows(fresh_session)
    assert [row.role for row in rows] == ["guest"] * 3
    assert await fresh_session.scalar(select(func.count()).select_from(User)) == 3


# --------------------------------------------------------------------------- resetting sequences


def test_every_example_starts_at_user_1() -> None:
    # Holds in every test of this module (and for every database) because the autouse
    # fixture calls _reset_seq() in teardown.
    assert UserFactory.make().name == "User 1"


def test_reset_seq_restarts_next_seq_and_factory_boys_sequence() -> None:
    first = SequencedUserFactory.make_batch(2)
    assert [user.email for user in first] == ["member1@test.example", "member2@test.example"]
    assert first[0].username != first[1].username

    SequencedUserFactory._reset_seq()
    again = SequencedUserFactory.make_batch(2)
    assert [user.email for user in again] == [user.email for user in first]
    assert [user.username for user in again] == [user.username for user in first]
