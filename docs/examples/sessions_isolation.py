"""Meta.isolate_failures = False: no SAVEPOINT per create; a failure rolls back the transaction."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import String, event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncfactories import ModelFactory, Sequence


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)


# --8<-- [start:option]
class FastUserFactory(ModelFactory[User]):
    email = Sequence(lambda n: f"user{n}@example.com")

    class Meta:
        isolate_failures = False  # no SAVEPOINT per call; a failure rolls back the transaction
# --8<-- [end:option]


async def main() -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    sent: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *args: sent.append(args[2]))

    async with AsyncSession(engine, expire_on_commit=False) as session:
        # --8<-- [start:failure]
        alice = await FastUserFactory.create(session=session, email="alice@example.com")
        await session.commit()
        await FastUserFactory.create(session=session, email="bob@example.com")  # not committed yet

        with pytest.raises(IntegrityError):
            await FastUserFactory.create(session=session, email="alice@example.com")

        carol = await FastUserFactory.create(session=session, email="carol@example.com")  # usable
        await session.commit()
        emails = (await session.scalars(select(User.email).order_by(User.id))).all()
        assert emails == ["alice@example.com", "carol@example.com"]  # bob was rolled back

        await session.refresh(alice)  # the rollback expired alice: load her again before reading
        assert alice.email == "alice@example.com"
        # --8<-- [end:failure]
        assert carol.id is not None
    assert not [sql for sql in sent if sql.startswith("SAVEPOINT")]
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
