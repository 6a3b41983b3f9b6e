"""``pytest --af-prof`` / ``--af-prof-json``: the profiler's numbers, checked exactly against an
inner suite whose creates are known (run by ``pytester`` in a subprocess, on its temporary SQLite
file), alone and under pytest-xdist. Times are only checked to be non-negative numbers.

Organization <- User <- Post (declared SubFactories) and a Badge whose user is an automatic
parent. The inner tests make, in all:

- ``PostFactory``: 1 + 10 + 2 creates by calls (3 + 30 + 2 rows), 1 build;
- ``UserFactory``: 1 create by a call (2 rows), 1 + 10 + 1 by cascades, 2 saved by a
  ``default()`` block, 1 built by a cascade;
- ``OrganizationFactory``: 1 + 10 + 1 + 1 creates by cascades, 1 built by a cascade and 2 by
  a call;
- ``BadgeFactory``: 1 create by a call (3 rows).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ("pytester",)

MODELS = """
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Organization(Base):
    __tablename__ = "prof_organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


class User(Base):
    __tablename__ = "prof_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    organization_id: Mapped[int] = mapped_column(ForeignKey("prof_organizations.id"))
    organization: Mapped[Organization] = relationship()


class Post(Base):
    __tablename__ = "prof_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(50))
    author_id: Mapped[int] = mapped_column(ForeignKey("prof_users.id"))
    author: Mapped[User] = relationship()


class Badge(Base):
    __tablename__ = "prof_badges"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    owner_id: Mapped[int] = mapped_column(ForeignKey("prof_users.id"))
    owner: Mapped[User] = relationship()
"""

FACTORIES = """
from asyncfactories import ModelFactory, Sequence, SubFactory
from profapp.models import Badge, Organization, Post, User


class OrganizationFactory(ModelFactory[Organization]):
    name = Sequence(lambda n: f"org {n}")


class UserFactory(ModelFactory[User]):
    name = Sequence(lambda n: f"user {n}")
    organization = SubFactory(OrganizationFactory)


class PostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"post {n}")
    author = SubFactory(UserFactory)


class BadgeFactory(ModelFactory[Badge]):
    label = "gold"  # its owner: an automatic parent, made by UserFactory
"""

CONFTEST = """
import pytest

from profapp.models import Base


@pytest.fixture(scope="session")
def af_metadata():
    return Base.metadata
"""

TESTS = """
from profapp.factories import BadgeFactory, OrganizationFactory, PostFactory, UserFactory


async def test_one_post(af_session):
    await PostFactory.create()


async def test_many_posts(af_session):
    await PostFactory.create_many(10)


async def test_posts_of_one_author(af_session):
    user = await UserFactory.create()
    with UserFactory.default(user):
        posts = await PostFactory.create_many(2)
    assert {post.author_id for post in posts} == {user.id}


def test_builds_only():
    PostFactory.build()
    OrganizationFactory.build_batch(2)


async def test_a_badge(af_session):
    await BadgeFactory.create()


def test_no_factories():
    pass
"""

#: The exact counts of the inner suite, per factory (all but the time).
EXPECTED = {
    "PostFactory": {"created": 13, "cascaded": 0, "reused": 0, "built": 1, "rows": 35, "calls": 4},
    "UserFactory": {"created": 1, "cascaded": 12, "reused": 2, "built": 1, "rows": 2, "calls": 1},
    "OrganizationFactory": {"created": 0, "cascaded": 13, "reused": 0, "built": 3, "rows": 0, "calls": 1},
    "BadgeFactory": {"created": 1, "cascaded": 0, "reused": 0, "built": 0, "rows": 3, "calls": 1},
}
EXPECTED_TESTS = {
    "test_profiled.py::test_one_post": 1,
    "test_profiled.py::test_many_posts": 1,
    "test_profiled.py::test_posts_of_one_author": 2,
    "test_profiled.py::test_builds_only": 2,
    "test_profiled.py::test_a_badge": 1,
}
#: The cascade tree of PostFactory, whose calls made the most objects through cascades (24).
EXPECTED_TREE = [
    {"path": ["PostFactory"], "created": 13, "built": 1, "reused": 0},
    {"path": ["PostFactory", "UserFactory"], "created": 11, "built": 1, "reused": 2},
    {"path": ["PostFactory", "UserFactory", "OrganizationFactory"], "created": 11, "built": 1, "reused": 0},
]


def _write_project(pytester: pytest.Pytester) -> None:
    package = pytester.path / "profapp"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text(MODELS)
    (package / "factories.py").write_text(FACTORIES)
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_profiled=TESTS)
    pytester.makepyprojecttoml(
        '[tool.pytest.ini_options]\nasyncio_mode = "auto"\nasyncio_default_fixture_loop_scope = "function"\n'
        'pythonpath = ["."]\nfilterwarnings = ["error"]\n'
    )


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    _write_project(pytester)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly", *args)
    assert result.ret == 0, result.stdout.str() + result.stderr.str()
    result.assert_outcomes(passed=6)
    return result


def _counts(report: dict[str, Any]) -> dict[str, dict[str, int]]:
    return {
        row["factory"]: {k: v for k, v in row.items() if k not in ("factory", "seconds")} for row in report["factories"]
    }


def _check_report(report: dict[str, Any]) -> None:
    assert _counts(report) == EXPECTED
    assert {test["test"]: test["calls"] for test in report["tests"]} == EXPECTED_TESTS
    seconds = [row["seconds"] for row in (*report["factories"], *report["tests"])]
    assert all(isinstance(value, float) and value >= 0 for value in seconds)
    assert [row["seconds"] for row in report["factories"]] == sorted(
        (row["seconds"] for row in report["factories"]), reverse=True
    )
    heaviest = report["heaviest"]
    assert (heaviest["factory"], heaviest["calls"], heaviest["cascaded"]) == ("PostFactory", 4, 24)
    assert heaviest["tree"] == EXPECTED_TREE


def test_the_json_report_counts_every_create_exactly(pytester: pytest.Pytester) -> None:
    _run(pytester, "--af-prof", "--af-prof-json", "profile.json")
    _check_report(json.loads((pytester.path / "profile.json").read_text(encoding="utf-8")))


def test_the_text_report_has_the_table_the_tests_and_the_tree(pytester: pytest.Pytester) -> None:
    result = _run(pytester, "--af-prof")
    result.stdout.fnmatch_lines(
        [
            "*- asyncfactories profile (--af-prof) -*",
            "factory * created * cascaded * reused * built * rows * time",
            "PostFactory * 13 * 0 * 0 * 1 * 35 * ms",
            "created: by the code's own calls; cascaded: by SubFactory, *",
            "reused: creates that default() and recycle() saved; *",
            "",
            "The 5 tests that spent most time in factories:",
        ]
    )
    result.stdout.fnmatch_lines(["UserFactory * 1 * 12 * 2 * 1 * 2 * ms"])
    result.stdout.fnmatch_lines(["OrganizationFactory * 0 * 13 * 0 * 3 * 0 * ms"])
    result.stdout.fnmatch_lines(["BadgeFactory * 1 * 0 * 0 * 0 * 3 * ms"])
    for nodeid, calls in EXPECTED_TESTS.items():
        result.stdout.fnmatch_lines([f"* ms  {nodeid} ({calls} call{'s' if calls > 1 else ''})"])
    result.stdout.fnmatch_lines(
        [
            "Heaviest cascade: PostFactory, 24 objects made by cascades of 4 calls (* ms)",
            "  PostFactory * 13 created, 1 built",
            "  PostFactory → UserFactory * 11 created, 1 built, 2 reused",
            "  PostFactory → UserFactory → OrganizationFactory * 11 created, 1 built",
        ]
    )
    assert "test_no_factories" not in result.stdout.str().split("asyncfactories profile")[1]
    assert not (pytester.path / "profile.json").exists()


def test_json_alone_profiles_without_printing(pytester: pytest.Pytester) -> None:
    result = _run(pytester, "--af-prof-json", "profile.json")
    assert "asyncfactories profile" not in result.stdout.str()
    _check_report(json.loads((pytester.path / "profile.json").read_text(encoding="utf-8")))


def test_without_the_flags_nothing_is_profiled(pytester: pytest.Pytester) -> None:
    result = _run(pytester)
    assert "asyncfactories profile" not in result.stdout.str()
    assert "Heaviest cascade" not in result.stdout.str()


def test_under_xdist_the_controller_reports_every_worker(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    result = _run(pytester, "-n", "2", "--af-prof", "--af-prof-json", "profile.json")
    _check_report(json.loads((pytester.path / "profile.json").read_text(encoding="utf-8")))
    result.stdout.fnmatch_lines(["PostFactory * 13 * 0 * 0 * 1 * 35 * ms"])
    assert result.stdout.str().count("asyncfactories profile (--af-prof)") == 1


# ----------------------------------------------------------------- the guide's sample output

DOCS_PROJECT = Path(__file__).resolve().parent.parent / "docs" / "examples" / "pytest_project"
DOCS_SAMPLE = DOCS_PROJECT.parent / "pytest_project_profile.txt"


def _shown(text: str) -> list[str]:
    """The report's lines, times blanked, in an order that does not depend on them."""
    section = text.split("asyncfactories profile (--af-prof)", 1)[1].split("\n", 1)[1]
    # Blanked times leave the padding of their width: compare words, not columns.
    lines = [" ".join(re.sub(r"\d+\.\d ms", "_ ms", line).split()) for line in section.splitlines()]
    lines = [line for line in lines if line and not re.match(r"^=*\s*\d+ passed", line.strip("= "))]
    return sorted(lines)


def test_the_guides_sample_is_what_the_docs_project_prints(pytester: pytest.Pytester) -> None:
    shutil.copytree(DOCS_PROJECT, pytester.path, dirs_exist_ok=True)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly", "--af-prof")
    assert result.ret == 0, result.stdout.str() + result.stderr.str()
    assert _shown(result.stdout.str()) == _shown(DOCS_SAMPLE.read_text(encoding="utf-8"))
