"""asyncfactories quickstart: a small blog, filled through an AsyncSession on embedded SQLite.

Run it from any directory (it writes ``quickstart.sqlite3`` there, replacing an old one)::

    pip install -e ".[sqlite]"
    python examples/quickstart.py

Its schema and factories are in ``blog.py`` next to it: users, posts and tags (many-to-many
through ``post_tags``). It creates rows with factories (a SubFactory, a Trait, a batch, a
post-generation hook), commits, and reads everything back with fresh queries in a new session.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import selectinload

from asyncfactories import bind_session

sys.path.insert(0, str(Path(__file__).parent))  # `blog.py` sits next to this file
from blog import Base, Post, PostFactory, Tag, TagFactory, User, UserFactory, post_tags

DATABASE = Path("quickstart.sqlite3")


# --------------------------------------------------------------------------- the run


async def fill(session: AsyncSession) -> None:
    """Create the sample data through the factories; the caller commits."""
    alice = await UserFactory.create(session=session, name="Alice Liddell")
    admin = await UserFactory.create(session=session, admin=True)
    # "flush" mode (the default): ids and server defaults are loaded when create returns.
    print(f"created {alice.name} (id={alice.id}, created_at={alice.created_at:%Y-%m-%d %H:%M:%S})")

    async with bind_session(session):  # factories in this block use `session`
        tags = await TagFactory.create_many(3)
        await PostFactory.create_many(4, author=alice, tags=tags[:2])  # one flush for the batch
        await PostFactory.create(author=admin, title="Welcome", tags=tags)
        await PostFactory.create(tags=[tags[2]])  # the SubFactory makes its author


async def report(session: AsyncSession) -> None:
    """Read everything back with fresh queries."""
    for name, table in (("users", User), ("posts", Post), ("tags", Tag), ("post_tags", post_tags)):
        count = await session.scalar(select(func.count()).select_from(table))
        print(f"{name}: {count}")
    users = await session.scalars(select(User).order_by(User.id))
    for user in users:
        print(f"  user #{user.id} {user.name} <{user.email}> role={user.role}")
    posts = await session.scalars(
        select(Post).options(selectinload(Post.author), selectinload(Post.tags)).order_by(Post.id).limit(3)
    )
    for post in posts:
        tag_names = ", ".join(sorted(tag.name for tag in post.tags))
        print(f"  post #{post.id} {post.title!r} by {post.author.name} [{tag_names}]")


async def main() -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{DATABASE}")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    make_session = async_sessionmaker(engine, expire_on_commit=False)
    async with make_session() as session:
        await fill(session)
        await session.commit()
    async with make_session() as session:
        await report(session)
    await engine.dispose()


if __name__ == "__main__":
    DATABASE.unlink(missing_ok=True)  # start from an empty file on every run
    asyncio.run(main())
