"""One measurement, in its own process: one library, one case, one database, one size.

``python -m benchmarks.worker --library asyncfactories --case users --database postgres --size 1000``
prints one ``RESULT {json}`` line. A warm-up run (at most 200 objects) comes first, then up to
``--repeat`` timed runs (fewer once ``--budget`` seconds of timed runs are spent, never fewer
than ``--min-runs``). Where the warm-up shows that one run of ``--size`` objects would take longer than
``--max-run`` seconds (a commit per row on a disk that syncs), the timed runs write fewer objects
and the result says how many (``measured_size``). Before every run the tables are emptied; after
it the rows are counted through a new connection, and a missing row fails the measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib
import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.orm import sessionmaker

from . import databases
from .cases import AsyncRunner, AsyncTarget, SyncRunner, SyncTarget, UnsupportedCaseError
from .databases import StatementCounter
from .matrix import CASES, LIBRARIES

_WARMUP_MAX = 200
_SINGLE_WARMUP = 100

Runner = AsyncRunner | SyncRunner
Target = AsyncTarget | SyncTarget


class RowsMissingError(AssertionError):
    """The database holds fewer (or more) rows than the run claims to have written."""


@dataclass(frozen=True)
class Settings:
    library: str
    case: str
    database: str
    size: int
    repeat: int
    budget: float
    min_runs: int
    calls: int
    max_run: float


@dataclass
class Result:
    library: str
    case: str
    database: str
    size: int
    #: Objects written per timed run: ``size``, unless one run of ``size`` would take too long.
    measured_size: int = 0
    status: str = "ok"  # "ok", "n/a" or "error"
    reason: str = ""
    #: Seconds per timed run; for the single-create case, the median µs per call of each run.
    runs: list[float] = field(default_factory=list)
    #: CPU seconds of this process (all its threads) per timed run: steadier than wall time on a busy machine.
    cpu: list[float] = field(default_factory=list)
    median: float = 0.0
    warmup: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    rows: tuple[int, int] = (0, 0)


def load_runner(library: str) -> Runner:
    spec = LIBRARIES[library]
    try:
        module = importlib.import_module(f"benchmarks.cases.{spec.module}")
    except ImportError as exc:
        raise UnsupportedCaseError(f"cannot import {spec.title}: {exc}") from exc
    runner: Runner = module.runner(spec.variant)
    return runner


def expected_rows(case: str, count: int) -> tuple[int, int]:
    return (count, count if case == "posts" else 0)


async def timed_populate(runner: Runner, target: Target, case: str, n: int) -> float:
    start = time.perf_counter()
    if isinstance(runner, AsyncRunner) and isinstance(target, AsyncTarget):
        await runner.populate(target, case, n)
    elif isinstance(runner, SyncRunner) and isinstance(target, SyncTarget):
        runner.populate(target, case, n)
    return time.perf_counter() - start


async def timed_singles(runner: Runner, target: Target, calls: int) -> float:
    """The median µs of ``calls`` create+flush calls in one transaction."""
    latencies: list[int] = []
    if isinstance(runner, AsyncRunner) and isinstance(target, AsyncTarget):
        async with runner.single(target) as create_one:
            for _ in range(calls):
                start = time.perf_counter_ns()
                await create_one()
                latencies.append(time.perf_counter_ns() - start)
    elif isinstance(runner, SyncRunner) and isinstance(target, SyncTarget):
        with runner.single(target) as create_one_sync:
            for _ in range(calls):
                start = time.perf_counter_ns()
                create_one_sync()
                latencies.append(time.perf_counter_ns() - start)
    return statistics.median(latencies) / 1000


def wants_more(settings: Settings, done: int, spent: float) -> bool:
    """Another timed run: up to ``repeat``, at least ``min_runs``, in between while within ``budget``."""
    return done < settings.repeat and (done < settings.min_runs or spent < settings.budget)


def affordable(count: int, warmup: int, warmup_seconds: float, max_run: float) -> int:
    """``count``, or a round smaller count if the warm-up projects a run longer than ``max_run``."""
    projected = warmup_seconds * count / warmup
    if projected <= max_run:
        return count
    step = int(10 ** (len(str(int(count * max_run / projected))) - 1))
    return max(warmup, int(count * max_run / projected) // step * step)


def make_target(runner: Runner, engine: AsyncEngine | Engine) -> Target:
    if isinstance(engine, AsyncEngine):
        return AsyncTarget(engine, async_sessionmaker(engine, expire_on_commit=False))
    return SyncTarget(engine, sessionmaker(engine, expire_on_commit=False))


async def one_run(
    runner: Runner, target: Target, admin: Engine, settings: Settings, count: int
) -> tuple[float, float]:
    """Empty the tables, run once (timed), check the rows; the timing and the CPU seconds it took."""
    databases.clear_tables(admin)
    gc.collect()
    cpu = time.process_time()
    if settings.case == "single":
        value = await timed_singles(runner, target, count)
    else:
        value = await timed_populate(runner, target, settings.case, count)
    cpu = time.process_time() - cpu
    found, wanted = databases.count_rows(admin), expected_rows(settings.case, count)
    if found != wanted:
        raise RowsMissingError(f"expected (users, posts) = {wanted} in the database, found {found}")
    return value, cpu


async def measure_database(runner: Runner, settings: Settings, result: Result) -> None:
    admin = databases.admin_engine(settings.database)
    databases.create_tables(admin)
    engine = databases.benchmark_engine(settings.database, runner.asynchronous)
    counter = StatementCounter()
    counter.attach(engine)
    target = make_target(runner, engine)
    count = settings.calls if settings.case == "single" else settings.size
    warmup = _SINGLE_WARMUP if settings.case == "single" else min(count, _WARMUP_MAX)
    try:
        start = time.perf_counter()
        await one_run(runner, target, admin, settings, warmup)
        result.warmup = time.perf_counter() - start
        count = affordable(count, warmup, result.warmup, settings.max_run)
        result.measured_size = count
        spent = 0.0
        while wants_more(settings, len(result.runs), spent):
            counter.reset()
            start = time.perf_counter()
            value, cpu = await one_run(runner, target, admin, settings, count)
            result.runs.append(value)
            result.cpu.append(cpu)
            spent += time.perf_counter() - start
            result.counts = counter.snapshot()
        result.rows = expected_rows(settings.case, count)
    finally:
        await databases.dispose(engine)
        databases.drop_tables(admin)


def measure_build(runner: Runner, settings: Settings, result: Result) -> None:
    start = time.perf_counter()
    runner.build(min(settings.size, _WARMUP_MAX))
    result.warmup = time.perf_counter() - start
    result.measured_size = settings.size
    while wants_more(settings, len(result.runs), sum(result.runs)):
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        built = runner.build(settings.size)
        result.runs.append(time.perf_counter() - start)
        result.cpu.append(time.process_time() - cpu)
        if len(built) != settings.size:
            raise RowsMissingError(f"build({settings.size}) returned {len(built)} objects")


def measure(settings: Settings) -> Result:
    result = Result(settings.library, settings.case, settings.database, settings.size)
    try:
        runner = load_runner(settings.library)
        if CASES[settings.case].uses_database:
            asyncio.run(measure_database(runner, settings, result))
        else:
            measure_build(runner, settings, result)
    except UnsupportedCaseError as exc:
        result.status, result.reason = "n/a", str(exc)
    except Exception as exc:
        result.status, result.reason = "error", f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        if isinstance(exc, RowsMissingError):
            raise
    if result.runs:
        result.median = statistics.median(result.runs)
    return result


def parse(argv: list[str]) -> Settings:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--library", required=True, choices=sorted(LIBRARIES))
    parser.add_argument("--case", required=True, choices=sorted(CASES))
    parser.add_argument("--database", default="none", choices=[*databases.DATABASES, "none"])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--budget", type=float, default=3.0, help="stop repeating after this many timed seconds")
    parser.add_argument("--min-runs", type=int, default=3, help="timed runs made whatever the budget")
    parser.add_argument("--calls", type=int, default=500, help="create() calls per run of the single case")
    parser.add_argument("--max-run", type=float, default=15.0, help="seconds one timed run may be projected to take")
    args = parser.parse_args(argv)
    return Settings(args.library, args.case, args.database, args.size, args.repeat, args.budget, args.min_runs,
                    args.calls, args.max_run)


def main(argv: list[str] | None = None) -> int:
    settings = parse(sys.argv[1:] if argv is None else argv)
    try:
        result = measure(settings)
    except RowsMissingError as exc:
        print(f"ROWS MISSING: {settings}: {exc}", file=sys.stderr)
        return 2
    payload: dict[str, Any] = asdict(result)
    print("RESULT " + json.dumps(payload), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
