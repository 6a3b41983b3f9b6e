"""What ``avoid_taken_values`` costs a batch: ``create_many(1000)`` of users with two unique
``Sequence`` columns, the option off vs on, on an empty table and on one already holding the
batch's first values (so every value is moved).

Run: ``python benchmarks/bench_taken_values.py [--databases sqlite,postgres,mysql] [--runs 5]``.
URLs as in ``benchmarks/run.py`` (``BENCH_POSTGRES_URL`` / ``BENCH_MYSQL_URL``, loopback
defaults); SQLite uses a file under /dev/shm. Prints the median milliseconds per batch, the
ratio to the option off, and the statements sent. One process, one run of each case.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from typing import Any

from sqlalchemy import String, delete, event, insert
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncfactories import ModelFactory, Sequence

URLS = {
    "sqlite": "sqlite+aiosqlite:////dev/shm/asyncfactories-bench-taken.sqlite3",
    "postgres": os.environ.get("BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"),
    "mysql": os.environ.get("BENCH_MYSQL_URL", "mysql+asyncmy://root@127.0.0.1:3306/test"),
}
SIZE = 1000


class Base(DeclarativeBase):
    pass


class Member(Base):
    __tablename__ = "bench_taken_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)


class PlainFactory(ModelFactory[Member]):
    email = Sequence(lambda n: f"member{n}@bench.example")
    username = Sequence(lambda n: f"member{n}")

    class Meta:
        avoid_taken_values = False


class AvoidingFactory(PlainFactory):
    class Meta:
        avoid_taken_values = True


async def _batch(engine: AsyncEngine, factory: type[PlainFactory], prefill: int, counts: dict[str, int]) -> float:
    async with engine.begin() as connection:
        await connection.execute(delete(Member))
        if prefill:
            rows = [{"email": f"member{n}@bench.example", "username": f"member{n}"} for n in range(prefill)]
            await connection.execute(insert(Member), rows)
    factory.reset_sequence(force=True)

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        verb = statement.split(None, 1)[0].upper()
        counts[verb] = counts.get(verb, 0) + 1

    async with async_sessionmaker(engine)() as session:
        event.listen(engine.sync_engine, "before_cursor_execute", count)
        started = time.perf_counter()
        await factory.create_many(SIZE, session=session)
        elapsed = time.perf_counter() - started
        event.remove(engine.sync_engine, "before_cursor_execute", count)
        await session.rollback()
    return elapsed * 1000


async def _measure(database: str, runs: int) -> None:
    engine = create_async_engine(URLS[database])
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)
    try:
        cases = [("option off, empty table", PlainFactory, 0), ("option on, empty table", AvoidingFactory, 0),
                 ("option on, every value taken", AvoidingFactory, SIZE)]  # fmt: skip
        baseline = None
        for label, factory, prefill in cases:
            counts: dict[str, int] = {}
            await _batch(engine, factory, prefill, {})  # warm-up
            times = [await _batch(engine, factory, prefill, counts) for _ in range(runs)]
            median = statistics.median(times)
            baseline = baseline or median
            shown = ", ".join(f"{verb} {n // runs}" for verb, n in sorted(counts.items()))
            print(f"| {database} | {label} | {median:,.1f} ms | {median / baseline:.2f}x | {shown} |")
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.drop_all)
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    print(f"create_many({SIZE}) of a model with two unique Sequence columns, median of {options.runs} runs\n")
    print("| database | case | per batch | vs option off | statements per batch |")
    print("|---|---|---|---|---|")
    for database in options.databases.split(","):
        asyncio.run(_measure(database, options.runs))


if __name__ == "__main__":
    main()
