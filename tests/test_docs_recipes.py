"""The documentation's pytest projects pass, copied into an empty folder as a reader would.

Each folder under ``docs/examples/`` is a small project: a ``pyproject.toml``, code and tests
that the pages show file by file. A project in ``OVERLAYS`` adds its files to another one, as its
page tells the reader to (the FastAPI recipe extends the pytest guide's project). Each run is
``python -m pytest -W error`` in a folder of its own, with no configuration from this
repository: on a temporary SQLite database, and on a new, empty PostgreSQL or MariaDB database
when ``ASYNCFACTORIES_TEST_POSTGRES_URL`` / ``ASYNCFACTORIES_TEST_MYSQL_URL`` name a server (the
database is created for the run and dropped after it). The server runs matter: an app run in
another event loop than the test's session works by accident on aiosqlite, not on asyncpg.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from asyncfactories.integrations.pytest_support import sync_url

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
PROJECTS = sorted(path for path in EXAMPLES.iterdir() if path.is_dir() and not path.name.startswith("__"))

#: project -> the project it adds files to (replacing files of the same name).
OVERLAYS = {"fastapi_project": "pytest_project", "shared_data_project": "pytest_project"}

#: Variables that would point a run at another database or change pytest's setup.
CLEARED_ENVIRONMENT = ("ASYNCFACTORIES_DATABASE_URL", "TEST_DATABASE_URL", "PYTEST_ADDOPTS", "PYTEST_PLUGINS")

#: The variables a project reads its database from: the plugin's, and the savepoint recipe's.
DATABASE_VARIABLES = ("ASYNCFACTORIES_DATABASE_URL", "TEST_DATABASE_URL")

SERVERS = {"postgres": "ASYNCFACTORIES_TEST_POSTGRES_URL", "mysql": "ASYNCFACTORIES_TEST_MYSQL_URL"}
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    pytest.param("mysql", id="mysql", marks=pytest.mark.mysql),
]


@contextmanager
def scratch_database(backend: str) -> Iterator[str | None]:
    """None for SQLite (each project makes its own file); else the URL of a new, empty database."""
    if backend == "sqlite":
        yield None
        return
    server = os.environ.get(SERVERS[backend])
    if not server:
        pytest.skip(f"{SERVERS[backend]} is not set")
    name = f"af_docs_{secrets.token_hex(4)}"
    admin = create_engine(sync_url(server), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        try:
            yield admin.url.set(database=name, drivername=server.split("://")[0]).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
    finally:
        admin.dispose()


def _project_files(project: Path) -> list[Path]:
    return [
        path
        for path in sorted(project.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and ".pytest_cache" not in path.parts
    ]


def _copy(project: Path, into: Path) -> None:
    for path in _project_files(project):
        target = into / path.relative_to(project)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def _test_count(folder: Path) -> int:
    """Test functions, a ``@pytest.mark.parametrize("n", range(K))`` one counting K."""
    test = re.compile(r'^(?:@pytest\.mark\.parametrize\("\w+", range\((\d+)\)\)\n)?(?:async )?def test_', re.MULTILINE)
    return sum(
        int(cases or 1)
        for path in folder.rglob("test_*.py")
        for cases in test.findall(path.read_text(encoding="utf-8"))
    )


def test_there_are_projects() -> None:
    assert {"pytest_project", "fastapi_project", "litestar_project", "savepoint_project"} <= {p.name for p in PROJECTS}


def test_every_overlay_names_a_project() -> None:
    names = {project.name for project in PROJECTS}
    assert set(OVERLAYS) <= names and set(OVERLAYS.values()) <= names


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("project", PROJECTS, ids=lambda path: path.name)
def test_project_passes_in_an_empty_folder(project: Path, backend: str, tmp_path: Path) -> None:
    folder = tmp_path / project.name
    folder.mkdir()
    if project.name in OVERLAYS:
        _copy(EXAMPLES / OVERLAYS[project.name], folder)
    _copy(project, folder)
    assert (folder / "pyproject.toml").is_file(), f"{project.name} has no pyproject.toml"

    env = {key: value for key, value in os.environ.items() if key not in CLEARED_ENVIRONMENT}
    # asyncfactories as this checkout has it, whether or not it is installed
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    with scratch_database(backend) as url:
        if url is not None:
            env.update(dict.fromkeys(DATABASE_VARIABLES, url))
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-W", "error", "-p", "no:cacheprovider", "-q", "-rA"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env=env,
        )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    expected = _test_count(folder)
    assert re.search(rf"^{expected} passed in ", output, re.MULTILINE), output
    assert "warning" not in output.lower(), output
