"""``seed`` into PostgreSQL with COPY: the rows ``create_many`` would write, parents first.

The factories are in ``copy_seed_models.py``. Rows are read back through a connection of the
test's own; the PostgreSQL tests skip unless ``ASYNCFACTORIES_TEST_POSTGRES_URL`` is set.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import ForeignKey, String, event, func, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column, relationship, validates

from asyncfactories import ModelFactory, Sequence, SubFactory, post_generation
from asyncfactories.building.rows import row_plan
from asyncfactories.cli import copy_seed
from asyncfactories.cli import seed as seed_module

from . import copy_seed_models as models
from .test_cli_seed import run

MODULE = "tests.cli.copy_seed_models"


def _query(url: str, sql: str) -> list[tuple[Any, ...]]:
    async def fetch() -> list[tuple[Any, ...]]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                return [tuple(row) for row in (await connection.execute(text(sql))).all()]
        finally:
            await engine.dispose()

    return asyncio.run(fetch())


def _run_sql(url: str, action: Any) -> None:
    async def go() -> None:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(action)
        finally:
            await engine.dispose()

    asyncio.run(go())


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The PostgreSQL URL, the test's tables dropped before and after, the sequences back at 0."""
    url = os.environ.get("ASYNCFACTORIES_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("ASYNCFACTORIES_TEST_POSTGRES_URL is not set: this test needs a running server")
    _run_sql(url, models.Base.metadata.drop_all)
    models.WriterFactory.reset_sequence()
    models.PieceFactory.reset_sequence()
    yield url
    _run_sql(url, models.Base.metadata.drop_all)


@pytest.fixture
def copied(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """What each ``CopyWriter.write`` returned: True for a chunk written with COPY."""
    results: list[bool] = []
    original = copy_seed.CopyWriter.write

    async def write(self: copy_seed.CopyWriter, count: int) -> bool:
        results.append(await original(self, count))
        return results[-1]

    monkeypatch.setattr(copy_seed.CopyWriter, "write", write)
    return results


def _seed(url: str, capsys: pytest.CaptureFixture[str], *targets: str, chunk: int = 8) -> str:
    argv = ["seed", *(f"{MODULE}:{target}" for target in targets), "--chunk-size", str(chunk)]
    code, out, err = run([*argv, "--create-tables", "--seed", "3", "--url", url], capsys)
    assert code == 0, err
    return out


_PIECES = (
    "SELECT p.id, p.title, p.shout, p.words, w.id, w.name, w.email, w.handle, w.role, w.rank, w.nickname,"
    " w.created_at IS NOT NULL FROM copy_seed_pieces p JOIN copy_seed_writers w ON w.id = p.writer_id ORDER BY p.id"
)


def test_seed_writes_each_piece_and_its_writer_with_copy(
    pg_url: str, copied: list[bool], capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(pg_url, capsys, "PieceFactory=30")
    assert copied == [True, True, True, True]  # chunks of 8, 8, 8 and 6
    rows = _query(pg_url, _PIECES)
    assert len(rows) == 30
    assert {row[1] for row in rows} == {f"Piece {n}" for n in range(30)}
    for _id, title, shout, words, _writer, name, email, handle, role, rank, nickname, created in rows:
        assert (shout, words, role, rank, nickname, created) == (title.upper(), 500, "guest", 7, "none", True)
        assert handle == "@" + email.split("@")[0] and name
    assert len({row[4] for row in rows}) == 30  # a writer of its own per piece
    assert _query(pg_url, "SELECT count(*) FROM copy_seed_writers") == [(30,)]


def test_copy_writes_the_rows_create_many_writes(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Same seed, same values, same sequence numbers, same keys: with COPY and with objects."""

    def seeded() -> list[tuple[Any, ...]]:
        _seed(pg_url, capsys, "PieceFactory=20", "WriterFactory=7", chunk=6)
        rows = _query(pg_url, _PIECES) + _query(pg_url, "SELECT * FROM copy_seed_writers ORDER BY id")
        _run_sql(pg_url, models.Base.metadata.drop_all)
        models.WriterFactory.reset_sequence()
        models.PieceFactory.reset_sequence()
        return [tuple(value for value in row if not isinstance(value, datetime)) for row in rows]

    with_copy = seeded()
    monkeypatch.setattr(seed_module, "copy_writer", lambda engine, factory: None)
    with_objects = seeded()
    assert len(with_copy) == 20 + 27
    assert with_copy == with_objects


def test_a_chunk_with_a_taken_unique_value_is_created_as_objects(
    pg_url: str, copied: list[bool], capsys: pytest.CaptureFixture[str]
) -> None:
    _run_sql(pg_url, models.Base.metadata.create_all)
    taken = (
        "INSERT INTO copy_seed_writers (name, email, handle, role, rank) VALUES ('x', 'writer2@example.com', '', '', 0)"
    )
    _run_sql(pg_url, lambda connection: connection.exec_driver_sql(taken))
    _seed(pg_url, capsys, "WriterFactory=6", chunk=3)
    assert sorted(copied) == [False, True]  # the chunk holding writer2@ went through create_many
    emails = [row[0] for row in _query(pg_url, "SELECT email FROM copy_seed_writers")]
    assert len(emails) == 7 and len(set(emails)) == 7


def test_a_factory_with_params_is_seeded_as_objects(
    pg_url: str, copied: list[bool], capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(pg_url, capsys, "TraitWriterFactory=5")
    assert copied == []
    assert _query(pg_url, "SELECT count(*), min(handle) FROM copy_seed_writers") == [(5, "@writer0")]


def test_a_refused_chunk_is_one_line_naming_the_factory(pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["seed", f"{MODULE}:NamelessWriterFactory=4", "--create-tables", "--url", pg_url]
    code, _out, err = run(argv, capsys)
    assert code == 1
    assert err.strip().splitlines()[-1] == (
        'asyncfactories: error: NamelessWriterFactory failed: NotNullViolationError: null value in column "name" '
        'of relation "copy_seed_writers" violates not-null constraint (0 committed rows kept)'
    )
    assert "Traceback" not in err


# --------------------------------------------------------------------------- which factories have row plans


class _Base(DeclarativeBase):
    pass


class _Plain(_Base):
    __tablename__ = "rows_plain"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))

    @property
    def label(self) -> str:
        return self.name

    @label.setter
    def label(self, value: str) -> None:
        self.name = value.title()


class _OwnInit(_Base):
    __tablename__ = "rows_own_init"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{**kwargs, "name": kwargs.get("name", "").strip()})


class _Validated(_Base):
    __tablename__ = "rows_validated"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))

    @validates("name")
    def _lower(self, key: str, value: str) -> str:
        return value.lower()


class _Listened(_Base):
    __tablename__ = "rows_listened"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))


event.listen(_Listened, "before_insert", lambda mapper, connection, target: None)


class _ClauseDefault(_Base):
    __tablename__ = "rows_clause_default"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
    made: Mapped[datetime] = mapped_column(default=func.now())


class _DataclassBase(MappedAsDataclass, DeclarativeBase):
    pass


class _Dataclass(_DataclassBase):
    __tablename__ = "rows_dataclass"
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    name: Mapped[str] = mapped_column(String(20))


class _Child(_Base):
    __tablename__ = "rows_child"
    id: Mapped[int] = mapped_column(primary_key=True)
    plain_id: Mapped[int | None] = mapped_column(ForeignKey("rows_plain.id"))
    plain: Mapped[_Plain | None] = relationship()


def _factory(model: type, **declarations: Any) -> Any:
    return type(f"{model.__name__.strip('_')}Factory", (ModelFactory,), {"__model__": model, **declarations})


class _Hooked(ModelFactory[_Plain]):
    name = "x"

    @post_generation
    def extra(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        pass


_WITH = {"name": Sequence(lambda n: f"n{n}")}
_CASES = [
    ("plain model and declarations", _factory(_Plain, **_WITH), True),
    ("a post_generation hook", _Hooked, False),
    ("a custom __init__", _factory(_OwnInit, **_WITH), False),
    ("a validator", _factory(_Validated, **_WITH), False),
    ("a before_insert listener", _factory(_Listened, **_WITH), False),
    ("a Python-side SQL expression default", _factory(_ClauseDefault, **_WITH), False),
    ("a dataclass model", _factory(_Dataclass, **_WITH), False),
    ("a keyword that is a Python property", _factory(_Plain, label="x", __check_model__=False), False),
]


@pytest.mark.parametrize(("case", "factory", "planned"), _CASES, ids=[case[0] for case in _CASES])
def test_which_factories_seed_writes_as_rows(case: str, factory: Any, planned: bool) -> None:
    assert (row_plan(factory) is not None) is planned


def test_a_parent_row_gives_its_reserved_key_to_the_child() -> None:
    plan = row_plan(_factory(_Child, plain=SubFactory(_factory(_Plain, **_WITH))))
    assert plan is not None and [column.name for column in plan.columns] == ["plain_id"]
    (parent_plan,) = plan.parents.values()
    assert [column.name for column in parent_plan.columns] == ["name", "id"] and parent_plan.reserved == [1]
    orphan = row_plan(_factory(_Child, plain=None))
    assert orphan is not None and orphan.columns == [] and orphan.parents == {}
