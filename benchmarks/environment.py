"""The machine and versions a run measured, as a few markdown lines."""

from __future__ import annotations

import hashlib
import os
import platform
import shlex
import sqlite3
import subprocess
from importlib import metadata
from pathlib import Path

from sqlalchemy import text

from . import databases as dbs

__all__ = ["code_state", "describe"]

_PACKAGES = ("asyncfactories", "SQLAlchemy", "factory_boy", "Faker", "polyfactory", "async-factory-boy", "asyncpg",
             "aiosqlite", "aiomysql", "psycopg", "PyMySQL", "greenlet")


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _server(database: str) -> str:
    if database == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    try:
        with dbs.admin_engine(database).connect() as connection:
            return str(connection.execute(text("select version()")).scalar()).split(" on ")[0]
    except Exception as exc:  # a report line, not a failure
        return f"unreachable ({type(exc).__name__})"


def code_state(root: Path, code: Path, ref: str | None = None) -> str:
    """The commit measured (``ref``, or ``root``'s HEAD plus whether its package had uncommitted
    changes) and a digest of the package files in ``code`` (the copy the run imports)."""
    def git(*arguments: str) -> str:
        done = subprocess.run(["git", *arguments], cwd=root, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    digest = hashlib.sha256()
    for path in sorted((code / "asyncfactories").rglob("*.py")):
        digest.update(path.read_bytes())
    dirty = " + uncommitted changes" if ref is None and git("status", "--porcelain", "--", "asyncfactories") else ""
    commit = git("rev-parse", "--short", ref or "HEAD") or "unknown"
    return f"commit {commit}{dirty} (asyncfactories/*.py sha256 {digest.hexdigest()[:12]})"


def describe(databases: list[str], argv: list[str], elapsed: float, code: str) -> str:
    versions = ", ".join(f"{name} {_version(name)}" for name in _PACKAGES)
    servers = "; ".join(f"{name}: {_server(name)}" for name in databases)
    return "\n".join([
        f"- Command: `{shlex.join(['python', *argv])}` ({elapsed / 60:.1f} min)",
        f"- Code: {code}",
        f"- Machine: {os.cpu_count()} cores, {_cpu()}, {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}; {versions}",
        f"- Servers: {servers}",
        "",
    ])
