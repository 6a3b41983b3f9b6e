from collections.abc import AsyncIterator

import httpx
import pytest
from factories import PostFactory, UserFactory
from myapp.app import app, get_session
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories.pytest_plugin import register_fixture

register_fixture(UserFactory)  # fixtures `user_factory` and `user`
register_fixture(PostFactory)  # fixtures `post_factory` and `post`


@pytest.fixture
async def client(af_session: AsyncSession) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client calling the app in-process; the app's requests use af_session."""

    async def the_test_session() -> AsyncSession:
        return af_session

    app.dependency_overrides[get_session] = the_test_session
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client
    app.dependency_overrides.clear()
