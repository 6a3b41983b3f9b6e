"""``asyncfactories seed`` into PostgreSQL: a million users, rows per second and peak memory.

Each line is one ``asyncfactories seed`` process into an empty ``bench_users`` table, timed
from the outside, its peak RSS read with ``wait4``:

* ``copy``: ``benchmarks.cases.asyncfactories_cases:UserFactory`` (a constant name and role, a
  ``Sequence`` email), which seed writes with COPY, with ``--jobs 1`` and ``--jobs 2``;
* ``copy, Faker name``: the same with ``name = Faker("name")``;
* ``objects``: the same factory with ``--state same`` (a state that changes nothing), which seed
  creates as objects through ``create_many``, as it wrote every factory before COPY;
* ``asyncpg COPY alone``: the same rows, made as tuples and sent by ``copy_records_to_table``
  in the same chunks, without asyncfactories: the database's and the driver's own limit.

Run: ``python benchmarks/bench_seed.py [--rows 1000000] [--chunk-size 5000] [--objects-rows 100000]``
from the repository root; the URL is ``BENCH_POSTGRES_URL`` (default: the loopback server of
``.ci/run``). One run each, on whatever else the machine is doing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from typing import Any

from sqlalchemy.ext.asyncio import create_async_engine

from .cases.asyncfactories_cases import UserFactory
from .schema import Base, users_table

URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
_FACTORIES = "benchmarks.cases.asyncfactories_cases"


class ObjectsUserFactory(UserFactory):
    """``UserFactory`` with a state that changes nothing: seed creates objects for a ``--state``."""

    @classmethod
    def state_same(cls) -> dict[str, Any]:
        return {}


async def _recreate() -> None:
    engine = create_async_engine(URL)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)
    await engine.dispose()


def _seed(target: str, rows: int, chunk: int, options: list[str]) -> tuple[float, int]:
    """Seconds and peak RSS (KB) of one ``asyncfactories seed`` process."""
    asyncio.run(_recreate())
    argv = [sys.executable, "-m", "asyncfactories", "seed", f"{target}={rows}", "--chunk-size", str(chunk), *options]
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen([*argv, "--url", URL], stdout=subprocess.DEVNULL, stderr=errors)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        if status != 0:
            errors.seek(0)
            raise SystemExit(f"{target} failed with status {status}: {errors.read().decode()}")
    return seconds, usage.ru_maxrss


async def _copy_alone(rows: int, chunk: int) -> float:
    await _recreate()
    engine = create_async_engine(URL)
    async with engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None
        started = time.perf_counter()
        for start in range(0, rows, chunk):
            records = [("Bench User", f"user{n}@example.com", "member") for n in range(start, min(rows, start + chunk))]
            async with driver.transaction():
                await driver.copy_records_to_table(users_table.name, columns=["name", "email", "role"], records=records)
        seconds = time.perf_counter() - started
    await engine.dispose()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--objects-rows", type=int, default=100_000, help="rows for the (slow) objects line")
    parser.add_argument("--chunk-size", type=int, default=5000)
    args = parser.parse_args()
    lines = [
        ("copy, --jobs 1", f"{_FACTORIES}:UserFactory", args.rows, ["--jobs", "1"]),
        ("copy, --jobs 2", f"{_FACTORIES}:UserFactory", args.rows, ["--jobs", "2"]),
        ("copy, Faker name, --jobs 2", f"{_FACTORIES}:FakerUserFactory", args.rows, ["--jobs", "2"]),
        (
            "objects, --jobs 2",
            "benchmarks.bench_seed:ObjectsUserFactory",
            args.objects_rows,
            ["--jobs", "2", "--state", "same"],
        ),
    ]
    print("| line | rows | time | rows/s | peak RSS |\n|---|---|---|---|---|")
    for label, target, rows, options in lines:
        seconds, rss = _seed(target, rows, args.chunk_size, options)
        print(f"| {label} | {rows:,} | {seconds:.1f} s | {rows / seconds:,.0f} | {rss / 1024:.0f} MB |", flush=True)
    seconds = asyncio.run(_copy_alone(args.rows, args.chunk_size))
    print(f"| asyncpg COPY alone | {args.rows:,} | {seconds:.1f} s | {args.rows / seconds:,.0f} | — |")
    asyncio.run(_recreate())


if __name__ == "__main__":
    main()
