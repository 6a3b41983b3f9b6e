"""factory_boy's ``SQLAlchemyModelFactory`` with a synchronous ``Session``.

The variant is ``Meta.sqlalchemy_session_persistence``: ``none`` (add only; our commit flushes
everything in one unit of work), ``flush`` (one flush per object) or ``commit`` (one commit per
object). factory_boy has no zero-configuration mode.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import factory
from factory.alchemy import SQLAlchemyModelFactory

from ..schema import Post, User
from . import SyncCreate, SyncRunner, SyncTarget, UnsupportedCaseError, pick

_PERSISTENCE = {"none": None, "flush": "flush", "commit": "commit"}


def make_factories(persistence: str | None) -> dict[str, Any]:
    """The factories of every case, with ``persistence`` as their mode."""

    class UserFactory(SQLAlchemyModelFactory):  # type: ignore[type-arg]
        class Meta:
            model = User
            sqlalchemy_session_persistence = persistence

        name = "Bench User"
        email = factory.Sequence(lambda n: f"user{n}@example.com")
        role = "member"

    class FakerUserFactory(UserFactory):
        name = factory.Faker("name")

    class PostFactory(SQLAlchemyModelFactory):  # type: ignore[type-arg]
        class Meta:
            model = Post
            sqlalchemy_session_persistence = persistence

        title = "Hello"
        author = factory.SubFactory(UserFactory)

    return {"users": UserFactory, "faker": FakerUserFactory, "posts": PostFactory}


class Runner(SyncRunner):
    def __init__(self, variant: str) -> None:
        self.variant = variant
        self.factories = make_factories(_PERSISTENCE[variant])

    def _bind(self, session: Any) -> None:
        for model_factory in self.factories.values():
            model_factory._meta.sqlalchemy_session = session

    def populate(self, target: SyncTarget, case: str, n: int) -> None:
        if case == "zero":
            raise UnsupportedCaseError("factory_boy has no zero-configuration mode")
        model_factory = pick(self.factories, case)
        with target.sessions() as session:
            self._bind(session)
            model_factory.create_batch(n)
            session.commit()

    def build(self, n: int) -> list[Any]:
        users: list[Any] = self.factories["users"].build_batch(n)
        return users

    @contextmanager
    def single(self, target: SyncTarget) -> Iterator[SyncCreate]:
        if self.variant != "flush":
            raise UnsupportedCaseError(f"persistence {self.variant!r} does not flush each object in a transaction")
        with target.sessions() as session:
            self._bind(session)
            yield self.factories["users"]
            session.commit()


def runner(variant: str) -> Runner:
    return Runner(variant)
