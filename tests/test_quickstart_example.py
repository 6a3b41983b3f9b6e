"""``examples/quickstart.py`` runs and makes what it says."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

QUICKSTART = Path(__file__).resolve().parent.parent / "examples" / "quickstart.py"


def _run_quickstart(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "error", str(QUICKSTART)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_quickstart_example_creates_the_blog_and_prints_the_counts(tmp_path: Path) -> None:
    result = _run_quickstart(tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for count_line in ("users: 3", "posts: 6", "tags: 3", "post_tags: 12"):
        assert count_line in lines, result.stdout
    assert any("role=admin" in line for line in lines), result.stdout
    assert any("[tag-0, tag-1]" in line for line in lines), result.stdout
    assert (tmp_path / "quickstart.sqlite3").is_file()


def test_quickstart_example_can_run_twice_in_the_same_directory(tmp_path: Path) -> None:
    assert _run_quickstart(tmp_path).returncode == 0
    second = _run_quickstart(tmp_path)
    assert second.returncode == 0, second.stderr
    assert "users: 3" in second.stdout.splitlines()
