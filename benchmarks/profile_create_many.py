"""Where the time of one ``create_many(n)`` goes, by phase, from a pyinstrument profile.

    .venv/bin/python benchmarks/profile_create_many.py --databases postgres,sqlite --cases users,posts,zero

For each database and case: a warm-up, three unprofiled runs (median wall time), then one run
under pyinstrument (0.5 ms sampling) whose samples are attributed by ``profile_phases``. The
profiler slows Python code down a little, so read the shares, not the absolute profiled times.
``--library orm-async`` profiles the hand-written ORM the same way, for comparison; ``--cases
single --size 500`` profiles 500 ``create()`` + flush calls in one transaction, ``--cases build``
``build_batch(n)``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

from pyinstrument import Profiler
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(ROOT))

from benchmarks import databases  # noqa: E402
from benchmarks.cases import AsyncRunner, AsyncTarget  # noqa: E402
from benchmarks.matrix import CASES  # noqa: E402
from benchmarks.profile_phases import attribute, hottest  # noqa: E402
from benchmarks.worker import load_runner  # noqa: E402


async def _once(runner: AsyncRunner, target: AsyncTarget, case: str, n: int) -> None:
    """``create_many(n)`` and commit; for the single case, ``n`` creates in one transaction; for
    the build case, ``build_batch(n)``."""
    if case == "build":
        runner.build(n)
        return
    if case != "single":
        await runner.populate(target, case, n)
        return
    async with runner.single(target) as create_one:
        for _ in range(n):
            await create_one()


async def _timed(runner: AsyncRunner, target: AsyncTarget, admin: Engine, case: str, n: int) -> float:
    databases.clear_tables(admin)
    start = time.perf_counter()
    await _once(runner, target, case, n)
    return time.perf_counter() - start


def _render(title: str, wall: float, profiled: float, records: list[tuple[list[str], float]]) -> str:
    table = attribute(records)
    total = sum(sum(layers.values()) for layers in table.values())
    lines = [f"#### {title}", "", f"Unprofiled: {wall:.2f} s (median of 3). Profiled run: {profiled:.2f} s.", "",
             "| phase | share | ≈ s of the unprofiled run | inside it |", "|---|---|---|---|"]
    for phase, layers in sorted(table.items(), key=lambda item: -sum(item[1].values())):
        seconds = sum(layers.values())
        inside = ", ".join(f"{layer} {share / seconds:.0%}" for layer, share in
                           sorted(layers.items(), key=lambda item: -item[1]) if share / seconds >= 0.05)
        lines.append(f"| {phase} | {seconds / total:.1%} | {wall * seconds / total:.2f} | {inside} |")
    lines += ["", "Hottest leaf functions of the biggest phases (share of the profiled run):", ""]
    for phase, _layers in sorted(table.items(), key=lambda item: -sum(item[1].values()))[:5]:
        hot = ", ".join(f"{name} {seconds / total:.1%}" for name, seconds in hottest(records, phase))
        lines.append(f"- {phase}: {hot}")
    return "\n".join(lines) + "\n"


async def profile_one(library: str, database: str, case: str, n: int) -> tuple[float, Profiler]:
    """The median unprofiled wall time, and the profiler of one more run."""
    runner = load_runner(library)
    assert isinstance(runner, AsyncRunner), "profile an async library"
    admin = databases.admin_engine(database)
    databases.create_tables(admin)
    engine = databases.benchmark_engine(database, True)
    assert isinstance(engine, AsyncEngine)
    target = AsyncTarget(engine, async_sessionmaker(engine, expire_on_commit=False))
    try:
        await _timed(runner, target, admin, case, 200)
        wall = statistics.median([await _timed(runner, target, admin, case, n) for _ in range(3)])
        databases.clear_tables(admin)
        profiler = Profiler(interval=0.0005, async_mode="disabled")
        profiler.start()
        await _once(runner, target, case, n)
        profiler.stop()
    finally:
        await engine.dispose()
        databases.drop_tables(admin)
    return wall, profiler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    libraries = ["asyncfactories", "asyncfactories-unisolated", "orm-async"]
    parser.add_argument("--library", default="asyncfactories", choices=libraries)
    parser.add_argument("--databases", default="postgres,sqlite")
    parser.add_argument("--cases", default="users,posts,zero")
    parser.add_argument("--size", type=int, default=10_000, help="objects per call (create() calls for 'single')")
    parser.add_argument("--html-dir", type=Path, help="also save pyinstrument's HTML report per run here")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    for database in args.databases.split(","):
        for case in args.cases.split(","):
            wall, profiler = asyncio.run(profile_one(args.library, database, case, args.size))
            session = profiler.last_session
            assert session is not None
            title = f"{args.library}, {database}, {CASES[case].title}, N = {args.size:,}"
            print(_render(title, wall, session.duration, session.frame_records), flush=True)
            if args.html_dir is not None:
                args.html_dir.mkdir(parents=True, exist_ok=True)
                (args.html_dir / f"{args.library}-{database}-{case}.html").write_text(profiler.output_html())
    databases.remove_default_sqlite()
    return 0


if __name__ == "__main__":
    sys.exit(main())
