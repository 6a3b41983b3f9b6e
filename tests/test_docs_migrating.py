"""The migration pages' "one-line change" tables name options that exist, spelled as they are."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from asyncfactories.definition.options import CLASS_ALIASES, SESSION_ALIASES, UNSUPPORTED_ALIASES, ModelFactoryOptions

DOCS = Path(__file__).resolve().parent.parent / "docs" / "migrating"
META_OPTIONS = {option.name for option in ModelFactoryOptions()._build_default_options()}
#: Dunder names the pages may mention: the aliases, the rejected options, and those read natively.
KNOWN_DUNDERS = {*CLASS_ALIASES, *SESSION_ALIASES, *UNSUPPORTED_ALIASES, "__model__", "__random__", "__faker__"}
TABLES = {"factory-boy.md": "## What changes", "polyfactory.md": "## Every difference that remains"}


def _table_rows(page: str, heading: str) -> list[str]:
    section = page.split(heading, 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| |")]


@pytest.mark.parametrize("page_name", sorted(TABLES))
def test_every_row_gives_a_change(page_name: str) -> None:
    rows = _table_rows((DOCS / page_name).read_text(encoding="utf-8"), TABLES[page_name])
    assert len(rows) >= 8, f"{page_name}: the differences table lost its rows"
    for row in rows:
        change = row.rstrip(" |").rsplit(" | ", 1)[1]
        assert "`" in change or change.startswith("nothing to change"), f"{page_name}: no change in {row!r}"


@pytest.mark.parametrize("page_name", ["factory-boy.md", "polyfactory.md"])
def test_options_named_in_the_pages_exist(page_name: str) -> None:
    page = (DOCS / page_name).read_text(encoding="utf-8")
    dunders = set(re.findall(r"`(__[a-z_]+__)", page))
    assert dunders <= KNOWN_DUNDERS, f"{page_name} names unknown options: {sorted(dunders - KNOWN_DUNDERS)}"
    in_meta = set(re.findall(r"`([a-z_]+) = [^`]+` in `Meta`", page))
    assert in_meta, f"{page_name}: no `option = value` in `Meta` found; did the wording change?"
    assert in_meta <= META_OPTIONS, f"{page_name} names unknown Meta options: {sorted(in_meta - META_OPTIONS)}"
