"""``pytest -p count_inserts``: after the run, how many INSERT statements the tests sent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

INSERTS: list[str] = []


@pytest.fixture(scope="session", autouse=True)
def _count_inserts(af_engine: AsyncEngine) -> Iterator[None]:
    def before_cursor_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            INSERTS.append(statement)

    event.listen(af_engine.sync_engine, "before_cursor_execute", before_cursor_execute)
    yield
    event.remove(af_engine.sync_engine, "before_cursor_execute", before_cursor_execute)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.write_line(f"INSERT statements: {len(INSERTS)}")
