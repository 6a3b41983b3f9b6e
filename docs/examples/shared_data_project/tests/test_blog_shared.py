"""The same 50 tests sharing one set of 200 rows, created once for the module."""

from __future__ import annotations

import pytest
from blog_checks import Blog, check, make_blog
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories.pytest_plugin import shared_data

pytestmark = pytest.mark.asyncio(loop_scope="module")  # the tests share one event loop, and the data


# --8<-- [start:shared]
@shared_data(scope="module")
async def blog() -> Blog:
    return await make_blog()  # once, for the 50 tests


# --8<-- [end:shared]


@pytest.mark.parametrize("n", range(50))
async def test_blog(n: int, blog: Blog, af_session: AsyncSession) -> None:
    await check(n, blog, af_session)  # a copy of the data, in this test's SAVEPOINT
