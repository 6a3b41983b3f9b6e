"""The documentation's code: every example runs, every example is shown, and the site builds.

Each ``*.py`` file in ``docs/examples/`` is a complete program (its own models, an in-memory or
temporary SQLite database, ``async def main()`` with the asserts a reader should expect). Each
folder there is a pytest project, run by ``tests/test_docs_recipes.py``. The pages include them
with ``pymdownx.snippets`` (``--8<-- "docs/examples/x.py:section"``), so the docs show exactly
the code the tests run.
"""

from __future__ import annotations

import ast
import asyncio
import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import asyncfactories

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLES = DOCS / "examples"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.py"))
#: Every file a page must show: the programs above, and the files of the pytest projects in the
#: folders of docs/examples/ (run by tests/test_docs_recipes.py). Empty files (``__init__.py``)
#: are only named on the pages.
SHOWN_FILES = sorted(
    path
    for path in EXAMPLES.rglob("*")
    if path.is_file()
    and "__pycache__" not in path.parts
    and ".pytest_cache" not in path.parts
    and path.read_text(encoding="utf-8").strip()
)
PAGES = sorted(DOCS.rglob("*.md"))

#: ``--8<-- "path"`` or ``--8<-- "path:section"`` in a page.
SNIPPET = re.compile(r'^\s*--8<--\s+"(?P<path>[^":]+)(?::(?P<section>[^"]+))?"\s*$', re.MULTILINE)


def _snippets() -> Iterator[tuple[Path, str, str | None]]:
    """``(page, included path, section or None)`` for every snippet include of every page."""
    for page in PAGES:
        for match in SNIPPET.finditer(page.read_text(encoding="utf-8")):
            yield page, match["path"], match["section"]


def _import_example(path: Path) -> ModuleType:
    """Import an example file as a module of its own (registered first, as SQLAlchemy needs it
    to resolve the string annotations of the models)."""
    name = f"docs_example_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def test_there_are_examples() -> None:
    assert len(EXAMPLE_FILES) >= 10, f"no examples found in {EXAMPLES}"


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda path: path.name)
def test_example_is_a_runnable_program(example: Path) -> None:
    """``async def main()`` at module level, run by ``asyncio.run(main())`` under ``__main__``."""
    tree = ast.parse(example.read_text(encoding="utf-8"), filename=str(example))
    mains = [node for node in tree.body if isinstance(node, ast.AsyncFunctionDef) and node.name == "main"]
    assert mains, f"{example.name} has no module-level 'async def main()'"
    guard = [
        node
        for node in tree.body
        if isinstance(node, ast.If)
        and "__main__" in ast.unparse(node.test)
        and "asyncio.run(main())" in ast.unparse(node)
    ]
    assert guard, f"{example.name} lacks: if __name__ == '__main__': asyncio.run(main())"


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda path: path.name)
async def test_example_runs(example: Path) -> None:
    module = _import_example(example)
    try:
        result = module.main()
        assert asyncio.iscoroutine(result), f"{example.name}: main() must be 'async def'"
        await result
    finally:
        sys.modules.pop(module.__name__, None)


def test_example_runs_as_a_script() -> None:
    """The way a reader runs one: ``python docs/examples/quickstart.py``, warnings as errors."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(
        [sys.executable, "-W", "error", "-B", str(EXAMPLES / "quickstart.py")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr  # "Exception ignored in ..." does not change the exit status


@pytest.mark.parametrize("example", SHOWN_FILES, ids=lambda path: path.relative_to(EXAMPLES).as_posix())
def test_example_is_shown_in_the_docs(example: Path) -> None:
    wanted = example.relative_to(ROOT).as_posix()
    pages = [page.relative_to(DOCS).as_posix() for page, path, _section in _snippets() if path == wanted]
    assert pages, f'{wanted} is included by no page; add --8<-- "{wanted}" (or a section of it) to one'


def test_every_snippet_include_exists() -> None:
    """Each included file exists, and each included section has its start and end markers."""
    problems = []
    for page, path, section in _snippets():
        where = page.relative_to(DOCS).as_posix()
        target = ROOT / path
        if not target.is_file():
            problems.append(f"{where}: {path} does not exist")
            continue
        if section is not None:
            text = target.read_text(encoding="utf-8")
            for marker in (f"--8<-- [start:{section}]", f"--8<-- [end:{section}]"):
                if marker not in text:
                    problems.append(f"{where}: {path} has no '{marker}'")
    assert not problems, "\n".join(problems)


def test_reference_page_covers_every_public_name() -> None:
    """A name added to ``asyncfactories.__all__`` gets a place on the API reference page."""
    reference = (DOCS / "reference.md").read_text(encoding="utf-8")
    missing = [
        name
        for name in asyncfactories.__all__
        if f"::: asyncfactories.{name}\n" not in reference
        and f"- {name}\n" not in reference
        and f"`{name}`" not in reference
    ]
    assert not missing, f"docs/reference.md does not mention: {', '.join(missing)}"


def _docs_toolchain_missing() -> str | None:
    for module in ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python", "pymdownx"):
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            return module
    return None


@pytest.mark.skipif(
    _docs_toolchain_missing() is not None,
    reason=f"the docs toolchain is not installed ({_docs_toolchain_missing()} missing): pip install -e '.[docs]'",
)
def test_docs_build_strict(tmp_path: Path) -> None:
    """``mkdocs build --strict``: a broken snippet, link, anchor or docstring fails the build."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(ROOT / "mkdocs.yml"),
            "-d",
            str(tmp_path / "site"),
        ],
        cwd=ROOT,  # snippet paths are relative to the repository root
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert not warnings, "\n".join(warnings)
