"""The Click commands. Each one parses its arguments and hands off to a module of its own."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession

from .. import __version__
from ..integrations.linting import LintReport, discover_factories, lint
from .database import DEFAULT_SEED_URL, connect_engine, create_tables, parse_url
from .errors import CliError
from .scaffold import render_factories
from .seed import SeedOptions, run_seed, summary_table
from .targets import import_module, parse_target

__all__ = ["cli", "main"]

INTERRUPTED_EXIT = 130
LINT_DEFAULT_URL = "sqlite+aiosqlite://"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="asyncfactories", message="%(prog)s %(version)s")
def cli() -> None:
    """Seed, lint and scaffold asyncfactories factories."""


@cli.command()
@click.argument("targets", nargs=-1, required=True)
@click.option(
    "--url", default=DEFAULT_SEED_URL, show_default=True, help="Database URL (async driver added if missing)."
)
@click.option("--count", default=10, show_default=True, type=click.IntRange(min=0), help="Rows per target without =N.")
@click.option("--state", "states", multiple=True, help="State to apply (repeatable, applied in order).")
@click.option("--seed", "seed_value", type=int, default=None, help="Seed every source of randomness.")
@click.option("--create-tables", is_flag=True, help="Create the models' tables that do not exist yet.")
@click.option("--chunk-size", default=1000, show_default=True, type=click.IntRange(min=1), help="Rows per commit.")
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(min=1), help="Parallel connections.")
def seed(
    targets: tuple[str, ...],
    url: str,
    count: int,
    states: tuple[str, ...],
    seed_value: int | None,
    create_tables: bool,
    chunk_size: int,
    jobs: int,
) -> None:
    """Create rows with factories: TARGET is module:Factory or module:Factory=N.

    Commits every --chunk-size rows; Ctrl-C stops after the current chunk and keeps what
    was committed (exit status 130).
    """
    parsed = [parse_target(text) for text in targets]
    options = SeedOptions(url, count, states, seed_value, create_tables, chunk_size, jobs)
    result = asyncio.run(run_seed(parsed, options, Console(stderr=True)))
    Console().print(summary_table(result))
    if result.interrupted:
        click.echo(f"interrupted: stopped after the current chunk; {result.total} committed rows kept", err=True)
        sys.exit(INTERRUPTED_EXIT)


async def _lint(modules: list[str], url_text: str | None) -> LintReport:
    loaded = [import_module(name) for name in modules]
    factories = [factory for module in loaded for factory in discover_factories(module)]
    if not factories:
        raise CliError(
            f"no factories found in {', '.join(modules)}: lint checks the ModelFactory subclasses with a model "
            f"that a module defines or imports"
        )
    url = parse_url(url_text or LINT_DEFAULT_URL)
    engine = await connect_engine(url)
    try:
        if url_text is None:
            metadatas = {id(f._meta.model.metadata): f._meta.model.metadata for f in factories}
            await create_tables(engine, list(metadatas.values()))
        async with engine.connect() as connection:
            transaction = await connection.begin()
            session = AsyncSession(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
            try:
                return await lint(factories, session)
            finally:
                await session.close()
                await transaction.rollback()
    finally:
        await engine.dispose()


@cli.command(name="lint")
@click.argument("modules", nargs=-1, required=True)
@click.option("--url", default=None, help="Database URL [default: in-memory SQLite with the models' tables].")
def lint_command(modules: tuple[str, ...], url: str | None) -> None:
    """Create every factory and state of MODULE once, in a transaction rolled back after.

    Prints one line per failure and a summary; exit status 1 if any failed.
    """
    report = asyncio.run(_lint(list(modules), url))
    for failure in report.failures:
        click.echo(f"FAIL {failure}")
    click.echo(report.summary())
    if not report.ok:
        sys.exit(1)


@cli.command()
@click.argument("module")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="File to write (default: stdout)."
)
def scaffold(module: str, out: Path | None) -> None:
    """Write a factory module for every mapped model in MODULE."""
    source = render_factories(import_module(module))
    if out is None:
        click.echo(source, nl=False)
    else:
        out.write_text(source)
        click.echo(f"wrote {out}", err=True)


def main(argv: list[str] | None = None) -> None:
    """Run the command line; bad input is one line on stderr and exit status 2."""
    try:
        code = cli.main(args=argv, prog_name="asyncfactories", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.Abort:
        click.echo("asyncfactories: interrupted", err=True)
        sys.exit(INTERRUPTED_EXIT)
    except click.UsageError as error:
        command = f" {error.ctx.command_path.split(' ', 1)[1]}" if error.ctx and " " in error.ctx.command_path else ""
        click.echo(f"asyncfactories{command}: error: {error.format_message()} (see --help)", err=True)
        sys.exit(2)
    except CliError as error:
        click.echo(f"asyncfactories: error: {error}", err=True)
        sys.exit(error.exit_status)
    if isinstance(code, int) and code:
        sys.exit(code)
