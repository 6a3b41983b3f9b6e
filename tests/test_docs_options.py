"""``docs/reference/options.md`` lists every option: each polyfactory alias, each ``Meta`` option."""

from __future__ import annotations

from pathlib import Path

import pytest

from asyncfactories.definition.options import CLASS_ALIASES, SESSION_ALIASES, ModelFactoryOptions

PAGE = Path(__file__).resolve().parent.parent / "docs" / "reference" / "options.md"
META_OPTIONS = [option.name for option in ModelFactoryOptions()._build_default_options()]


@pytest.fixture(scope="module")
def page() -> str:
    return PAGE.read_text(encoding="utf-8")


@pytest.mark.parametrize("alias", [*CLASS_ALIASES, *SESSION_ALIASES, "__model__"])
def test_every_polyfactory_alias_is_in_the_options_page(page: str, alias: str) -> None:
    assert f"`{alias}" in page, f"docs/reference/options.md does not mention {alias}"


@pytest.mark.parametrize("alias", list(CLASS_ALIASES))
def test_every_alias_is_shown_with_its_meta_option(page: str, alias: str) -> None:
    option, _convert = CLASS_ALIASES[alias]
    rows = [line for line in page.splitlines() if line.startswith("|") and f"`{alias}" in line]
    assert any(f"`{option}" in row for row in rows), f"no table row shows {alias} next to Meta.{option}"


@pytest.mark.parametrize("option", META_OPTIONS)
def test_every_meta_option_has_a_row(page: str, option: str) -> None:
    assert f"| `{option}` |" in page, f"docs/reference/options.md has no row for Meta.{option}"
