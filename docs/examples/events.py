"""Events: a listener told about every build and create, cascades and reuses included."""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy import ForeignKey, String
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from asyncfactories import ModelFactory, Sequence, SubFactory, events
from asyncfactories.events import FactoryEvent


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    author: Mapped[User] = relationship()


class UserFactory(ModelFactory[User]):
    name = Sequence(lambda n: f"user {n}")


class PostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"post {n}")
    author = SubFactory(UserFactory)


async def main() -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)

    async with AsyncSession(engine) as session:
        # --8<-- [start:sequence]
        seen: list[tuple[str, str, int, str, int]] = []

        def remember(event: FactoryEvent) -> None:
            seen.append((event.factory.__name__, event.action, event.depth, event.via, event.rows))

        with events.subscribed(remember):
            await PostFactory.create(session=session)

        assert seen == [
            ("UserFactory", "create", 1, "subfactory", 1),  # the cascade first: the post's author
            ("PostFactory", "create", 0, "call", 2),  # then the call, with the rows it wrote
        ]
        # --8<-- [end:sequence]

        # --8<-- [start:counting]
        rows: Counter[str] = Counter()
        saved: Counter[str] = Counter()

        def count(event: FactoryEvent) -> None:
            if event.action == "create" and event.depth == 0:
                rows[event.factory.__name__] += event.rows
            elif event.action == "reuse":
                saved[event.factory.__name__] += event.count

        stop = events.subscribe(count)
        await PostFactory.create_many(3, session=session)  # 3 posts, 3 authors
        user = await UserFactory.create(session=session)
        with UserFactory.default(user):
            await PostFactory.create_many(2, session=session)  # 2 posts, both by user
        stop()

        assert rows == {"PostFactory": 8, "UserFactory": 1}
        assert saved == {"UserFactory": 2}
        # --8<-- [end:counting]
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
