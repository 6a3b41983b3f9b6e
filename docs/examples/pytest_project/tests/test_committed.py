from __future__ import annotations

from factories import PostFactory
from myapp.models import Post, User
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from asyncfactories import CreatedRows


async def count(engine: AsyncEngine, model: type[User | Post]) -> int:
    async with engine.connect() as connection:
        return (await connection.execute(select(func.count()).select_from(model))).scalar_one()


# --8<-- [start:committed]
async def test_rows_committed_for_real(af_committed: CreatedRows, af_engine: AsyncEngine) -> None:
    # A session of its own, as an application server in another process would use:
    async with async_sessionmaker(af_engine)() as session:
        await PostFactory.create_many(2, session=session)
        await session.commit()

    assert await count(af_engine, Post) == 2  # committed: any connection sees them
    assert len(af_committed) == 4  # the two posts and their two authors, deleted after the test


async def test_nothing_committed_is_left(af_engine: AsyncEngine) -> None:
    assert await count(af_engine, Post) == 0
    assert await count(af_engine, User) == 0
# --8<-- [end:committed]
