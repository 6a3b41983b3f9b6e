from collections.abc import AsyncIterator

import httpx
import pytest
from app import Base, Post, User, create_app
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories import Faker, ModelFactory, Sequence, SubFactory
from asyncfactories.pytest_plugin import register_fixture


@register_fixture  # fixtures `user_factory` and `user`
class UserFactory(ModelFactory[User]):
    name = Faker("name")
    email = Sequence(lambda n: f"user{n}@example.com")


@register_fixture  # fixtures `post_factory` and `post`
class PostFactory(ModelFactory[Post]):
    title = Faker("sentence")
    author = SubFactory(UserFactory)


# --8<-- [start:metadata]
@pytest.fixture(scope="session")
def af_metadata() -> MetaData:
    """The tables to create (instead of the ini key asyncfactories_metadata)."""
    return Base.metadata
# --8<-- [end:metadata]


# --8<-- [start:client]
@pytest.fixture
async def client(af_session: AsyncSession) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client calling the app in the test's event loop; the app's requests use af_session."""

    async def the_test_session() -> AsyncSession:
        return af_session

    app = create_app(session_provider=the_test_session)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client
# --8<-- [end:client]
