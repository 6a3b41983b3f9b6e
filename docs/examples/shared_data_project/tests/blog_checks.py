"""The data and the checks of the 50 demonstration tests, with per-test or with shared data."""

from __future__ import annotations

from dataclasses import dataclass

from factories import PostFactory, UserFactory
from myapp.models import Post, User
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

AUTHORS, POSTS = 40, 160  # 200 rows


@dataclass
class Blog:
    authors: list[User]
    posts: list[Post]


async def make_blog() -> Blog:
    """40 users and 160 posts, four each (``recycle``: the posts' authors are those users)."""
    authors = await UserFactory.create_many(AUTHORS)
    posts = await PostFactory.recycle(*authors).create_many(POSTS)
    return Blog(authors, posts)


async def count(session: AsyncSession, model: type[User | Post]) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def check(n: int, blog: Blog, session: AsyncSession) -> None:
    """Test ``n`` sees the 200 rows, then writes: one in three commits, one in three deletes."""
    assert (await count(session, User), await count(session, Post)) == (AUTHORS, POSTS)
    post = blog.posts[n]
    assert post.author in blog.authors
    if n % 3 == 0:
        await PostFactory.create(author=post.author)
        await session.commit()  # releases only this test's SAVEPOINT
        assert await count(session, Post) == POSTS + 1
    elif n % 3 == 1:
        await session.delete(post)
        await session.flush()
        assert await count(session, Post) == POSTS - 1
