"""``asyncfactories lint`` and ``scaffold`` (SPEC §9), and ``python -m asyncfactories``."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from asyncfactories.cli import main

from .conftest import subprocess_env
from .test_cli_seed import run


def test_lint_passes_on_good_factories(in_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["lint", "cli_factories"], capsys)
    assert code == 0, err
    # AuthorFactory plain, inactive, renamed; ArticleFactory plain.
    assert out.strip() == "lint: 2 factories, 4 checks, 0 failed"


def test_lint_reports_each_failure_and_exits_1(in_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(["lint", "cli_broken"], capsys)
    assert code == 1
    lines = out.strip().splitlines()
    assert lines[0].startswith("FAIL cli_broken.AuthorFactory state=nameless: IntegrityError: ")
    assert "cli_authors.name" in lines[0] or "name" in lines[0]
    assert lines[-1] == "lint: 1 factories, 2 checks, 1 failed"
    assert len(lines) == 2


@pytest.mark.parametrize("env", ["ASYNCFACTORIES_TEST_POSTGRES_URL", "ASYNCFACTORIES_TEST_MYSQL_URL"])
def test_lint_on_a_server_leaves_no_rows(env: str, in_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = os.environ.get(env)
    if not url:
        pytest.skip(f"{env} is not set: this test needs a running server")
    code, _out, err = run(["seed", "cli_factories:AuthorFactory=0", "--create-tables", "--url", url], capsys)
    assert code == 0, err
    try:
        code, out, err = run(["lint", "cli_factories", "cli_broken", "--url", url], capsys)
        assert code == 1, err
        assert out.strip().splitlines()[-1] == "lint: 3 factories, 6 checks, 1 failed"
        assert _rows(url) == (0, 0)
    finally:
        from .test_cli_seed import _drop_cli_tables

        _drop_cli_tables(url)


def _rows(url: str) -> tuple[int, int]:
    import asyncio

    import cli_models  # type: ignore[import-not-found]  # written by the cli_project fixture

    async def count() -> tuple[int, int]:
        engine = create_async_engine(url)
        async with engine.connect() as connection:
            authors = await connection.scalar(select(func.count()).select_from(cli_models.Author))
            articles = await connection.scalar(select(func.count()).select_from(cli_models.Article))
        await engine.dispose()
        return int(authors or 0), int(articles or 0)

    return asyncio.run(count())


def test_scaffold_prints_a_factory_per_model(in_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["scaffold", "cli_models"], capsys)
    assert code == 0, err
    assert "class AuthorFactory(ModelFactory[Author]):" in out
    assert "class ArticleFactory(ModelFactory[Article]):" in out
    assert "    author = SubFactory(AuthorFactory)" in out
    assert out.index("class AuthorFactory") < out.index("class ArticleFactory")  # parents first
    assert out.count("class Params:") == 2  # one example state each


def test_scaffolded_module_imports_passes_ruff_and_lint(in_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = in_project / "cli_scaffolded.py"
    code, _out, err = run(["scaffold", "cli_models", "--out", str(target)], capsys)
    assert code == 0, err
    module = importlib.import_module("cli_scaffolded")
    assert {"AuthorFactory", "ArticleFactory"} <= set(vars(module))
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "E,F,W,I", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    code, out, err = run(["lint", "cli_scaffolded"], capsys)
    assert code == 0, out + err
    target.unlink()


def test_python_dash_m_runs_the_same_command_line(cli_project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "asyncfactories", "lint", "cli_factories"],
        cwd=cli_project,
        env=subprocess_env(cli_project),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "lint: 2 factories, 4 checks, 0 failed"


@pytest.mark.parametrize("command", [[], ["seed"], ["lint"], ["scaffold"]])
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run([*command, "--help"], capsys)
    assert code == 0
    assert out.startswith("Usage: asyncfactories")


def test_main_is_the_console_script() -> None:
    assert main.__module__ == "asyncfactories.cli.app"
