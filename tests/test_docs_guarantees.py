"""The Guarantees page names tests that exist: every ``tests/…::test_name`` it cites is defined."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "guarantees.md"
CITATION = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+))?`")


def _citations() -> list[tuple[str, str | None]]:
    return sorted({(m[1], m[2]) for m in CITATION.finditer(PAGE.read_text(encoding="utf-8"))},
                  key=lambda c: (c[0], c[1] or ""))


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")
    }


def test_the_page_cites_tests() -> None:
    assert len(_citations()) >= 30


def test_every_table_row_cites_a_test() -> None:
    rows = [line for line in PAGE.read_text(encoding="utf-8").splitlines()
            if line.startswith("| ") and not line.startswith(("| promise", "|---"))]
    assert rows
    assert [row for row in rows if not CITATION.search(row)] == []


@pytest.mark.parametrize(("path", "name"), _citations(), ids=lambda v: v or "file")
def test_the_cited_test_exists(path: str, name: str | None) -> None:
    file = ROOT / path
    assert file.is_file(), f"{path} does not exist"
    if name is not None:
        assert name in _test_names(file), f"{path} defines no test function {name}"
