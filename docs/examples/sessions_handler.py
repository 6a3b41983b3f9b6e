"""A persistence handler: your own code writes the instances, instead of the built-in modes."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncfactories import AsyncPersistenceHandler, ModelFactory, Sequence


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)


# --8<-- [start:handler]
class AuditedSave:
    """Writes like "flush" mode, and records what it wrote."""

    def __init__(self) -> None:
        self.log: list[str] = []

    async def save(self, session: AsyncSession, instance: Any) -> None:
        session.add(instance)
        await session.flush()
        self.log.append(f"save {instance.email}")

    async def save_many(self, session: AsyncSession, instances: list[Any]) -> None:
        session.add_all(instances)
        await session.flush()
        self.log.append(f"save_many {len(instances)}")


audit = AuditedSave()


class UserFactory(ModelFactory[User]):
    email = Sequence(lambda n: f"user{n}@example.com")

    class Meta:
        persistence_handler = audit
# --8<-- [end:handler]


async def main() -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)

    async with AsyncSession(engine) as session:
        # --8<-- [start:use]
        assert isinstance(audit, AsyncPersistenceHandler)  # a runtime-checkable Protocol

        user = await UserFactory.create(session=session)
        users = await UserFactory.create_many(3, session=session)
        assert audit.log == [f"save {user.email}", "save_many 3"]
        assert all(u.id is not None for u in [user, *users])
        # --8<-- [end:use]
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
