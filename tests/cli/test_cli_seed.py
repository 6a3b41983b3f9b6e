"""``asyncfactories seed`` (SPEC §9): rows per target, states, seeds, chunks, Ctrl-C."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from asyncfactories.cli import main

from .conftest import subprocess_env


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the command line in-process; returns (exit status, stdout, stderr)."""
    try:
        main(argv)
        code = 0
    except SystemExit as exited:
        code = int(exited.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def count(db: Path, table: str, where: str = "1=1") -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0])


def test_seed_writes_each_target_and_prints_rows_per_table(
    in_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "seed.sqlite3"
    argv = ["seed", "cli_factories:AuthorFactory=7", "cli_factories:ArticleFactory", "--count", "5"]
    code, out, err = run([*argv, "--create-tables", "--url", f"sqlite+aiosqlite:///{db}"], capsys)
    assert code == 0, err
    assert count(db, "cli_authors") == 12  # 7 asked for + one parent per article
    assert count(db, "cli_articles") == 5
    assert "cli_authors" in out and "12" in out and "cli_articles" in out
    assert "rows/s" in out
    assert "AuthorFactory" in err and "ArticleFactory" in err  # one progress bar per factory


def test_seed_without_url_writes_a_sqlite_file_in_the_current_folder(
    in_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = in_project / "asyncfactories.sqlite3"
    db.unlink(missing_ok=True)
    code, _out, err = run(["seed", "cli_factories:AuthorFactory=3", "--create-tables"], capsys)
    assert code == 0, err
    assert count(db, "cli_authors") == 3
    db.unlink()


def test_target_count_wins_over_count_option(
    in_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "n.sqlite3"
    url = f"sqlite+aiosqlite:///{db}"
    code, _out, err = run(
        ["seed", "cli_factories:AuthorFactory=2", "--count", "9", "--create-tables", "--url", url], capsys
    )
    assert code == 0, err
    assert count(db, "cli_authors") == 2


@pytest.mark.parametrize(("state", "where"), [("inactive", "active = 0"), ("renamed", "name = 'Renamed'")])
def test_seed_applies_the_state(
    state: str, where: str, in_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "state.sqlite3"
    url = f"sqlite+aiosqlite:///{db}"
    code, _out, err = run(
        ["seed", "cli_factories:AuthorFactory=4", "--state", state, "--create-tables", "--url", url], capsys
    )
    assert code == 0, err
    assert count(db, "cli_authors", where) == 4


def test_same_seed_gives_the_same_rows(in_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = []
    for run_number in range(2):
        db = tmp_path / f"seeded{run_number}.sqlite3"
        url = f"sqlite+aiosqlite:///{db}"
        code, _out, err = run(
            ["seed", "cli_factories:AuthorFactory=5", "--seed", "7", "--create-tables", "--url", url], capsys
        )
        assert code == 0, err
        with sqlite3.connect(db) as connection:
            names.append([row[0] for row in connection.execute("SELECT name FROM cli_authors ORDER BY id")])
    assert names[0] == names[1]
    assert len(set(names[0])) > 1


def _server_url(env: str) -> str:
    url = os.environ.get(env)
    if not url:
        pytest.skip(f"{env} is not set: this test needs a running server")
    return url


@pytest.mark.parametrize("env", ["ASYNCFACTORIES_TEST_POSTGRES_URL", "ASYNCFACTORIES_TEST_MYSQL_URL"])
def test_seed_with_parallel_jobs_on_a_server(env: str, in_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = _server_url(env)
    argv = ["seed", "cli_factories:ArticleFactory=40", "--jobs", "3", "--chunk-size", "5", "--create-tables"]
    try:
        code, out, err = run([*argv, "--url", url], capsys)
        assert code == 0, err
        assert "cli_articles" in out and "40" in out
    finally:
        _drop_cli_tables(url)


def _drop_cli_tables(url: str) -> None:
    import asyncio

    import cli_models  # type: ignore[import-not-found]  # written by the cli_project fixture
    from sqlalchemy.ext.asyncio import create_async_engine

    async def drop() -> None:
        engine = create_async_engine(url)
        async with engine.begin() as connection:
            await connection.run_sync(cli_models.Base.metadata.drop_all)
        await engine.dispose()

    asyncio.run(drop())


def test_sigint_stops_after_the_current_chunk_and_keeps_committed_rows(cli_project: Path, tmp_path: Path) -> None:
    db = tmp_path / "interrupted.sqlite3"
    argv = ["seed", "cli_factories:AuthorFactory=1000000", "--chunk-size", "200", "--create-tables"]
    process = subprocess.Popen(
        [sys.executable, "-m", "asyncfactories", *argv, "--url", f"sqlite+aiosqlite:///{db}"],
        cwd=cli_project,
        env=subprocess_env(cli_project),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if db.exists() and _committed(db) >= 400:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    kept = count(db, "cli_authors")
    assert kept >= 400 and kept % 200 == 0  # whole chunks only
    assert kept < 1_000_000
    assert "interrupted" in err and f"{kept} committed rows kept" in err
    assert "Traceback" not in err
    assert "cli_authors" in out and str(kept) in out  # the summary still prints


def _committed(db: Path) -> int:
    try:
        return count(db, "cli_authors")
    except sqlite3.OperationalError:  # table not created yet, or locked for a moment
        return 0


def test_seeding_again_continues_after_the_rows_already_there(
    in_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A new process restarts Sequence at 0: without continuing after existing rows, the second
    run would collide with ``author0@example.com`` on its first row."""
    db = tmp_path / "twice.sqlite3"
    url = f"sqlite+aiosqlite:///{db}"
    for _ in range(2):
        code, _out, err = run(["seed", "cli_factories:ArticleFactory=3", "--create-tables", "--url", url], capsys)
        assert code == 0, err
    assert count(db, "cli_articles") == 6
    assert count(db, "cli_authors") == 6


def test_seeding_again_after_a_row_was_deleted_moves_past_the_taken_values(
    in_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Continuing by row count alone, the second run would start at author4@example.com, which
    the first run wrote: the taken values are looked up and moved past instead."""
    db = tmp_path / "deleted.sqlite3"
    url = f"sqlite+aiosqlite:///{db}"
    code, _out, err = run(["seed", "cli_factories:ArticleFactory=5", "--create-tables", "--url", url], capsys)
    assert code == 0, err
    with sqlite3.connect(db) as connection:
        connection.execute("DELETE FROM cli_articles WHERE author_id = (SELECT min(id) FROM cli_authors)")
        connection.execute("DELETE FROM cli_authors WHERE id = (SELECT min(id) FROM cli_authors)")
    code, _out, err = run(["seed", "cli_factories:ArticleFactory=5", "--url", url], capsys)
    assert code == 0, err
    assert count(db, "cli_articles") == 4 + 5
    assert count(db, "cli_authors") == 4 + 5
    with sqlite3.connect(db) as connection:
        emails = [row[0] for row in connection.execute("SELECT email FROM cli_authors")]
    assert len(set(emails)) == 9


@pytest.mark.parametrize("env", ["ASYNCFACTORIES_TEST_POSTGRES_URL", "ASYNCFACTORIES_TEST_MYSQL_URL"])
def test_seeding_again_after_a_deleted_row_on_a_server(
    env: str, in_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import create_engine, text

    from asyncfactories.integrations.pytest_support import sync_url

    url = _server_url(env)
    try:
        code, _out, err = run(["seed", "cli_factories:ArticleFactory=5", "--create-tables", "--url", url], capsys)
        assert code == 0, err
        engine = create_engine(sync_url(url))
        with engine.begin() as connection:
            first = connection.execute(text("SELECT min(id) FROM cli_authors")).scalar_one()
            connection.execute(text("DELETE FROM cli_articles WHERE author_id = :id"), {"id": first})
            connection.execute(text("DELETE FROM cli_authors WHERE id = :id"), {"id": first})
        code, _out, err = run(["seed", "cli_factories:ArticleFactory=5", "--url", url], capsys)
        assert code == 0, err
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM cli_articles")).scalar_one() == 4 + 5
            assert connection.execute(text("SELECT count(DISTINCT email) FROM cli_authors")).scalar_one() == 4 + 5
        engine.dispose()
    finally:
        _drop_cli_tables(url)


def test_a_database_failure_while_seeding_is_one_line_with_status_1(
    in_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "failing.sqlite3"
    url = f"sqlite+aiosqlite:///{db}"
    code, _out, err = run(["seed", "cli_factories:AuthorFactory=4", "--create-tables", "--url", url], capsys)
    assert code == 0, err
    code, _out, err = run(["seed", "cli_broken:AuthorFactory=5", "--state", "nameless", "--url", url], capsys)
    assert code == 1
    assert err.strip().splitlines()[-1] == (
        "asyncfactories: error: AuthorFactory failed: IntegrityError: NOT NULL constraint failed: cli_authors.name "
        "(0 committed rows kept)"
    )
    assert "Traceback" not in err
    assert count(db, "cli_authors") == 4  # what was there before is untouched


@pytest.mark.parametrize("driver", ["asyncpg", "psycopg"])
async def test_the_cli_plans_each_statement_with_its_values_on_postgresql(driver: str) -> None:
    """A generic plan made while a seed's table was empty would scan the whole table ever after."""
    from sqlalchemy import make_url, text

    from asyncfactories.cli.database import connect_engine

    url = make_url(_server_url("ASYNCFACTORIES_TEST_POSTGRES_URL")).set(drivername=f"postgresql+{driver}")
    engine = await connect_engine(url)
    try:
        async with engine.connect() as connection:
            assert await connection.scalar(text("SHOW plan_cache_mode")) == "force_custom_plan"
    finally:
        await engine.dispose()
