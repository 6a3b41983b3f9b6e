"""A FastAPI app tested with the pytest plugin: af_session, register_fixture, httpx.AsyncClient.

Run it with ``python docs/examples/pytest_fastapi.py`` (or ``pytest docs/examples/pytest_fastapi.py``):
``main()`` runs pytest on this file in a process of its own. In a project the parts live in
``myapp/models.py``, ``myapp/app.py``, ``tests/factories.py``, ``tests/conftest.py`` and
``tests/test_posts.py``; here they share one file so the example is complete.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from typing import Annotated

import httpx
import pytest
import pytest_asyncio
from fastapi import Depends, FastAPI
from pydantic import BaseModel, ConfigDict
from sqlalchemy import ForeignKey, MetaData, String, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from asyncfactories import Faker, ModelFactory, Sequence, SubFactory
from asyncfactories.pytest_plugin import register_fixture


# --8<-- [start:models]
class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "example_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(120), unique=True)

    posts: Mapped[list[Post]] = relationship(back_populates="author")


class Post(Base):
    __tablename__ = "example_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("example_users.id"))

    author: Mapped[User] = relationship(back_populates="posts")
# --8<-- [end:models]


# --8<-- [start:app]
engine = create_async_engine("sqlite+aiosqlite:///app.sqlite3")  # the app's database: tests never open it
SessionMaker = async_sessionmaker(engine, expire_on_commit=False)


async def get_session() -> AsyncIterator[AsyncSession]:
    async with SessionMaker() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


class UserIn(BaseModel):
    name: str
    email: str


class PostOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str


app = FastAPI()


@app.get("/users/{user_id}/posts")
async def list_posts(user_id: int, session: SessionDep) -> list[PostOut]:
    posts = await session.scalars(select(Post).where(Post.author_id == user_id).order_by(Post.id))
    return [PostOut.model_validate(post) for post in posts]


@app.post("/users", status_code=201)
async def create_user(payload: UserIn, session: SessionDep) -> dict[str, int]:
    user = User(name=payload.name, email=payload.email)
    session.add(user)
    await session.commit()  # the code under test commits: the test's transaction still rolls it back
    return {"id": user.id}
# --8<-- [end:app]


# --8<-- [start:factories]
class UserFactory(ModelFactory[User]):
    name = Faker("name")
    email = Sequence(lambda n: f"user{n}@example.com")


class PostFactory(ModelFactory[Post]):
    title = Faker("sentence")
    author = SubFactory(UserFactory)
# --8<-- [end:factories]


# --8<-- [start:register]
register_fixture(UserFactory)  # fixtures `user_factory` and `user`
register_fixture(PostFactory)  # fixtures `post_factory` and `post`
# --8<-- [end:register]


# --8<-- [start:metadata]
@pytest.fixture(scope="session")
def af_metadata() -> MetaData:
    """The tables to create (instead of the ini key asyncfactories_metadata)."""
    return Base.metadata
# --8<-- [end:metadata]


# --8<-- [start:client]
@pytest_asyncio.fixture
async def client(af_session: AsyncSession) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client calling the app in-process; the app's requests use af_session."""

    async def the_test_session() -> AsyncSession:
        return af_session

    app.dependency_overrides[get_session] = the_test_session
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client
    app.dependency_overrides.clear()
# --8<-- [end:client]


# --8<-- [start:tests]
@pytest.mark.asyncio
async def test_lists_the_posts_of_one_user(client: httpx.AsyncClient, user: User) -> None:
    posts = await PostFactory.create_many(2, author=user)  # no session= : bound to af_session
    await PostFactory.create()  # another author's post

    response = await client.get(f"/users/{user.id}/posts")

    assert response.status_code == 200
    assert response.json() == [{"id": post.id, "title": post.title} for post in posts]


@pytest.mark.asyncio
async def test_creating_a_user_commits(client: httpx.AsyncClient, af_session: AsyncSession) -> None:
    response = await client.post("/users", json={"name": "Ann", "email": "ann@example.com"})

    assert response.status_code == 201
    created = await af_session.get(User, response.json()["id"])
    assert created is not None and created.email == "ann@example.com"


@pytest.mark.asyncio
async def test_every_test_starts_with_empty_tables(af_session: AsyncSession) -> None:
    assert await af_session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.asyncio
async def test_sequences_restart_in_every_test(user_factory: type[UserFactory], post: Post) -> None:
    assert post.author.email == "user0@example.com"  # `post` built its author first
    assert (await user_factory.create()).email == "user1@example.com"


def test_sync_code_gets_af_sync_session(af_sync_session: Session) -> None:
    user = UserFactory.create_sync()  # bound to af_sync_session
    af_sync_session.commit()
    assert af_sync_session.scalar(select(func.count()).select_from(User)) == 1
    assert user.email == "user0@example.com"
# --8<-- [end:tests]


async def main() -> None:
    """Run this file's tests with pytest, in a process of its own (it needs its own event loops)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", __file__
    )
    assert await process.wait() == 0, "the example's tests failed"


if __name__ == "__main__":
    asyncio.run(main())
