"""SPEC §5.1 / §5.2: states — Params traits and ``state_<name>()`` methods, combined in order."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories import (
    ConfigurationError,
    FactoryBuilder,
    Faker,
    LazyAttribute,
    ModelFactory,
    Sequence,
    Trait,
    UnknownFieldError,
    UnknownStateError,
)

from .conftest import StatementLog
from .models import User
from .readback import fetch_all, fetch_one


class StatefulUserFactory(ModelFactory[User]):
    name = Faker("name")
    email = Sequence(lambda n: f"stateful{n}@test.example")

    class Params:
        admin = Trait(role="admin", name="Admin User")
        vip = Trait(role="vip")

    @classmethod
    def state_suspended(cls) -> dict[str, Any]:
        return {"status": "suspended"}

    @classmethod
    def state_banned(cls) -> dict[str, Any]:
        return {"status": "banned", "role": "banned"}

    @classmethod
    def state_renamed(cls) -> dict[str, Any]:
        # State values may be declarations, evaluated per instance.
        return {"name": Sequence(lambda n: f"Renamed {n}"), "role": LazyAttribute(lambda user: user.name[:20])}


class EditorFactory(StatefulUserFactory):
    class Params:
        editor = Trait(role="editor")

    @classmethod
    def state_archived(cls) -> dict[str, Any]:
        return {"status": "archived"}


# --------------------------------------------------------------------------- discovery


def test_state_names_lists_traits_and_state_methods() -> None:
    names = StatefulUserFactory.state_names()
    assert sorted(names) == ["admin", "banned", "renamed", "suspended", "vip"]
    assert len(names) == len(set(names))


def test_state_names_include_inherited_ones() -> None:
    assert sorted(EditorFactory.state_names()) == [
        "admin",
        "archived",
        "banned",
        "editor",
        "renamed",
        "suspended",
        "vip",
    ]
    # The parent does not see its subclass's states.
    assert "editor" not in StatefulUserFactory.state_names()
    assert "archived" not in StatefulUserFactory.state_names()


def test_a_factory_without_states_has_none() -> None:
    class PlainUserFactory(ModelFactory[User]):
        email = Sequence(lambda n: f"plain{n}@test.example")

    assert PlainUserFactory.state_names() == []


def test_inherited_states_apply_on_the_subclass() -> None:
    user = EditorFactory.state("admin", "archived").build()
    assert (user.role, user.status, user.name) == ("admin", "archived", "Admin User")
    assert EditorFactory.state("editor").build().role == "editor"


# --------------------------------------------------------------------------- applying states


def test_a_trait_is_usable_as_a_state() -> None:
    builder = StatefulUserFactory.state("admin")
    assert isinstance(builder, FactoryBuilder)
    user = builder.build()
    assert (user.role, user.name) == ("admin", "Admin User")


def test_a_state_method_is_usable_as_a_state() -> None:
    user = StatefulUserFactory.state("suspended").build()
    assert user.status == "suspended"
    assert user.role != "admin"


def test_state_values_may_be_declarations_evaluated_per_instance() -> None:
    first, second = StatefulUserFactory.state("renamed").build_batch(2)
    assert first.name.startswith("Renamed ")
    assert second.name.startswith("Renamed ")
    assert first.name != second.name
    assert first.role == first.name[:20]  # a LazyAttribute sees the state's other values


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        (("admin", "banned"), ("banned", "banned", "Admin User")),
        (("banned", "admin"), ("admin", "banned", "Admin User")),
        (("vip", "admin"), ("admin", None, "Admin User")),
        (("admin", "vip"), ("vip", None, "Admin User")),
        (("suspended", "banned"), ("banned", "banned", None)),
        (("banned", "suspended"), ("banned", "suspended", None)),
    ],
)
def test_combined_states_apply_in_order_later_ones_winning(
    states: tuple[str, ...], expected: tuple[str | None, str | None, str | None]
) -> None:
    role, status, name = expected  # None: not set by these states, not checked
    together = StatefulUserFactory.state(*states).build()
    chained = StatefulUserFactory.state(states[0]).state(states[1]).build()
    for user in (together, chained):
        assert user.role == role
        if status is not None:
            assert user.status == status
        if name is not None:
            assert user.name == name


def test_every_state_of_a_factory_builds() -> None:
    for name in EditorFactory.state_names():
        assert isinstance(EditorFactory.state(name).build(), User)


async def test_states_are_persisted(session: AsyncSession, fresh_session: AsyncSession) -> None:
    created = await StatefulUserFactory.state("admin", "suspended").create_many(2, session=session)
    await session.commit()
    rows = await fetch_all(fresh_session, select(User).order_by(User.id))
    assert [(row.id, row.role, row.status, row.name) for row in rows] == [
        (user.id, "admin", "suspended", "Admin User") for user in created
    ]


async def test_a_state_does_not_stick_to_the_factory(session: AsyncSession, fresh_session: AsyncSession) -> None:
    await StatefulUserFactory.state("banned").create(session=session)
    plain = await StatefulUserFactory.create(session=session)
    await session.commit()
    row = await fetch_one(fresh_session, select(User).where(User.id == plain.id))
    assert (row.role, row.status) == ("user", "active")


# --------------------------------------------------------------------------- errors


def test_an_unknown_state_raises_unknown_state_error_listing_the_valid_names() -> None:
    with pytest.raises(UnknownStateError) as raised:
        StatefulUserFactory.state("superuser")
    error = raised.value
    assert (error.factory_name, error.state) == ("StatefulUserFactory", "superuser")
    assert error.valid_names == ["admin", "banned", "renamed", "suspended", "vip"]
    message = str(error)
    assert message.startswith("StatefulUserFactory has no state 'superuser'")
    assert "valid states: admin, banned, renamed, suspended, vip" in message
    assert "state_superuser()" in message  # the fix


def test_an_unknown_state_is_reported_by_a_chained_state_call_too() -> None:
    builder = StatefulUserFactory.state("admin")
    with pytest.raises(UnknownStateError, match="has no state 'nope'"):
        builder.state("suspended", "nope")
    # The builder it was called on is unchanged and still usable.
    assert builder.build().role == "admin"


def test_an_unknown_state_on_a_factory_without_states_says_none_are_defined() -> None:
    class NoStatesFactory(ModelFactory[User]):
        email = Sequence(lambda n: f"nostates{n}@test.example")

    with pytest.raises(UnknownStateError, match=r"valid states: \(none defined\)"):
        NoStatesFactory.state("admin")


async def test_an_unknown_state_fails_before_any_sql(session: AsyncSession, statements: StatementLog) -> None:
    with pytest.raises(UnknownStateError):
        await StatefulUserFactory.state("nope").create(session=session)
    assert statements.statements == []


def test_a_name_defined_as_trait_and_state_method_fails_at_class_definition() -> None:
    with pytest.raises(ConfigurationError) as raised:

        class TwiceFactory(ModelFactory[User]):
            email = Sequence(lambda n: f"twice{n}@test.example")

            class Params:
                vip = Trait(role="vip")

            @classmethod
            def state_vip(cls) -> dict[str, Any]:
                return {"role": "vip"}

    message = str(raised.value)
    assert message.startswith("TwiceFactory: state 'vip' is defined twice")
    assert "Trait in 'class Params'" in message
    assert "'state_vip()'" in message
    assert isinstance(raised.value, TypeError)


def test_a_state_method_clashing_with_an_inherited_trait_fails_at_class_definition() -> None:
    with pytest.raises(ConfigurationError, match="state 'admin' is defined twice"):

        class ClashFactory(StatefulUserFactory):
            @classmethod
            def state_admin(cls) -> dict[str, Any]:
                return {"role": "admin"}


def test_a_state_method_returning_a_non_dict_fails_with_configuration_error() -> None:
    class ListStateFactory(ModelFactory[User]):
        email = Sequence(lambda n: f"liststate{n}@test.example")

        @classmethod
        def state_bad(cls) -> Any:
            return [("role", "admin")]

    builder = ListStateFactory.state("bad")  # a known name: accepted
    with pytest.raises(ConfigurationError) as raised:
        builder.build()
    message = str(raised.value)
    assert message.startswith("ListStateFactory.state_bad() returned list")
    assert "must return a dict" in message


def test_an_unknown_key_in_a_state_method_fails_when_the_state_is_first_used() -> None:
    class TypoStateFactory(ModelFactory[User]):
        email = Sequence(lambda n: f"typostate{n}@test.example")

        @classmethod
        def state_typo(cls) -> dict[str, Any]:
            return {"stauts": "suspended"}

        @classmethod
        def state_fine(cls) -> dict[str, Any]:
            return {"status": "fine"}

    # Defining the class and naming the state are fine: the method has not run yet.
    builder = TypoStateFactory.state("typo")
    with pytest.raises(UnknownFieldError) as raised:
        builder.build()
    error = raised.value
    assert (error.factory_name, error.field) == ("TypoStateFactory", "stauts")
    message = str(error)
    assert message.startswith("TypoStateFactory: state_typo() sets 'stauts' is not a mapped attribute")
    assert "did you mean 'status'?" in message
    # Still reported on the next use, and the factory's other states keep working.
    with pytest.raises(UnknownFieldError):
        builder.build()
    assert TypoStateFactory.state("fine").build().status == "fine"


async def test_an_unknown_key_in_a_state_method_fails_before_any_insert(
    session: AsyncSession, statements: StatementLog
) -> None:
    class TypoCreateFactory(ModelFactory[User]):
        email = Sequence(lambda n: f"typocreate{n}@test.example")

        @classmethod
        def state_typo(cls) -> dict[str, Any]:
            return {"nmae": "x"}

    with pytest.raises(UnknownFieldError, match="state_typo\\(\\) sets 'nmae'"):
        await TypoCreateFactory.state("typo").create(session=session)
    assert statements.count("INSERT") == 0


def test_an_unknown_key_in_a_trait_fails_at_class_definition() -> None:
    with pytest.raises(UnknownFieldError) as raised:

        class TypoTraitFactory(ModelFactory[User]):
            email = Sequence(lambda n: f"typotrait{n}@test.example")

            class Params:
                admin = Trait(rol="admin")

    error = raised.value
    assert (error.factory_name, error.field) == ("TypoTraitFactory", "rol")
    assert str(error).startswith("TypoTraitFactory: Params.admin sets 'rol' is not a mapped attribute")
    assert "did you mean 'role'?" in str(error)
