"""A user's factory module, type-checked by ``tests/test_typing.py`` with ``mypy --strict``.

Written the way a user would write it (SPEC §11): a SQLAlchemy 2.x model with ``Mapped[...]``
columns and a relationship, factories built only from the declarations re-exported by
``asyncfactories``, and ``assert_type`` checks pinning the return type of every build /
create call. Nothing here runs a database: the ``check_*`` functions are only defined
(importing this module is harmless), and mypy checks their bodies.

The name does not start with ``test_``, so pytest does not collect it.
"""

from __future__ import annotations

import sys
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from asyncfactories import (
    FactoryBuilder,
    Faker,
    LazyAttribute,
    LazyFunction,
    ModelFactory,
    RelatedFactory,
    SelfAttribute,
    Sequence,
    SubFactory,
    Trait,
    bind_session,
    post_generation,
)

if sys.version_info >= (3, 11):
    from typing import assert_type
else:  # pragma: no cover - Python 3.10
    from typing_extensions import assert_type


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "typing_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="user")
    nickname: Mapped[str | None] = mapped_column(String(100))

    posts: Mapped[list[Post]] = relationship(back_populates="author")


class Post(Base):
    __tablename__ = "typing_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("typing_users.id"))
    author_name: Mapped[str] = mapped_column(String(100))

    author: Mapped[User] = relationship(back_populates="posts")


def _default_role() -> str:
    return "user"


class UserFactory(ModelFactory[User]):
    name = Faker("name")
    email = Sequence(lambda n: f"user{n}@example.com")
    role = LazyFunction(_default_role)
    nickname = LazyAttribute(lambda o: o.name.lower())

    class Params:
        admin = Trait(role="admin")

    @post_generation
    def greeting(self: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if extracted:
            self.nickname = str(extracted)


class PostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Post {n}")
    slug = LazyAttribute(lambda o: o.title.lower().replace(" ", "-"))
    author = SubFactory(UserFactory)
    author_name = SelfAttribute("author.name")


class UserWithPostFactory(UserFactory):
    post = RelatedFactory(PostFactory, factory_related_name="author")


# ----------------------------------------------------------------- building (no database)


def check_build() -> None:
    assert_type(UserFactory.build(), User)
    assert_type(UserFactory.build(name="Ada", admin=True), User)
    assert_type(UserFactory.make(), User)
    assert_type(UserFactory.build_batch(3), list[User])
    assert_type(UserFactory.make_batch(3), list[User])
    assert_type(UserFactory.batch(3), list[User])
    assert_type(UserFactory.build_stubbed(), User)
    assert_type(UserFactory.attributes(), dict[str, Any])
    assert_type(PostFactory.build(), Post)
    assert_type(UserWithPostFactory.build(), User)

    # The results are usable as the model, with the model's attribute types.
    user = UserFactory.build()
    assert_type(user.name, str)
    assert_type(user.posts, list[Post])
    post = PostFactory.build()
    assert_type(post.author, User)


# ----------------------------------------------------------------- persisting (async)


async def check_create(s: AsyncSession) -> None:
    assert_type(await UserFactory.create(session=s), User)
    async with bind_session(s):
        assert_type(await UserFactory.create(), User)
    assert_type(await UserFactory.create_many(3, session=s), list[User])
    assert_type(await UserFactory.create_many(size=2, session=s), list[User])
    assert_type(await UserFactory.create_batch(3, session=s), list[User])
    assert_type(await UserFactory.create_batch_async(3, session=s), list[User])
    assert_type(await UserFactory.create_async(session=s), User)
    assert_type(await PostFactory.create(session=s, title="x"), Post)
    async with bind_session(s):
        assert_type(await UserFactory(name="called"), User)  # factory_boy's call syntax creates
    admins = UserFactory.state("admin")
    assert_type(admins, FactoryBuilder[User])
    assert_type(await admins.using(s).create(), User)
    assert_type(await admins.create_many(2, session=s), list[User])
    assert_type(admins.build(), User)

    user = await UserFactory.create(session=s)
    assert_type(user.id, int)


# ----------------------------------------------------------------- persisting (sync)


def check_create_sync(s: Session) -> None:
    assert_type(UserFactory.create_sync(session=s), User)
    assert_type(UserFactory.create_batch_sync(3, session=s), list[User])
    assert_type(PostFactory.create_sync(session=s), Post)


async def _main() -> None:
    """Run the checks against in-memory SQLite (needs the ``sqlite`` extra)."""
    from sqlalchemy import create_engine
    from sqlalchemy.ext.asyncio import create_async_engine

    check_build()

    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        await check_create(session)
    await engine.dispose()

    sync_engine = create_engine("sqlite://")
    Base.metadata.create_all(sync_engine)
    with Session(sync_engine, expire_on_commit=False) as sync_session:
        check_create_sync(sync_session)
    sync_engine.dispose()
    print("ok")


if __name__ == "__main__":
    import asyncio

    asyncio.run(_main())
