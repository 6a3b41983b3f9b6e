"""SPEC §4.2 and §4.6: after the caller's ``rollback()``, objects made by ``create`` behave as
objects made by hand with ``add`` + ``flush``: no longer in the session, values still readable."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from .factories import PostFactory, UserFactory
from .models import Post, User
from .persistence_helpers import count_rows


def readable_values(instance: Any) -> dict[str, Any]:
    """The column values, read as a user would (raises if any needs the session)."""
    return {key: getattr(instance, key) for key in sa_inspect(type(instance)).columns.keys()}  # noqa: SIM118


@pytest.mark.parametrize("earlier", [False, True], ids=["first-in-session", "after-earlier-rows"])
@pytest.mark.parametrize("call", ["create", "create_many"])
async def test_created_objects_stay_readable_after_the_callers_rollback(
    call: str, earlier: bool, session: AsyncSession, fresh_session: AsyncSession
) -> None:
    if earlier:  # the call then runs inside its protective SAVEPOINT
        await UserFactory.create(session=session)
    made = [await PostFactory.create(session=session)] if call == "create" else (
        await PostFactory.create_many(2, session=session)
    )
    by_hand = User(name="By hand", email="by-hand@test.example")
    session.add(by_hand)
    await session.flush()

    await session.rollback()

    assert readable_values(by_hand)["email"] == "by-hand@test.example"
    for post in made:
        values = readable_values(post)
        assert isinstance(values["id"], int) and values["title"].startswith("Post ")
        assert readable_values(post.author)["email"].startswith("user")
        assert sa_inspect(post).transient == sa_inspect(by_hand).transient is True
        assert post not in session and post.author not in session
    assert await count_rows(fresh_session, Post) == 0


@pytest.mark.parametrize("call", ["create_sync", "create_batch_sync"])
async def test_created_objects_stay_readable_after_a_sync_rollback(
    call: str, sync_session: Session, fresh_session: AsyncSession
) -> None:
    made = [PostFactory.create_sync(session=sync_session)] if call == "create_sync" else (
        PostFactory.create_batch_sync(2, session=sync_session)
    )

    sync_session.rollback()

    for post in made:
        assert isinstance(readable_values(post)["id"], int)
        assert readable_values(post.author)["email"].startswith("user")
        assert sa_inspect(post).transient
    assert await count_rows(fresh_session, User) == 0


async def test_rolled_back_objects_leave_room_for_new_rows_with_their_keys(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    """A rolled-back object no longer in the identity map: its key may come back for a new row."""
    first = await UserFactory.create(session=session, email="again@test.example")
    await session.rollback()

    second = await UserFactory.create(session=session, email="again@test.example")
    await session.commit()

    assert second is not first
    assert await count_rows(fresh_session, User, email="again@test.example") == 1
