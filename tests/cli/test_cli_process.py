"""The console script as a shell runs it: ``--version``, a missing table, Ctrl-C at any moment
and a missing ``cli`` extra each end in one line and a documented exit status."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import asyncfactories

from .conftest import subprocess_env
from .test_cli_seed import run

SCRIPT = Path(sys.executable).parent / "asyncfactories"


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    for flag in ("--version", "-V"):
        code, out, err = run([flag], capsys)
        assert (code, out, err) == (0, f"asyncfactories {asyncfactories.__version__}\n", "")


def test_seeding_a_database_without_the_tables_names_them_and_the_fix(
    in_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}"
    code, out, err = run(["seed", "cli_factories:AuthorFactory=3", "--url", url], capsys)
    assert code == 2
    assert out == ""
    assert err.strip().splitlines() == [
        f"asyncfactories: error: tables 'cli_authors' and 'cli_articles' do not exist in {url}; "
        "pass --create-tables to create the models' missing tables"
    ]


#: Seconds after start at which Ctrl-C arrives: while the package imports, while the command
#: starts, and while it seeds.
SIGINT_DELAYS = [0.05, 0.25, 0.6, 1.2, 2.5]


@pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed in this environment")
@pytest.mark.parametrize("delay", SIGINT_DELAYS, ids=[f"{d}s" for d in SIGINT_DELAYS])
def test_ctrl_c_at_any_moment_exits_130_without_a_traceback(cli_project: Path, tmp_path: Path, delay: float) -> None:
    db = tmp_path / "ctrl-c.sqlite3"
    argv = ["seed", "cli_factories:AuthorFactory=1000000", "--chunk-size", "500", "--create-tables"]
    process = subprocess.Popen(
        [str(SCRIPT), *argv, "--url", f"sqlite+aiosqlite:///{db}"],
        cwd=cli_project,
        env=subprocess_env(cli_project),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert "KeyboardInterrupt" not in err
    # While importing: nothing at all. While the command starts: one line. Once it seeds: its
    # progress, then one closing line.
    last = err.strip().splitlines()[-1] if err.strip() else ""
    assert last in ("", "asyncfactories: interrupted") or last.startswith("interrupted: stopped after"), err


CLICK_STUB = 'raise ModuleNotFoundError("No module named \'click\'", name="click")\n'


@pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed in this environment")
@pytest.mark.parametrize("argv", [[str(SCRIPT), "lint", "x"], [sys.executable, "-m", "asyncfactories", "--help"]])
def test_without_the_cli_extra_the_command_says_what_to_install(tmp_path: Path, argv: list[str]) -> None:
    """Simulates an install without ``[cli]``: a ``click`` that cannot be imported comes first."""
    (tmp_path / "click").mkdir()
    (tmp_path / "click" / "__init__.py").write_text(CLICK_STUB)
    result = subprocess.run(argv, env=subprocess_env(tmp_path), capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "asyncfactories: the command line needs the cli extra (click is not installed): "
        'pip install "asyncfactories[cli]"'
    ]
