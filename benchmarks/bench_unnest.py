"""The write alone, on PostgreSQL: 10,000 rows through the bulk path's two statements.

``insertmanyvalues`` is SQLAlchemy's multi-row ``INSERT … VALUES … RETURNING`` (what the bulk
path sends elsewhere, and on PostgreSQL for columns that cannot travel as arrays); ``unnest`` is
one ``INSERT … SELECT … FROM unnest(…) RETURNING``. Both get the same rows (three text columns,
a unique index, a server default read back), inside a transaction rolled back after each run.

Run: ``python benchmarks/bench_unnest.py [--rows 10000] [--runs 9]``; the URL is
``BENCH_POSTGRES_URL`` (default: the loopback server of ``.ci/run``). Prints the median time of
each (the first run is a warm-up) and rows per second. No objects are built: see
``benchmarks/run.py`` for what a whole ``create_many`` costs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from typing import Any

from sqlalchemy import Column, Connection, DateTime, Integer, MetaData, String, Table, func
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import Session

from asyncfactories.persisting import bulk
from asyncfactories.persisting.unnest import insert_unnest

URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
METADATA = MetaData()
USERS = Table(
    "bench_unnest_users",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("name", String(100)),
    Column("email", String(120), unique=True),
    Column("role", String(20)),
    Column("created_at", DateTime, server_default=func.now()),
)
WRITES: dict[str, Any] = {"insertmanyvalues": bulk._insert_returning, "unnest": insert_unnest}


def _timed(connection: Connection, write: Any, rows: list[dict[str, Any]]) -> float:
    session = Session(bind=connection)
    started = time.perf_counter()
    written = write(session, USERS, rows)
    elapsed = time.perf_counter() - started
    assert len(written) == len(rows) and written[0].created_at is not None
    return elapsed


async def main(rows: int, runs: int) -> None:
    engine = create_async_engine(URL)
    async with engine.begin() as connection:
        await connection.run_sync(METADATA.drop_all)
        await connection.run_sync(METADATA.create_all)
    times: dict[str, list[float]] = {name: [] for name in WRITES}
    try:
        for run in range(runs + 1):
            for name, write in WRITES.items():
                batch = [{"name": "n", "email": f"{name}{run}-{k}@x", "role": "user"} for k in range(rows)]
                async with engine.connect() as connection:
                    times[name].append(await connection.run_sync(_timed, write, batch))
                    await connection.rollback()
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(METADATA.drop_all)
        await engine.dispose()
    for name, measured in times.items():
        median = statistics.median(measured[1:])
        print(f"{name:<17} {median * 1000:7.1f} ms for {rows:,} rows  {rows / median:9,.0f} rows/s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=9)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.rows, arguments.runs))
