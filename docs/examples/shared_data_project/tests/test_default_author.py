"""A cascade saved: the posts of a test share one author instead of making one each."""

from __future__ import annotations

from factories import PostFactory, UserFactory
from sqlalchemy.ext.asyncio import AsyncSession


# --8<-- [start:default]
async def test_posts_without_a_default_make_an_author_each(af_session: AsyncSession) -> None:
    posts = await PostFactory.create_many(5)  # five posts, five new users
    assert len({post.author for post in posts}) == 5


async def test_posts_in_a_default_block_share_one_author(af_session: AsyncSession) -> None:
    author = await UserFactory.create()
    with UserFactory.default(author):  # every UserFactory the block's calls would create
        posts = await PostFactory.create_many(5)
    assert {post.author for post in posts} == {author}


# --8<-- [end:default]
