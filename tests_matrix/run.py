"""Run the plugin-matrix suites with this interpreter's pytest stack (``tox -m plugin-matrix``).

Both suites run in a temporary copy, outside this repository's own pytest configuration:
``without_plugin`` never touches asyncfactories' fixtures, ``with_plugin`` uses ``af_session``
and ``register_fixture``. With ``--anyio`` the async tests are marked for anyio instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

HERE = Path(__file__).parent


def _versions() -> str:
    found = []
    for name in ("pytest", "pytest-asyncio", "anyio", "SQLAlchemy"):
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def _has_pytest_asyncio() -> bool:
    try:
        version("pytest-asyncio")
    except PackageNotFoundError:
        return False
    return True


def main() -> int:
    anyio = "--anyio" in sys.argv
    print("plugin matrix:", _versions(), "(anyio tests)" if anyio else "")
    with tempfile.TemporaryDirectory() as tmp:
        for suite in ("without_plugin", "with_plugin"):
            target = Path(tmp) / suite
            shutil.copytree(HERE / suite, target)
            strict = not anyio or _has_pytest_asyncio()
            ini = "[pytest]\nasyncio_mode = strict\n" if strict else "[pytest]\n"
            (target / "pytest.ini").write_text(ini)
            if anyio:
                for test in target.glob("test_*.py"):
                    test.write_text(test.read_text().replace("@pytest.mark.asyncio", "@pytest.mark.anyio"))
                conftest = target / "conftest.py"
                text = conftest.read_text() if conftest.exists() else ""
                backend = "\n\nimport pytest\n\n\n@pytest.fixture\ndef anyio_backend():\n    return 'asyncio'\n"
                conftest.write_text(text + backend)
            args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(target)]
            env = {**os.environ, "AF_MATRIX_ANYIO": "1" if anyio else "0"}
            code = subprocess.call(args, cwd=target, env=env)
            if code != 0:
                print(f"plugin matrix: {suite} failed (pytest exit status {code})")
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
