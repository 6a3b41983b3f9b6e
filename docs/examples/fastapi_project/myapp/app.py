"""A FastAPI app that reads its session from a dependency."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, FastAPI
from myapp.models import Post, User
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

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
