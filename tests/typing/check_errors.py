"""Lines that ``mypy --strict`` MUST reject, each silenced with the exact error code.

``--strict`` turns on ``warn_unused_ignores``: if the package's types ever loosen so that one of
these lines is accepted (say ``build()`` starts returning ``Any``), its ``# type: ignore[...]``
becomes unused and ``tests/test_typing.py`` fails. If the error changes code, mypy reports it as
not covered by the comment and the test fails too.

The bodies are never run (nothing calls these functions), so importing this module is harmless.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from .check_factories import Post, PostFactory, User, UserFactory


def wrong_model() -> None:
    post: Post = UserFactory.build()  # type: ignore[assignment]
    user: User = PostFactory.make()  # type: ignore[assignment]
    posts: list[Post] = UserFactory.build_batch(2)  # type: ignore[assignment]
    stubbed: Post = UserFactory.build_stubbed()  # type: ignore[assignment]
    print(post, user, posts, stubbed)
    print(UserFactory.build().no_such_column)  # type: ignore[attr-defined]


def wrong_arguments() -> None:
    UserFactory.build_batch("3")  # type: ignore[arg-type]
    UserFactory.make_batch()  # type: ignore[call-arg]


async def create_is_awaited(s: AsyncSession) -> None:
    user: User = UserFactory.create(session=s)  # type: ignore[assignment]
    users: list[User] = UserFactory.create_many(3, session=s)  # type: ignore[assignment]
    print(user, users)
    wrong: Post = await UserFactory.create(session=s)  # type: ignore[assignment]
    print(wrong)


async def session_kinds(s: AsyncSession, sync: Session) -> None:
    await UserFactory.create(session=sync)  # type: ignore[arg-type]
    await UserFactory.create_many(2, session=sync)  # type: ignore[arg-type]
    UserFactory.create_sync(session=s)  # type: ignore[arg-type]
    UserFactory.create_batch_sync(2, session=s)  # type: ignore[arg-type]
