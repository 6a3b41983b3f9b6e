"""A throwaway project for the command line: a models module and a factories module written
into a temporary folder, imported by name as a user's own modules would be."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

MODELS = """
from datetime import datetime

from sqlalchemy import ForeignKey, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "cli_authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(120), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    articles: Mapped[list["Article"]] = relationship(back_populates="author")


class Article(Base):
    __tablename__ = "cli_articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("cli_authors.id"))
    author: Mapped[Author] = relationship(back_populates="articles")
"""

FACTORIES = """
from typing import Any

from asyncfactories import Faker, ModelFactory, Sequence, SubFactory, Trait

from cli_models import Article, Author


class AuthorFactory(ModelFactory[Author]):
    name = Faker("name")
    email = Sequence(lambda n: f"author{n}@example.com")

    class Params:
        inactive = Trait(active=False)

    @classmethod
    def state_renamed(cls) -> dict[str, Any]:
        return {"name": "Renamed"}


class ArticleFactory(ModelFactory[Article]):
    title = Sequence(lambda n: f"Article {n}")
    author = SubFactory(AuthorFactory)
"""

BROKEN_FACTORIES = """
from typing import Any

from asyncfactories import ModelFactory, Sequence

from cli_models import Author


class AuthorFactory(ModelFactory[Author]):
    email = Sequence(lambda n: f"a{n}@example.com")
    name = "ok"

    @classmethod
    def state_nameless(cls) -> dict[str, Any]:
        return {"name": None}
"""


@pytest.fixture(scope="session")
def cli_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding ``cli_models``, ``cli_factories``, ``cli_broken`` and ``cli_empty``."""
    folder = tmp_path_factory.mktemp("cli_project")
    (folder / "cli_models.py").write_text(MODELS)
    (folder / "cli_factories.py").write_text(FACTORIES)
    (folder / "cli_broken.py").write_text(BROKEN_FACTORIES)
    (folder / "cli_empty.py").write_text('"""Neither models nor factories."""\nVALUE = 1\n')
    return folder


@pytest.fixture
def in_project(cli_project: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run in-process commands from the project folder, as a user would from a shell."""
    monkeypatch.chdir(cli_project)
    yield cli_project
    for name in ("cli_models", "cli_factories", "cli_broken", "cli_empty", "cli_scaffolded"):
        sys.modules.pop(name, None)
    if str(cli_project) in sys.path:
        sys.path.remove(str(cli_project))


def subprocess_env(project: Path) -> dict[str, str]:
    """Environment for ``python -m asyncfactories`` run in ``project``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(project), env.get("PYTHONPATH", "")]))
    env.pop("COLUMNS", None)
    return env
