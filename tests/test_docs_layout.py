"""The layout page (docs/layout.md) names every module of the package, and every layer of the
import contract in pyproject.toml, so it cannot fall behind a move."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "layout.md").read_text(encoding="utf-8")
PACKAGE = ROOT / "asyncfactories"


def _modules() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name != "__init__.py":
            found.append(path.relative_to(PACKAGE).as_posix())
    return found


@pytest.mark.parametrize("module", _modules())
def test_the_layout_page_names_every_module(module: str) -> None:
    assert f"`{module}`" in PAGE or f"`{module.removesuffix('.py')}`" in PAGE


def test_the_layout_page_names_every_layer_of_the_contract() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [layers] = [c["layers"] for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    names = [name.strip() for layer in layers for name in layer.replace(":", "|").split("|")]
    missing = [
        name for name in names if f"`{name}`" not in PAGE and f"`{name}/`" not in PAGE and f"`{name}.py`" not in PAGE
    ]
    assert missing == []
