"""SPEC §11: a user's factory module passes ``mypy --strict`` and gets precise types.

Runs mypy on ``tests/typing/`` (with ``tests/typing/mypy.ini``):

- ``check_factories.py`` is a user's factory module whose ``assert_type`` calls pin down
  ``build() -> User``, ``await create() -> User``, batch calls ``-> list[User]``, ...
- ``check_errors.py`` holds lines mypy must reject, each under ``# type: ignore[code]``; with
  ``warn_unused_ignores`` (part of ``--strict``) an error that disappears fails the run.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

TYPING_DIR = Path(__file__).parent / "typing"
ROOT = TYPING_DIR.parent.parent

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("mypy") is None,
    reason="mypy is not installed (pip install 'asyncfactories[test]')",
)


def test_user_factory_module_passes_mypy_strict(tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        f"--config-file={TYPING_DIR / 'mypy.ini'}",
        f"--cache-dir={tmp_path / 'mypy_cache'}",
        "--no-color-output",
        "--no-error-summary",
        "--show-error-codes",
        str(TYPING_DIR.relative_to(ROOT)),
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    output = (result.stdout + result.stderr).strip()
    status = result.returncode
    assert (status, output) == (0, ""), f"mypy --strict on tests/typing/ failed (exit {status}):\n{output}"
