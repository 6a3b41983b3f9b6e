"""50 tests, each creating its own 200 rows."""

from __future__ import annotations

import pytest
import pytest_asyncio
from blog_checks import Blog, check, make_blog
from sqlalchemy.ext.asyncio import AsyncSession


@pytest_asyncio.fixture
async def blog(af_session: AsyncSession) -> Blog:
    return await make_blog()  # again for every test


@pytest.mark.parametrize("n", range(50))
async def test_blog(n: int, blog: Blog, af_session: AsyncSession) -> None:
    await check(n, blog, af_session)
