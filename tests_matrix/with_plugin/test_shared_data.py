"""shared_data on the stack under test: pytest-asyncio >= 0.24 (a module loop) or anyio."""

import os
from importlib.metadata import PackageNotFoundError, version

import pytest
from conftest import UserFactory
from models import User
from sqlalchemy import func, select

from asyncfactories.pytest_plugin import shared_data


def _asyncio_has_loop_scopes() -> bool:
    try:
        major, minor = (int(part) for part in version("pytest-asyncio").split(".")[:2])
    except PackageNotFoundError:
        return False
    return (major, minor) >= (0, 24)


if os.environ.get("AF_MATRIX_ANYIO") == "1":
    pytestmark = pytest.mark.anyio

    @pytest.fixture(scope="module")
    def anyio_backend():
        return "asyncio"  # one loop for the module, as shared data needs

elif _asyncio_has_loop_scopes():
    pytestmark = pytest.mark.asyncio(loop_scope="module")
else:
    pytestmark = pytest.mark.skip(reason="shared_data needs pytest-asyncio >= 0.24 (loop scopes) or anyio")

MADE = []


@shared_data
async def users():
    MADE.append(1)
    return await UserFactory.create_many(2)


async def _count(session):
    return await session.scalar(select(func.count()).select_from(User))


async def test_sees_the_shared_rows_and_commits(users, af_session) -> None:
    assert await _count(af_session) == 2 and users[0] in af_session
    await UserFactory.create()
    await af_session.commit()
    assert await _count(af_session) == 3


async def test_sees_no_other_tests_rows(users, af_session) -> None:
    assert await _count(af_session) == 2
    assert MADE == [1]
