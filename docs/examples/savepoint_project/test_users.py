from models import User, UserFactory
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession


async def count_users(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(User)) or 0


async def test_a_commit_in_the_code_under_test(session: AsyncSession) -> None:
    await UserFactory.create_many(3)  # bound to the test's session
    await session.commit()  # releases the SAVEPOINT; the outer transaction stays open

    assert await count_users(session) == 3


async def test_the_next_test_sees_empty_tables(session: AsyncSession) -> None:
    assert await count_users(session) == 0


async def test_a_rollback_in_the_code_under_test(session: AsyncSession) -> None:
    await UserFactory.create()
    await session.commit()
    await UserFactory.create()
    await session.rollback()  # back to the last SAVEPOINT: the first user stays

    emails = await session.scalars(select(User.email))
    assert list(emails) == ["user0@example.com"]  # the sequence restarted for this test
