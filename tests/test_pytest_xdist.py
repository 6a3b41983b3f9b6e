"""The plugin under pytest-xdist: each worker gets a database of its own, created with the tables
and dropped at the end, so tests that commit never collide across workers.

A project of 40 tests — 20 roll back (``af_session``), 20 commit through sessions of their own
(``af_committed``) — each creating 25 users (unique email and username) and 25 posts, run with
``-n 4`` in a subprocess, on SQLite, PostgreSQL and MariaDB.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from asyncfactories.integrations.pytest_support import sync_url
from asyncfactories.integrations.worker_databases import worker_database_name

from .test_docs_recipes import BACKENDS, CLEARED_ENVIRONMENT, scratch_database

ROOT = Path(__file__).resolve().parent.parent

MODELS = """
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Member(Base):
    __tablename__ = "xd_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)


class Note(Base):
    __tablename__ = "xd_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    member_id: Mapped[int] = mapped_column(ForeignKey("xd_members.id"))
    member: Mapped[Member] = relationship()
"""

CONFTEST = """
import pytest

from xdproject.models import Base


@pytest.fixture(scope="session")
def af_metadata():
    return Base.metadata
"""

FACTORIES = """
from asyncfactories import ModelFactory, Sequence, SubFactory
from xdproject.models import Member, Note


class MemberFactory(ModelFactory[Member]):
    email = Sequence(lambda n: f"member{n}@test.example")
    username = Sequence(lambda n: f"member{n}")


class NoteFactory(ModelFactory[Note]):
    title = Sequence(lambda n: f"note {n}")
    member = SubFactory(MemberFactory)
"""

TESTS = """
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from xdproject.factories import MemberFactory, NoteFactory
from xdproject.models import Member

#: Rows that were in the database before the run (a seeded database), set by the test that runs this.
EARLIER = int(__import__("os").environ.get("XD_EARLIER_ROWS", "0"))


@pytest.mark.parametrize("n", range(20))
async def test_rolled_back(af_session, n):
    await MemberFactory.create_many(25)
    await NoteFactory.create_many(25, member=await MemberFactory.create())
    assert await af_session.scalar(select(func.count()).select_from(Member)) == EARLIER + 26


@pytest.mark.parametrize("n", range(20))
async def test_committed(af_committed, af_engine, n):
    async with async_sessionmaker(af_engine)() as session:
        await MemberFactory.create_many(25, session=session)
        await NoteFactory.create_many(25, session=session, member=await MemberFactory.create(session=session))
        await session.commit()
        assert await session.scalar(select(func.count()).select_from(Member)) == EARLIER + 26
"""


def _write(folder: Path) -> None:
    (folder / "xdproject").mkdir()
    (folder / "xdproject" / "__init__.py").write_text("")
    (folder / "xdproject" / "models.py").write_text(MODELS)
    (folder / "xdproject" / "factories.py").write_text(FACTORIES)
    (folder / "conftest.py").write_text(CONFTEST)
    (folder / "test_members.py").write_text(TESTS)
    (folder / "pyproject.toml").write_text('[tool.pytest.ini_options]\nasyncio_mode = "auto"\n')


def _databases(url: str) -> set[str]:
    engine = create_engine(sync_url(url))
    query = "SELECT datname FROM pg_database" if engine.dialect.name == "postgresql" else "SHOW DATABASES"
    try:
        with engine.connect() as connection:
            return {row[0] for row in connection.execute(text(query))}
    finally:
        engine.dispose()


def _run(folder: Path, *args: str, workers: int = 4, **env_vars: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in CLEARED_ENVIRONMENT}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), str(folder), os.environ.get("PYTHONPATH")]))
    env.update(env_vars)
    command = [sys.executable, "-m", "pytest", "-n", str(workers), "-p", "no:cacheprovider", "-p", "no:randomly", "-q"]
    return subprocess.run(
        [*command, *args], cwd=folder, capture_output=True, text=True, timeout=300, check=False, env=env
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_forty_tests_on_four_workers_each_with_its_own_database(backend: str, tmp_path: Path) -> None:
    _write(tmp_path)
    with scratch_database(backend) as url:
        args = ("--af-database-url", url) if url else ()
        before = _databases(url) if url else set()
        result = _run(tmp_path, *args)
        left = (_databases(url) - before) if url else set()
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.search(r"^40 passed in ", output, re.MULTILINE), output
    assert left == set(), f"worker databases left behind: {left}"


@pytest.mark.postgres
def test_reuse_db_keeps_each_workers_database(tmp_path: Path) -> None:
    _write(tmp_path)
    with scratch_database("postgres") as url:
        assert url is not None
        try:
            first, second = _run(tmp_path, "--af-database-url", url, "--af-reuse-db"), None
            kept = _databases(url)
            second = _run(tmp_path, "--af-database-url", url, "--af-reuse-db")
        finally:
            engine = create_engine(sync_url(url), isolation_level="AUTOCOMMIT")
            with engine.connect() as connection:
                for worker in ("gw0", "gw1", "gw2", "gw3"):
                    name = worker_database_name(make_url(url).database or "", worker, None, reuse=True)
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            engine.dispose()
    assert first.returncode == 0, first.stdout + first.stderr
    assert second is not None and second.returncode == 0, second.stdout + second.stderr
    database = make_url(url).database
    assert {f"{database}_gw{n}" for n in range(4)} <= kept


def test_worker_database_names() -> None:
    assert worker_database_name("test", "gw0", "3f9a1c2e77d04b6a", reuse=False) == "test_3f9a1c_gw0"
    assert worker_database_name("test", "gw11", "3f9a1c2e77d04b6a", reuse=True) == "test_gw11"
    assert len(worker_database_name("x" * 80, "gw0", "3f9a1c2e", reuse=False)) == 63


def _count_members(url: str) -> int:
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM xd_members")).scalar_one())
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_forty_tests_against_a_seeded_database_move_past_its_rows(backend: str, tmp_path: Path) -> None:
    """500 members seeded by the CLI (member0 ... member499): every test's values are taken."""
    _write(tmp_path)
    with scratch_database(backend) as server_url:
        url = server_url or f"sqlite+aiosqlite:///{tmp_path / 'seeded.sqlite3'}"
        env = {k: v for k, v in os.environ.items() if k not in CLEARED_ENVIRONMENT}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), str(tmp_path), os.environ.get("PYTHONPATH")]))
        seeding = [sys.executable, "-m", "asyncfactories", "seed", "xdproject.factories:MemberFactory=500"]
        seeded = subprocess.run(
            [*seeding, "--create-tables", "--url", url], cwd=tmp_path, capture_output=True, text=True, env=env
        )
        assert seeded.returncode == 0, seeded.stderr
        result = _run(
            tmp_path,
            "--af-database-url",
            url,
            "-o",
            "asyncfactories_avoid_taken_values=true",
            workers=0,
            XD_EARLIER_ROWS="500",
        )
        remaining = _count_members(url)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.search(r"^40 passed in ", output, re.MULTILINE), output
    assert "IntegrityError" not in output
    assert remaining == 500
