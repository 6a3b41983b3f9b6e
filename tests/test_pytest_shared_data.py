"""``shared_data``: data created once per module or class, each test in a SAVEPOINT of its own.

Inner suites run through pytester on SQLite, PostgreSQL and MariaDB, under pytest-asyncio (module
and session loops) and anyio. Each inner test checks what it sees; the outer test checks the
outcomes, how many times the data was made, and that every table is empty afterwards.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from asyncfactories import ConfigurationError
from asyncfactories.pytest_plugin import shared_data

from .test_docs_recipes import CLEARED_ENVIRONMENT, EXAMPLES, ROOT, _copy
from .test_pytest_plugin import (  # noqa: F401  # the autouse fixture too
    _clean_environment,
    _database_params,
    _drop_tables,
    _prefix,
    _row_counts,
    _write_project,
)

pytest_plugins = ("pytester",)

SHARED_TESTS = """
import json
import pathlib

import pytest
from sqlalchemy import event, func, select

from asyncfactories.pytest_plugin import shared_data
from myapp.factories import BlogPostFactory, UserFactory
from myapp.models import BlogPost, User

{header}
MADE = []


@shared_data(scope="{scope}")
async def blog():
    MADE.append(1)
    authors = await UserFactory.create_many(3)
    posts = await BlogPostFactory.create_many(6, author=authors[0])
    return {{"authors": authors, "posts": posts}}


async def count(session, model):
    return (await session.execute(select(func.count()).select_from(model))).scalar_one()
"""

TESTS = """
async def test_sees_the_shared_rows_and_may_commit(blog, af_session):
    assert (await count(af_session, User), await count(af_session, BlogPost)) == (3, 6)
    assert blog["posts"][0] in af_session and blog["posts"][0].author is blog["authors"][0]
    await BlogPostFactory.create(author=blog["authors"][1])
    await af_session.commit()
    assert (await count(af_session, User), await count(af_session, BlogPost)) == (3, 7)


async def test_deletes_and_changes_its_own_copy(blog, af_session):
    assert (await count(af_session, User), await count(af_session, BlogPost)) == (3, 6)
    user = await UserFactory.create()
    assert user.email == "user3@test.example"  # sequences continue after the shared data
    blog["authors"][2].name = "changed"
    await af_session.delete(blog["posts"][0])
    await af_session.commit()
    assert await count(af_session, BlogPost) == 5


async def test_sees_neither_the_commit_nor_the_delete(blog, af_session):
    assert (await count(af_session, User), await count(af_session, BlogPost)) == (3, 6)
    assert blog["authors"][2].name != "changed"
    assert (await af_session.get(User, blog["authors"][2].id)).name != "changed"


async def test_the_data_was_made_once(blog):
    assert len(MADE) == MADE_BEFORE
"""

WITHOUT_THE_DATA = """

async def test_without_the_shared_data(af_session):
    # While shared data is alive, every test of its loop runs inside the data's transaction.
    assert await count(af_session, User) == (3 if {alive} else 0)
    user = await UserFactory.create()
    assert user.email == ("user3@test.example" if {alive} else "user0@test.example")
    await af_session.commit()
"""

MODULE_HEADER = 'pytestmark = pytest.mark.asyncio(loop_scope="module")'
SESSION_HEADER = 'pytestmark = pytest.mark.asyncio(loop_scope="session")'
ANYIO_HEADER = """pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def anyio_backend():
    return "asyncio"
"""

RUNNERS = {
    "asyncio-module-loop": (MODULE_HEADER, "module", False),
    "asyncio-session-loop": (SESSION_HEADER, "module", False),
    "asyncio-module-loop-class-scope": (MODULE_HEADER, "class", True),
    "anyio": (ANYIO_HEADER, "module", False),
}


def _suite(runner: str) -> str:
    header, scope, in_classes = RUNNERS[runner]
    head = SHARED_TESTS.format(header=header, scope=scope)
    if not in_classes:
        return head + "\nMADE_BEFORE = 1\n" + TESTS + WITHOUT_THE_DATA.format(alive=True)
    # Class scope: the four tests in each of two classes, each class with data of its own.
    methods = textwrap.indent(
        TESTS.replace("(blog", "(self, blog")
        .replace("(self, blog[", "(blog[")
        .replace("MADE_BEFORE", "self.MADE_BEFORE"),
        "    ",
    )
    return (
        head
        + "".join(f"\n\nclass Test{name}:\n    MADE_BEFORE = {made}\n{methods}" for name, made in (("A", 1), ("B", 2)))
        + WITHOUT_THE_DATA.format(alive=False)
    )


@pytest.mark.parametrize("runner", list(RUNNERS))
@pytest.mark.parametrize("url", list(_database_params()))
def test_shared_data_is_seen_by_each_test_and_changed_by_none(
    pytester: pytest.Pytester, url: str | None, runner: str
) -> None:
    url = url or f"sqlite+aiosqlite:///{pytester.path / 'shared.sqlite3'}"
    prefix = _prefix()
    _write_project(pytester, prefix, ini={"asyncfactories_database_url": url})
    pytester.makepyfile(test_shared=_suite(runner))
    try:
        result = pytester.runpytest_subprocess(
            "-o", "asyncio_mode=strict", "-p", "no:cacheprovider", "-p", "no:randomly"
        )
        result.assert_outcomes(passed=9 if RUNNERS[runner][2] else 5)
        assert _row_counts(url, prefix) == {"users": 0, "posts": 0, "tags": 0}
    finally:
        _drop_tables(url, prefix)


FUNCTION_LOOP_TESTS = """
import pytest

from asyncfactories.pytest_plugin import shared_data
from myapp.factories import UserFactory


@shared_data
async def users():
    return await UserFactory.create_many(2)


@pytest.mark.asyncio
async def test_in_a_function_loop(users):
    pass
"""


def test_a_test_in_a_narrower_loop_fails_with_the_fix(pytester: pytest.Pytester) -> None:
    _write_project(pytester, _prefix())
    pytester.makepyfile(test_loop=FUNCTION_LOOP_TESTS)
    result = pytester.runpytest_subprocess("-o", "asyncio_mode=strict", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*users is shared by every test of its module, so they must run in one event loop, but "
            "test_loop.py::test_in_a_function_loop runs in a function-scoped loop: add pytestmark = "
            'pytest.mark.asyncio(loop_scope="module") to the test module*'
        ]
    )
    assert "Traceback" not in result.stdout.str()


ANYIO_SESSION_TESTS = """
import pytest

from asyncfactories.pytest_plugin import shared_data
from myapp.factories import UserFactory

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def anyio_backend():
    return "asyncio"


@shared_data(scope="session")
async def users():
    return await UserFactory.create_many(2)


async def test_under_anyio(users):
    pass
"""


def test_session_scope_under_anyio_fails_with_the_fix(pytester: pytest.Pytester) -> None:
    _write_project(pytester, _prefix())
    pytester.makepyfile(test_anyio=ANYIO_SESSION_TESTS)
    result = pytester.runpytest_subprocess("-o", "asyncio_mode=strict", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*users is shared by the whole session, but anyio keeps one event loop per module*"])


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: shared_data(scope="function"), "shared_data(scope='function'): the scope must be one of"),
        (lambda: shared_data(scope="module")(lambda: None), "must be an async function (async def ...)"),
    ],
    ids=["function-scope", "sync-function"],
)
def test_bad_declarations_raise_configuration_error(make: object, words: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        make()  # type: ignore[operator]  # the lambdas above
    assert words in str(raised.value)


VALUES_TESTS = """
import dataclasses
import types
from typing import NamedTuple

import pytest

from asyncfactories.pytest_plugin import shared_data
from myapp.factories import UserFactory

pytestmark = pytest.mark.asyncio(loop_scope="module")


class Pair(NamedTuple):
    first: object
    second: object


@dataclasses.dataclass
class Holder:
    user: object
    label: str


@shared_data(name="everything")
async def made():
    one, two = await UserFactory.create_many(2)
    return {{"list": [one], "tuple": (two,), "pair": Pair(one, two), "ns": types.SimpleNamespace(user=one),
            "holder": Holder(one, "x"), "set": {{two}}, "plain": 3}}


async def test_every_container_holds_the_test_copies(everything, af_session):
    one = everything["list"][0]
    assert one in af_session
    assert everything["pair"].first is one and everything["ns"].user is one and everything["holder"].user is one
    assert everything["tuple"][0] is everything["pair"].second and next(iter(everything["set"])) in af_session
    assert (everything["holder"].label, everything["plain"]) == ("x", 3)
    emails = sorted(user.email for user in everything["pair"])
    __import__("pathlib").Path({path!r}).write_text(__import__("json").dumps(emails))
"""


def test_the_value_is_copied_through_containers(pytester: pytest.Pytester) -> None:
    _write_project(pytester, _prefix())
    out = pytester.path / "emails.json"
    pytester.makepyfile(test_values=VALUES_TESTS.format(path=str(out)))
    result = pytester.runpytest_subprocess("-o", "asyncio_mode=strict", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert json.loads(out.read_text()) == ["user0@test.example", "user1@test.example"]


# ----------------------------------------------------------------- the pytest guide's demonstration


DEMONSTRATION = [
    ("test_blog_per_test.py", 50, 117, "per_test_profile.txt"),
    ("test_blog_shared.py", 50, 19, "shared_profile.txt"),
    ("test_default_author.py", 2, 4, "default_profile.txt"),
]


def _profile_counts(text: str) -> list[str]:
    """The factory table and the cascade tree of an ``--af-prof`` report (or of the guide's
    sample), times blanked; the tests' list is left out, as its order follows their times."""
    marker = "asyncfactories profile (--af-prof)"
    after = text.split(marker, 1)[1].split("\n", 1)[1] if marker in text else text
    table = after.split("\ncreated: by", 1)[0].strip("\n").splitlines()
    tree = after.split("\nHeaviest cascade: ", 1)[1].split("\n\n", 1)[0].splitlines() if "Heaviest" in after else []
    tree = [line for line in tree if not re.match(r"^(INSERT statements|\d+ passed)", line)]
    return [" ".join(re.sub(r"\d+\.\d ms", "_ ms", line).split()) for line in table + tree]


@pytest.mark.parametrize(("module", "tests", "inserts", "profile"), DEMONSTRATION)
def test_the_demonstration_suite_sends_the_inserts_the_guide_shows(
    tmp_path: Path, module: str, tests: int, inserts: int, profile: str
) -> None:
    """50 tests over 200 rows: 2 INSERTs per test (users, posts) with per-test data, 2 in all with
    shared data; plus one per test that creates a post (every third: 17). A ``default()`` block
    saves the authors of five posts. ``--af-prof`` counts what the guide shows."""
    _copy(EXAMPLES / "pytest_project", tmp_path)
    _copy(EXAMPLES / "shared_data_project", tmp_path)
    env = {key: value for key, value in os.environ.items() if key not in CLEARED_ENVIRONMENT}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    options = ["-q", "-p", "no:cacheprovider", "-p", "count_inserts", "--af-prof"]
    command = [sys.executable, "-m", "pytest", *options, f"tests/{module}"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"INSERT statements: {inserts}\n" in result.stdout
    assert re.search(rf"^{tests} passed in ", result.stdout, re.MULTILINE), result.stdout
    shown = (EXAMPLES / "shared_data_project" / profile).read_text(encoding="utf-8")
    assert _profile_counts(result.stdout) == _profile_counts(shown)
