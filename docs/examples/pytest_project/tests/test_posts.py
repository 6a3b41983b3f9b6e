from __future__ import annotations

from factories import PostFactory, UserFactory
from myapp.models import Post, User
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session


async def count(session: AsyncSession, model: type[User | Post]) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


# --8<-- [start:bound]
async def test_factories_use_the_test_session(af_session: AsyncSession) -> None:
    post = await PostFactory.create()  # no session= : every factory is bound to af_session

    assert post.author.id is not None
    assert await count(af_session, Post) == 1
# --8<-- [end:bound]


# --8<-- [start:rolled-back]
async def test_commits_are_rolled_back_too(af_session: AsyncSession) -> None:
    await UserFactory.create_many(3)
    await af_session.commit()  # code under test may commit: it only releases a SAVEPOINT

    assert await count(af_session, User) == 3


async def test_every_test_starts_with_empty_tables(af_session: AsyncSession) -> None:
    assert await count(af_session, User) == 0
# --8<-- [end:rolled-back]


# --8<-- [start:registered]
async def test_a_registered_instance(user: User, post_factory: type[PostFactory]) -> None:
    posts = await post_factory.create_many(2, author=user)

    assert [post.author for post in posts] == [user, user]


async def test_sequences_restart_in_every_test(user_factory: type[UserFactory]) -> None:
    user = await user_factory.create()

    assert user.email == "user0@example.com"  # the same value alone or in the full run
# --8<-- [end:registered]


# --8<-- [start:sync]
def test_sync_code_gets_a_sync_session(af_sync_session: Session) -> None:
    user = UserFactory.create_sync()  # bound to af_sync_session

    assert af_sync_session.get(User, user.id) is user
# --8<-- [end:sync]
