"""``asyncfactories seed``: fill a development database, chunk by chunk.

Each chunk is created in a session of its own and committed, then the session is closed,
so memory stays flat however many rows. Ctrl-C (SIGINT) stops after the current chunk:
everything committed so far stays.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from factory.declarations import RelatedFactory, SubFactory
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy import URL, Connection, MetaData, func, inspect, select
from sqlalchemy import Table as SqlTable
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from .. import seeding
from ..autogen import start_unique_values_after
from ..definition.call_context import avoiding_taken_values
from ..exceptions import UnknownStateError
from .copy_seed import CopyFailedError, copy_writer
from .database import connect_engine, create_tables, display, parse_url
from .errors import CliError, SeedFailedError
from .targets import Target

__all__ = ["SeedOptions", "SeedResult", "run_seed"]


@dataclass(frozen=True)
class SeedOptions:
    """The ``seed`` command's options."""

    url: str
    count: int
    states: tuple[str, ...]
    seed: int | None
    create_tables: bool
    chunk_size: int
    jobs: int


@dataclass
class SeedResult:
    """What a run wrote: rows per table, time taken, and whether Ctrl-C stopped it."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def total(self) -> int:
        """Rows written in every table together."""
        return sum(self.rows.values())


def _reachable_factories(targets: list[Target]) -> list[Any]:
    """The target factories and every factory their SubFactory / RelatedFactory reach."""
    found: list[Any] = []
    pending: list[Any] = [target.factory for target in targets]
    while pending:
        factory = pending.pop()
        if factory in found or not hasattr(factory, "_meta") or factory._meta.abstract:
            continue
        found.append(factory)
        for declaration in factory._meta.declarations.values():
            if isinstance(declaration, (SubFactory, RelatedFactory)):
                pending.append(declaration.get_factory())
    return found


def _continue_after_existing_rows(targets: list[Target], rows: dict[str, int]) -> None:
    """Start sequences and generated unique values after the rows earlier runs wrote.

    Every run of a process starts ``Sequence`` at 0: seeding a database that already holds
    ``user0@example.com`` would collide on the first row otherwise.
    """
    for factory in _reachable_factories(targets):
        table = getattr(factory._meta.model, "__table__", None)
        existing = rows.get(table.name, 0) if table is not None else 0
        if table is not None and existing:
            factory.reset_sequence(value=existing, force=True)
            start_unique_values_after(table.name, existing)


def _failure(target: Target, error: SQLAlchemyError | CopyFailedError, committed: int) -> SeedFailedError:
    failed = error.orig if isinstance(error, (DBAPIError, CopyFailedError)) else error
    first_line = (str(failed).strip().splitlines() or [""])[0]
    return SeedFailedError(
        f"{target.factory.__name__} failed: {type(failed if isinstance(error, CopyFailedError) else error).__name__}: "
        f"{first_line} "
        f"({committed} committed rows kept)"
    )


def _chunks(count: int, size: int) -> Iterator[int]:
    while count > 0:
        yield min(size, count)
        count -= size


def _check_states(targets: list[Target], states: tuple[str, ...]) -> None:
    for target in targets:
        try:
            target.factory.state(*states)
        except UnknownStateError as error:
            raise CliError(str(error)) from error


@contextlib.contextmanager
def _stop_on_sigint(stop: asyncio.Event) -> Iterator[None]:
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(signal.SIGINT, stop.set)
    except (NotImplementedError, RuntimeError):  # pragma: no cover - not on the main thread / Windows
        yield
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGINT)


async def _seed_target(
    engine: AsyncEngine, target: Target, count: int, options: SeedOptions, progress: Progress, stop: asyncio.Event
) -> None:
    task = progress.add_task(target.factory.__name__, total=count)
    pending = list(_chunks(count, options.chunk_size))
    builder = target.factory.state(*options.states)
    writer = None if options.states else copy_writer(engine, target.factory)

    async def worker() -> None:
        while pending and not stop.is_set():
            size = pending.pop()
            if writer is not None and await writer.write(size):
                progress.advance(task, size)
                continue
            async with AsyncSession(engine, expire_on_commit=False) as session:
                await builder.create_many(size, session=session)
                await session.commit()
            progress.advance(task, size)

    jobs = 1 if engine.dialect.name == "sqlite" else options.jobs
    await asyncio.gather(*(worker() for _ in range(max(1, jobs))))


async def _check_tables_exist(engine: AsyncEngine, tables: list[SqlTable], url: URL) -> None:
    """One line naming the missing tables, rather than the database's error on the first INSERT."""

    def missing(connection: Connection) -> list[str]:
        inspector = inspect(connection)
        return [table.fullname for table in tables if not inspector.has_table(table.name, schema=table.schema)]

    async with engine.connect() as connection:
        absent = await connection.run_sync(missing)
    if absent:
        quoted = [repr(name) for name in absent[:3]] + ([f"{len(absent) - 3} more"] if len(absent) > 3 else [])
        names = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"
        subject = f"table {names} does" if len(absent) == 1 else f"tables {names} do"
        raise CliError(
            f"{subject} not exist in {display(url)}; pass --create-tables to create the models' missing tables"
        )


async def _count_rows(engine: AsyncEngine, tables: list[SqlTable]) -> dict[str, int]:
    async with engine.connect() as connection:
        counts = {}
        for table in tables:
            counts[table.name] = int(await connection.scalar(select(func.count()).select_from(table)) or 0)
        return counts


def _metadatas(targets: list[Target]) -> list[MetaData]:
    found = {id(metadata): metadata for metadata in (t.factory._meta.model.metadata for t in targets)}
    return list(found.values())


def _tables(targets: list[Target]) -> list[SqlTable]:
    return [table for metadata in _metadatas(targets) for table in metadata.sorted_tables]


async def run_seed(targets: list[Target], options: SeedOptions, console: Console) -> SeedResult:
    """Seed every target; returns the rows written per table."""
    _check_states(targets, options.states)
    url = parse_url(options.url)
    engine = await connect_engine(url)
    try:
        if options.create_tables:
            await create_tables(engine, _metadatas(targets))
        tables = _tables(targets)
        await _check_tables_exist(engine, tables, url)
        if options.seed is not None:
            seeding.seed(options.seed)
        before = await _count_rows(engine, tables)
        _continue_after_existing_rows(targets, before)
        result = SeedResult()
        started = time.perf_counter()
        stop = asyncio.Event()
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with _stop_on_sigint(stop), Progress(*columns, console=console, transient=False) as progress:
            for target in targets:
                if stop.is_set():
                    break
                count = target.count if target.count is not None else options.count
                try:
                    # The counts above skip most taken values at once; a row deleted or added
                    # since can still leave one in the way, which each batch then moves past.
                    with avoiding_taken_values():
                        await _seed_target(engine, target, count, options, progress, stop)
                except (SQLAlchemyError, CopyFailedError) as error:
                    after = await _count_rows(engine, tables)
                    raise _failure(target, error, sum(after.values()) - sum(before.values())) from error
        result.seconds = time.perf_counter() - started
        result.interrupted = stop.is_set()
        after = await _count_rows(engine, tables)
        result.rows = {name: after[name] - before[name] for name in after if after[name] != before[name]}
        console.print(f"seeded {display(url)}")
        return result
    finally:
        await engine.dispose()


def summary_table(result: SeedResult) -> Table:
    """Rows per table, time and rows per second, as a Rich table."""
    table = Table(title="asyncfactories seed")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, rows in result.rows.items():
        table.add_row(name, str(rows))
    rate = result.total / result.seconds if result.seconds else 0.0
    table.add_row("total", f"{result.total} in {result.seconds:.2f} s ({rate:,.0f} rows/s)")
    return table
