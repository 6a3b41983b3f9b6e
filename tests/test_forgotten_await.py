"""SPEC §4.2: an async call whose resolved session is a synchronous ``Session`` raises
``SessionTypeError`` when the call is made, so a forgotten ``await`` fails loudly.

The tests are plain ``def``s that never await: without the check, each call would return a
coroutine, ``pytest.raises`` would fail, and the unawaited coroutine would warn (an error here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from asyncfactories import ModelFactory, Sequence, SessionTypeError, bind_session

from .factories import UserFactory
from .models import User


class ClassBoundUserFactory(ModelFactory[User]):
    """Its ``__session__`` is set by the test that needs it."""

    email = Sequence(lambda n: f"class-bound{n}@test.example")


CALLS: dict[str, Callable[[Any], Any]] = {
    "create": lambda factory: factory.create(),
    "create_many": lambda factory: factory.create_many(2),
    "create_batch": lambda factory: factory.create_batch(2),
    "create_async": lambda factory: factory.create_async(),
    "create_batch_async": lambda factory: factory.create_batch_async(2),
}
TWINS = {"create": "create_sync", "create_async": "create_sync"}


@pytest.mark.parametrize("call", sorted(CALLS))
def test_async_call_on_a_bound_sync_session_raises_at_the_call(call: str, sync_session: Session) -> None:
    use = TWINS.get(call, "create_batch_sync")

    with bind_session(sync_session), pytest.raises(SessionTypeError) as raised:
        CALLS[call](UserFactory)

    assert str(raised.value) == (
        f"UserFactory.{call}() got a Session; use UserFactory.{use}() with that session instead."
    )


@pytest.mark.parametrize("call", sorted(CALLS))
def test_builder_async_call_on_a_sync_session_raises_at_the_call(call: str, sync_session: Session) -> None:
    with pytest.raises(SessionTypeError, match=rf"^UserFactory\.{call}\(\) got a Session"):
        CALLS[call](UserFactory.using(sync_session))
    with bind_session(sync_session), pytest.raises(SessionTypeError, match=rf"^UserFactory\.{call}\(\) got"):
        CALLS[call](UserFactory.state("admin"))


def test_session_argument_and_call_syntax_raise_at_the_call(sync_session: Session) -> None:
    with pytest.raises(SessionTypeError, match=r"^UserFactory\.create\(\) got a Session"):
        UserFactory.create(session=sync_session)  # type: ignore[arg-type]  # the mistake under test
    with pytest.raises(SessionTypeError, match=r"^UserFactory\.create_many\(\) got a Session"):
        UserFactory.create_many(2, sync_session)  # type: ignore[arg-type]  # the mistake under test
    with bind_session(sync_session), pytest.raises(SessionTypeError, match=r"create_sync\(\)"):
        UserFactory()


@pytest.mark.parametrize("kind", ["session", "scoped_session", "sessionmaker"])
def test_class_session_of_the_sync_kind_raises_at_the_call(
    kind: str, sync_engine: Engine, sync_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    maker = sessionmaker(sync_engine)
    source = {"session": sync_session, "scoped_session": scoped_session(maker), "sessionmaker": maker}[kind]
    monkeypatch.setattr(ClassBoundUserFactory, "__session__", source, raising=False)

    with pytest.raises(SessionTypeError) as raised:
        ClassBoundUserFactory.create()

    got = {"session": "Session"}.get(kind, kind)
    assert str(raised.value) == (
        f"ClassBoundUserFactory.create() got a {got}; "
        "use ClassBoundUserFactory.create_sync() with that session instead."
    )


async def test_async_session_still_creates(session: AsyncSession) -> None:
    pending = UserFactory.create(session=session)  # checked at the call, created at the await

    user = await pending

    assert isinstance(user.id, int)


@pytest.mark.parametrize(
    ("got", "words"),
    [(Session(), "got a Session;"), (AsyncSession(), "got an AsyncSession;"),
     (scoped_session(sessionmaker()), "got a scoped_session;")],
    ids=["Session", "AsyncSession", "scoped_session"],
)
def test_the_message_reads_as_english(got: object, words: str) -> None:
    assert words in str(SessionTypeError("UserFactory", "create", got, "create_sync"))


def test_a_lower_case_class_name_takes_an() -> None:
    class async_thing:  # noqa: N801 - named like SQLAlchemy's async_scoped_session
        pass

    message = str(SessionTypeError("UserFactory", "create_sync", async_thing(), "create"))
    assert "got an async_thing;" in message
