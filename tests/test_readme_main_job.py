"""The README's first command (the main job) runs as written: seed the example blog into the
default SQLite file in the current folder, then lint its factories."""

from __future__ import annotations

import os
import re
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALL = re.compile(r"^python -m venv \.venv && \. \.venv/bin/activate && pip install -e \"[^\"]+\" && ")


def main_job_commands() -> list[list[str]]:
    """The README's first bash block after its install part, split at ``&&``."""
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)\n```", readme, flags=re.S)
    job = next(block for block in blocks if "asyncfactories seed" in block)
    assert INSTALL.match(job), job
    return [shlex.split(part) for part in INSTALL.sub("", job).split(" && ")]


def test_readme_main_job_seeds_the_default_sqlite_file_and_lints(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    outputs = []
    for command in main_job_commands():
        assert command[0] == "asyncfactories"
        result = subprocess.run(
            [sys.executable, "-m", "asyncfactories", *command[1:]],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    with sqlite3.connect(tmp_path / "asyncfactories.sqlite3") as connection:
        users = connection.execute("SELECT count(*) FROM users").fetchone()[0]
        posts = connection.execute("SELECT count(*) FROM posts").fetchone()[0]
    assert (users, posts) == (120, 100)  # 20 users + one new author per post
    assert "rows/s" in outputs[0]
    assert outputs[-1].strip() == "lint: 3 factories, 5 checks, 0 failed"
