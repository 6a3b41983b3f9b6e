"""af_session and register_fixture on the stack under test."""

import pytest
from models import User
from sqlalchemy import func, select


@pytest.mark.asyncio
async def test_af_session_creates_and_rolls_back(af_session, user_factory) -> None:
    users = await user_factory.create_many(3)
    assert [u.id for u in users] == sorted(u.id for u in users)
    assert await af_session.scalar(select(func.count()).select_from(User)) == 3


@pytest.mark.asyncio
async def test_previous_test_left_no_rows(af_session) -> None:
    assert await af_session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.asyncio
async def test_instance_fixture(user) -> None:
    assert user.id is not None


@pytest.mark.asyncio
async def test_two_factories_of_one_model(user, admin_user, admin_user_factory) -> None:
    assert user.email.startswith("user")
    assert admin_user.email.startswith("admin")
    assert (await admin_user_factory.create()).email.startswith("admin")
