"""Peak RSS of writing many users in one call, one process per library.

    .venv/bin/python benchmarks/memory.py --databases postgres,sqlite --size 100000

Each child process imports everything, warms up with 100 users, notes its peak RSS so far
(``resource.getrusage``), writes ``--size`` users in one call (``create_many`` for
asyncfactories), commits, checks the row count and notes the peak again.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(ROOT))

from benchmarks import databases  # noqa: E402
from benchmarks.matrix import LIBRARIES  # noqa: E402
from benchmarks.worker import load_runner, make_target, timed_populate  # noqa: E402


def peak_mb() -> float:
    """The peak resident set size of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def measure(library: str, database: str, size: int) -> dict[str, Any]:
    runner = load_runner(library)
    admin = databases.admin_engine(database)
    databases.create_tables(admin)
    engine = databases.benchmark_engine(database, runner.asynchronous)
    target = make_target(runner, engine)
    try:
        await timed_populate(runner, target, "users", 100)
        databases.clear_tables(admin)
        before = peak_mb()
        start = time.perf_counter()
        await timed_populate(runner, target, "users", size)
        seconds = time.perf_counter() - start
        after = peak_mb()
        rows = databases.count_rows(admin)
        if rows != (size, 0):
            raise AssertionError(f"expected {size} users, found {rows}")
    finally:
        await databases.dispose(engine)
        databases.drop_tables(admin)
    return {"library": library, "database": database, "size": size, "before": before, "peak": after,
            "seconds": seconds}


def child(library: str, database: str, size: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.memory", "--child", library, "--databases", database,
               "--size", str(size)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{library} on {database} failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="postgres,sqlite")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--libraries", default="asyncfactories,orm-async,factory_boy-none")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.child:
        print(json.dumps(asyncio.run(measure(args.child, args.databases, args.size))))
        return 0
    print("| library | database | N | peak RSS before | peak RSS after | growth | per object | time |")
    print("|---|---|---|---|---|---|---|---|")
    for database in args.databases.split(","):
        for library in args.libraries.split(","):
            r = child(library, database, args.size)
            growth = r["peak"] - r["before"]
            print(f"| {LIBRARIES[library].title} | {database} | {args.size:,} | {r['before']:.0f} MB | "
                  f"{r['peak']:.0f} MB | {growth:.0f} MB | {growth * 1024 * 1024 / args.size:,.0f} B | "
                  f"{r['seconds']:.1f} s |", flush=True)
    databases.remove_default_sqlite()
    return 0


if __name__ == "__main__":
    sys.exit(main())
