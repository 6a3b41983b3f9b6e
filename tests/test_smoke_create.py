from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .conftest import StatementLog
from .factories import PostFactory, UserFactory
from .models import Post, User


async def test_create_loads_keys_and_server_defaults(session: AsyncSession) -> None:
    user = await UserFactory.create(session=session)
    assert user.id is not None
    assert user.score == 0
    assert user.created_at is not None
    assert user.posts == []


async def test_create_many_one_insert_per_table(
    session: AsyncSession, fresh_session: AsyncSession, statements: StatementLog, backend: str
) -> None:
    posts = await PostFactory.create_many(20, session=session)
    await session.commit()
    assert all(p.id and p.author.id and p.author.created_at for p in posts)
    assert await fresh_session.scalar(select(func.count()).select_from(Post)) == 20
    assert await fresh_session.scalar(select(func.count()).select_from(User)) == 20
    print(backend, statements.count("INSERT"), statements.count("SELECT"), statements.count("SAVEPOINT"))
