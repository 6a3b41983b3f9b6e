"""``af_committed``: a test that commits through its own session leaves nothing behind."""

from __future__ import annotations

import pytest

from .test_pytest_plugin import _clean_environment, _prefix, _write_project  # noqa: F401  # the autouse fixture too

pytest_plugins = ("pytester",)

COMMITTING_TESTS = """
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from myapp.factories import BlogPostFactory
from myapp.models import BlogPost, User


async def test_commits_through_its_own_session(af_committed, af_engine):
    async with async_sessionmaker(af_engine)() as session:   # as an app server would
        await BlogPostFactory.create_many(3, session=session)
        await session.commit()
    async with af_engine.connect() as connection:
        assert (await connection.execute(select(func.count()).select_from(BlogPost))).scalar_one() == 3
    assert len(af_committed) == 6                             # the posts and their authors


async def test_the_committed_rows_are_gone(af_engine):
    async with af_engine.connect() as connection:
        assert (await connection.execute(select(func.count()).select_from(BlogPost))).scalar_one() == 0
        assert (await connection.execute(select(func.count()).select_from(User))).scalar_one() == 0
"""


def test_af_committed_deletes_what_a_test_committed(pytester: pytest.Pytester) -> None:
    _write_project(pytester, _prefix())
    pytester.makepyfile(test_committing=COMMITTING_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly", "-o", "asyncio_mode=auto")
    result.assert_outcomes(passed=2)
