"""The pytest plugin (SPEC §8) inside real pytest runs, driven by ``pytester``.

Each run gets a small project in pytester's folder: ``myapp/models.py`` and ``myapp/factories.py``,
the ``pyproject.toml`` of the docs (``docs/examples/pytest_project/pyproject.toml``), a conftest with a
FastAPI app, and test files. Runs that execute async tests use a subprocess (each with its own
event loops, as a user's run has); runs that only configure or collect run in-process. Tables
are named ``afplug_<token>_*`` so they never meet the main suite's tables on a shared server.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from asyncfactories.integrations.pytest_support import DATABASE_URL_ENV, seed_for_test, sync_url

pytest_plugins = ("pytester",)

ROOT = Path(__file__).resolve().parent.parent
DOCS_PYPROJECT = ROOT / "docs" / "examples" / "pytest_project" / "pyproject.toml"
POSTGRES_ENV = "ASYNCFACTORIES_TEST_POSTGRES_URL"
MYSQL_ENV = "ASYNCFACTORIES_TEST_MYSQL_URL"

MODELS = """
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

PREFIX = "{prefix}"


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = f"{{PREFIX}}_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(120), unique=True)
    lucky: Mapped[int] = mapped_column(default=0)

    posts: Mapped[list[BlogPost]] = relationship(back_populates="author")


class BlogPost(Base):
    __tablename__ = f"{{PREFIX}}_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey(f"{{PREFIX}}_users.id"))

    author: Mapped[User] = relationship(back_populates="posts")


class Tag(Base):
    __tablename__ = f"{{PREFIX}}_tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
"""

FACTORIES = """
from __future__ import annotations

import asyncio

from asyncfactories import Faker, LazyFunction, ModelFactory, Sequence, SubFactory, post_generation

from .models import BlogPost, User

#: The event loop each user was created in (None for the sync calls).
LOOPS: list[object] = []


def _running_loop() -> object:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class UserFactory(ModelFactory[User]):
    name = Faker("name")
    email = Sequence(lambda n: f"user{n}@test.example")
    lucky = LazyFunction(lambda: UserFactory.__random__.randint(1, 10**9))

    @post_generation
    def record_loop(obj, create, extracted, **kwargs):
        LOOPS.append(_running_loop())


class BlogPostFactory(ModelFactory[BlogPost]):
    title = Faker("sentence")
    author = SubFactory(UserFactory)
"""

CONFTEST = """
from __future__ import annotations

import httpx
import pytest
import pytest_asyncio
from fastapi import Depends, FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories import ModelFactory, Sequence
from asyncfactories.pytest_plugin import register_fixture
from myapp.factories import BlogPostFactory, UserFactory
from myapp.models import Tag, User

register_fixture(UserFactory)                    # user, user_factory
register_fixture(BlogPostFactory, name="post")   # post, post_factory


@register_fixture                                # tag, tag_factory
class TagFactory(ModelFactory[Tag]):
    name = Sequence(lambda n: f"tag{{n}}")


app = FastAPI()


async def get_session():
    raise RuntimeError("the tests override get_session")
    yield


@app.get("/users")
async def list_users(session: AsyncSession = Depends(get_session)):
    users = (await session.scalars(select(User).order_by(User.id))).all()
    return [{{"id": user.id, "email": user.email}} for user in users]


@app.post("/users")
async def add_user(payload: dict[str, str], session: AsyncSession = Depends(get_session)):
    user = User(name=payload["name"], email=payload["email"], lucky=7)
    session.add(user)
    await session.commit()                       # the code under test commits
    return {{"id": user.id}}


{fixture}
async def client(af_session):
    async def the_test_session():
        return af_session

    app.dependency_overrides[get_session] = the_test_session
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        yield client
    app.dependency_overrides.clear()


{module_fixture}
async def module_resource():
    yield "kept for the module"
{extra}
"""

BEHAVIOUR_TESTS = """
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select

from myapp import factories
from myapp.factories import BlogPostFactory, UserFactory
from myapp.models import User

COUNT = select(func.count()).select_from(User)


{mark}
async def test_factories_are_bound_to_af_session(af_session):
    assert await af_session.scalar(COUNT) == 0
    user = await UserFactory.create()
    post = await BlogPostFactory.create()
    assert user in af_session and post.author in af_session
    assert await af_session.scalar(COUNT) == 2


{mark}
async def test_a_commit_in_the_code_under_test(af_session):
    users = await UserFactory.create_many(3)
    await af_session.commit()
    assert [user.email for user in users] == [f"user{{n}}@test.example" for n in range(3)]
    assert await af_session.scalar(COUNT) == 3


{mark}
async def test_is_rolled_back_after_the_test(af_session, af_engine):
    assert await af_session.scalar(COUNT) == 0
    async with af_engine.connect() as connection:
        assert await connection.scalar(COUNT) == 0


{mark}
async def test_registered_fixtures(user, user_factory, post, post_factory, tag, tag_factory, af_session,
                                   module_resource):
    assert user_factory is UserFactory and post_factory is BlogPostFactory
    assert tag_factory.__name__ == "TagFactory" and tag.name == "tag0"
    assert user.id is not None and user.email == "user0@test.example"
    assert post.author.email == "user1@test.example"
    assert await af_session.scalar(COUNT) == 2


{mark}
async def test_the_user_fixture_runs_in_the_test_event_loop(user):
    assert factories.LOOPS[-1] is asyncio.get_running_loop()


{mark}
async def test_sequences_restart_in_every_test(af_session):
    assert (await UserFactory.create()).email == "user0@test.example"
    assert UserFactory._next_seq() == 1


{mark}
async def test_sequences_restart_in_every_test_again(af_session):
    assert (await UserFactory.create()).email == "user0@test.example"
    assert UserFactory._next_seq() == 1


{mark}
async def test_an_endpoint_reads_rows_the_factories_created(client, af_session):
    users = await UserFactory.create_many(2)
    response = await client.get("/users")
    assert response.json() == [{{"id": user.id, "email": user.email}} for user in users]
    created = await client.post("/users", json={{"name": "Ann", "email": "ann@test.example"}})
    assert created.status_code == 200
    assert await af_session.scalar(COUNT) == 3


{mark}
async def test_rows_the_endpoint_committed_are_gone(client):
    assert (await client.get("/users")).json() == []


def test_the_sync_session_is_bound_and_rolled_back(af_sync_session):
    assert af_sync_session.scalar(COUNT) == 0
    user = UserFactory.create_sync()
    af_sync_session.commit()
    assert user.email == "user0@test.example"
    assert af_sync_session.scalar(COUNT) == 1


def test_rows_the_sync_test_committed_are_gone(af_sync_session):
    assert af_sync_session.scalar(COUNT) == 0


{mark}
async def test_an_async_test_can_use_the_sync_session(af_sync_session, module_resource):
    UserFactory.create_sync()
    assert af_sync_session.scalar(COUNT) == 1


{mark}
async def test_with_both_sessions_af_session_is_the_bound_one(af_session, af_sync_session):
    assert (await UserFactory.create()) in af_session


def test_the_default_database_is_a_temporary_sqlite_file(af_engine, tmp_path_factory):
    assert af_engine.url.drivername == "sqlite+aiosqlite"
    assert Path(af_engine.url.database).is_relative_to(tmp_path_factory.getbasetemp())
"""

LEAK_TESTS = """
import pytest
from sqlalchemy import func, select

from myapp.factories import BlogPostFactory, UserFactory
from myapp.models import BlogPost, User


async def counts(session):
    return [await session.scalar(select(func.count()).select_from(model)) for model in (User, BlogPost)]


@pytest.mark.parametrize("n", range(20))
async def test_function_loop(af_session, user, n):
    assert await counts(af_session) == [1, 0]
    await BlogPostFactory.create_many(2)
    if n % 2:
        await af_session.commit()
    assert await counts(af_session) == [3, 2]


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("n", range(10))
async def test_module_loop(af_session, post, n):
    assert await counts(af_session) == [1, 1]
    await UserFactory.create_many(3)
    await af_session.commit()
    assert await counts(af_session) == [4, 1]


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("n", range(10))
async def test_session_loop(af_session, user, n):
    assert await counts(af_session) == [1, 0]
    await BlogPostFactory.create(author=user)
    await af_session.commit()
    assert await counts(af_session) == [1, 1]


@pytest.mark.parametrize("n", range(10))
def test_sync(af_sync_session, n):
    count = lambda model: af_sync_session.scalar(select(func.count()).select_from(model))
    assert (count(User), count(BlogPost)) == (0, 0)
    UserFactory.create_batch_sync(2)
    af_sync_session.commit()
    assert count(User) == 2
"""

SEED_TESTS = """
import json
from pathlib import Path

from myapp.factories import UserFactory

OUT = Path(__file__).parent / "data"


async def record(name):
    users = await UserFactory.create_many(2)
    OUT.mkdir(exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps([[u.name, u.email, u.lucky] for u in users]))


async def test_first(af_session):
    await record("first")


async def test_second(af_session):
    await record("second")


async def test_third(af_session):
    await record("third")
    assert False, "fails on purpose"
"""


@dataclass(frozen=True)
class Mode:
    """How a run drives its async tests: ini overrides, the test mark, async fixture decorators."""

    ini: dict[str, str]
    mark: str
    fixture: str = "@pytest_asyncio.fixture"
    module_fixture: str = '@pytest_asyncio.fixture(scope="module", loop_scope="module")'
    extra: str = ""
    args: tuple[str, ...] = field(default=())


ANYIO_BACKEND = """

@pytest.fixture(scope="module")
def anyio_backend():
    return "asyncio"
"""

MODES = {
    "asyncio-strict-function-loop": Mode(
        ini={"asyncio_mode": "strict", "asyncio_default_fixture_loop_scope": "function"},
        mark="@pytest.mark.asyncio",
    ),
    "asyncio-strict-session-loop": Mode(
        ini={
            "asyncio_mode": "strict",
            "asyncio_default_fixture_loop_scope": "session",
            "asyncio_default_test_loop_scope": "session",
        },
        mark="@pytest.mark.asyncio",
    ),
    "asyncio-auto-function-loop": Mode(ini={"asyncio_mode": "auto"}, mark="", fixture="@pytest.fixture"),
    # Fixtures default to function loops, the tests run in a module loop: af_session follows the test.
    "asyncio-auto-module-loop-tests": Mode(
        ini={"asyncio_mode": "auto", "asyncio_default_fixture_loop_scope": "function"},
        mark='@pytest.mark.asyncio(loop_scope="module")',
        fixture='@pytest_asyncio.fixture(loop_scope="module")',
    ),
    # pytest-asyncio installed but in its default strict mode, as anyio's docs ask.
    "anyio": Mode(
        ini={"asyncio_mode": "strict"},
        mark="@pytest.mark.anyio",
        fixture="@pytest.fixture",
        module_fixture='@pytest.fixture(scope="module")',
        extra=ANYIO_BACKEND,
    ),
}


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs see only the configuration each test gives them."""
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    monkeypatch.delenv("PYTEST_ADDOPTS", raising=False)


def _write_project(pytester: pytest.Pytester, prefix: str, ini: dict[str, str] | None = None) -> None:
    """``myapp`` (models, factories) and the docs' ``pyproject.toml``, plus ini overrides."""
    package = pytester.path / "myapp"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text(MODELS.format(prefix=prefix))
    (package / "factories.py").write_text(FACTORIES)
    lines = [DOCS_PYPROJECT.read_text(), "filterwarnings = ['error']"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in (ini or {}).items()]
    (pytester.path / "pyproject.toml").write_text("\n".join(lines) + "\n")


def _override_ini(ini: dict[str, str]) -> list[str]:
    return [argument for key, value in ini.items() for argument in ("-o", f"{key}={value}")]


def _prefix() -> str:
    return f"afplug_{secrets.token_hex(4)}"


# ----------------------------------------------------------------- configuration, in-process


def test_help_lists_the_options_and_ini_keys(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "asyncfactories test data:",
            "  --af-database-url=URL*",
            "  --af-seed=N*",
            "  asyncfactories_database_url (string):*",
            "  asyncfactories_metadata (string):*",
        ],
        consecutive=False,
    )


def test_fixtures_lists_the_plugin_and_registered_fixtures(pytester: pytest.Pytester) -> None:
    _write_project(pytester, _prefix())
    pytester.makeconftest(CONFTEST.format(fixture="@pytest.fixture", module_fixture="@pytest.fixture", extra=""))
    output = pytester.runpytest("--fixtures").stdout.str()
    for listed in (
        "af_engine [session scope] -- ",
        "af_metadata [session scope] -- ",
        "af_session -- ",
        "af_sync_session -- ",
        "user -- ",
        "    One User created by UserFactory in af_session.",
        "user_factory -- ",
        "    UserFactory, every factory bound to af_session (async tests).",
        "post -- ",
        "post_factory -- ",
        "tag -- ",
        "tag_factory -- ",
    ):
        assert f"\n{listed}" in output, listed
    assert "fixtures defined from asyncfactories.integrations.pytest_support" not in output


@pytest.mark.parametrize(
    ("env", "option", "shown"),
    [
        (None, None, "postgresql+asyncpg://app:***@ini.example/test"),
        ("sqlite+aiosqlite:///env.db", None, "sqlite+aiosqlite:///env.db"),
        ("sqlite+aiosqlite:///env.db", "sqlite+aiosqlite:///option.db", "sqlite+aiosqlite:///option.db"),
        (
            "postgresql+asyncpg://app@env.example/test?password=secret&sslmode=require",
            None,
            "postgresql+asyncpg://app@env.example/test?password=***&sslmode=require",
        ),
    ],
    ids=["ini", "env-over-ini", "option-over-env", "query-password"],
)
def test_the_header_shows_the_database_first_found_and_hides_passwords(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, env: str | None, option: str | None, shown: str
) -> None:
    pytester.makeini(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
        "asyncfactories_database_url = postgresql+asyncpg://app:secret@ini.example/test\n"
    )
    if env is not None:
        monkeypatch.setenv(DATABASE_URL_ENV, env)
    args = ["--collect-only", "--af-seed=5", *(["--af-database-url", option] if option else [])]
    result = pytester.runpytest(*args)
    result.stdout.fnmatch_lines([f"asyncfactories: database={shown}, seed=5"])
    assert "secret" not in result.stdout.str()


def test_register_fixture_works_in_any_conftest_and_test_module(pytester: pytest.Pytester) -> None:
    """Sync tests only, so the run can stay in-process; the instance fixture asks for an async test."""
    _write_project(pytester, _prefix())
    pytester.mkpydir("sub")
    (pytester.path / "sub" / "conftest.py").write_text(
        "from asyncfactories.pytest_plugin import register_fixture\n"
        "from myapp.factories import BlogPostFactory\n"
        "register_fixture(BlogPostFactory, name='article_factory')  # polyfactory's spelling\n"
    )
    (pytester.path / "sub" / "test_sub.py").write_text(
        "from myapp.factories import BlogPostFactory\n\n"
        "def test_sub_conftest(article_factory):\n"
        "    assert article_factory is BlogPostFactory\n"
    )
    pytester.makepyfile(
        test_module_registers="""
        from asyncfactories.pytest_plugin import register_fixture
        from myapp.factories import UserFactory

        register_fixture(UserFactory, name="member")

        def test_module_registration(member_factory, af_sync_session):
            assert member_factory is UserFactory
            assert member_factory.create_sync().id is not None

        def test_an_instance_fixture_needs_an_async_test(member):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "member is created in the test's event loop, but "
            "test_module_registers.py::test_an_instance_fixture_needs_an_async_test is not run by "
            "pytest-asyncio or anyio*"
        ]
    )


def test_two_factories_of_one_model_register_side_by_side(pytester: pytest.Pytester) -> None:
    _write_project(pytester, _prefix())
    pytester.makeconftest(
        """
        from asyncfactories.pytest_plugin import register_fixture
        from myapp.factories import UserFactory

        class AdminUserFactory(UserFactory):
            name = "root"

        register_fixture(UserFactory)       # user, user_factory
        register_fixture(UserFactory)       # the same factory again: nothing to do
        register_fixture(AdminUserFactory)  # admin_user, admin_user_factory (same model)
        """
    )
    pytester.makepyfile(
        """
        def test_both(user_factory, admin_user_factory, af_sync_session):
            assert admin_user_factory.create_sync().name == "root"
            assert user_factory.create_sync().name != "root"
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_a_fixture_name_clash_is_a_clear_error(pytester: pytest.Pytester) -> None:
    _write_project(pytester, _prefix())
    pytester.makeconftest(
        """
        from asyncfactories.pytest_plugin import register_fixture
        from myapp.factories import UserFactory

        class AdminFactory(UserFactory):
            pass

        register_fixture(UserFactory)
        register_fixture(AdminFactory, name="user")  # taken by UserFactory
        """
    )
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*ConfigurationError: register_fixture(AdminFactory): the fixture name 'user' is already taken by "
            "myapp.factories.UserFactory; pass name= to choose another, e.g. register_fixture(AdminFactory, "
            "name='admin')"
        ]
    )


# ----------------------------------------------------------------- behaviour, per async runner


@pytest.mark.parametrize("mode", list(MODES.values()), ids=list(MODES))
def test_fixtures_under_each_async_runner(pytester: pytest.Pytester, mode: Mode) -> None:
    """Binding, rollback after commit, registered fixtures in the test's loop, sequences, FastAPI."""
    fastapi = pytest.importorskip("fastapi", reason="the FastAPI test needs the test extra: pip install -e '.[test]'")
    assert fastapi is not None
    _write_project(pytester, _prefix())
    pytester.makeconftest(CONFTEST.format(fixture=mode.fixture, module_fixture=mode.module_fixture, extra=mode.extra))
    pytester.makepyfile(test_behaviour=BEHAVIOUR_TESTS.format(mark=mode.mark))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *_override_ini(mode.ini), *mode.args)
    result.assert_outcomes(passed=14)


# ----------------------------------------------------------------- no leakage, per database


def _database_params() -> Iterator[object]:
    yield pytest.param(None, id="sqlite")
    for name, env in (("postgres", POSTGRES_ENV), ("mysql", MYSQL_ENV)):
        url = os.environ.get(env)
        reason = f"{env} is not set: the {name} run needs a server (.ci/run sets it when one answers)"
        yield pytest.param(url, id=name, marks=[getattr(pytest.mark, name), pytest.mark.skipif(not url, reason=reason)])


def _drop_tables(url: str, prefix: str) -> None:
    engine = create_engine(sync_url(url))
    with engine.begin() as connection:
        for table in ("posts", "tags", "users"):
            connection.execute(text(f"DROP TABLE IF EXISTS {prefix}_{table}"))
    engine.dispose()


def _row_counts(url: str, prefix: str) -> dict[str, int]:
    engine = create_engine(sync_url(url))
    with engine.connect() as connection:
        counts = {
            table: connection.scalar(text(f"SELECT COUNT(*) FROM {prefix}_{table}")) or 0
            for table in ("users", "posts", "tags")
        }
    engine.dispose()
    return counts


@pytest.mark.parametrize("url", list(_database_params()))
def test_fifty_tests_leave_every_table_empty(pytester: pytest.Pytester, url: str | None) -> None:
    """20 tests in function loops, 10 in a module loop, 10 in the session loop, 10 sync; half commit.

    Each test also checks it starts from empty tables. The fixtures' default loop scope is
    "function", so the module- and session-loop tests prove af_session follows the test's loop
    (asyncpg and aiomysql refuse a connection from another loop).
    """
    url = url or f"sqlite+aiosqlite:///{pytester.path / 'leak.sqlite3'}"
    prefix = _prefix()
    _write_project(pytester, prefix, ini={"asyncfactories_database_url": url})
    pytester.makeconftest(CONFTEST.format(fixture="@pytest.fixture", module_fixture="@pytest.fixture", extra=""))
    pytester.makepyfile(test_leak=LEAK_TESTS)
    try:
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
        result.assert_outcomes(passed=50)
        assert _row_counts(url, prefix) == {"users": 0, "posts": 0, "tags": 0}
    finally:
        _drop_tables(url, prefix)


# ----------------------------------------------------------------- per-test seeds


def test_a_test_builds_the_same_data_alone_as_in_the_full_run(pytester: pytest.Pytester) -> None:
    _write_project(pytester, _prefix())
    pytester.makepyfile(test_seeding=SEED_TESTS)
    data = pytester.path / "data"

    full = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--af-seed=5")
    full.assert_outcomes(passed=2, failed=1)
    first, second = (json.loads((data / f"{name}.json").read_text()) for name in ("first", "second"))
    (data / "second.json").unlink()

    alone = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--af-seed=5", "test_seeding.py::test_second")
    alone.assert_outcomes(passed=1)
    assert json.loads((data / "second.json").read_text()) == second
    assert [email for _name, email, _lucky in second] == ["user0@test.example", "user1@test.example"]
    assert first != second  # each test has its own seed

    seed = seed_for_test(5, "test_seeding.py::test_third")
    full.stdout.fnmatch_lines(
        [
            "*_ test_third _*",
            "*- asyncfactories -*",
            f"asyncfactories seed: {seed} (from --af-seed=5 and the test's node id)",
        ]
    )
    assert str(seed_for_test(5, "test_seeding.py::test_second")) not in full.stdout.str()


UNBOUND_ANYIO_TEST = """
import pytest
from myapp.factories import UserFactory


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.anyio
async def test_without_a_session():
    await UserFactory.create()
"""


@pytest.mark.parametrize(("mode", "explained"), [("auto", True), ("strict", False)])
def test_an_unbound_anyio_test_under_auto_mode_names_the_mode_conflict(
    pytester: pytest.Pytester, mode: str, explained: bool
) -> None:
    pytest.importorskip("anyio", reason="needs anyio's pytest plugin")
    pytest.importorskip("pytest_asyncio", reason="needs pytest-asyncio")
    _write_project(pytester, _prefix())
    pytester.makepyfile(test_unbound=UNBOUND_ANYIO_TEST)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *_override_ini({"asyncio_mode": mode}))
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert "SessionNotBoundError" in output
    assert ("this test is marked anyio while pytest-asyncio runs in auto mode" in output) is explained
    if explained:
        result.stdout.fnmatch_lines(["*Set asyncio_mode = strict*"])
