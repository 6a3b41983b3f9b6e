"""The lean build path (``_fastbuild``) gives exactly what factory_boy's full build gives."""

from __future__ import annotations

from typing import Any

import pytest

from asyncfactories import Faker, Ignore, LazyAttribute, LazyFunction, ModelFactory, PostGenerated, Sequence, Use, seed
from asyncfactories.building import fastbuild as _fastbuild

from .models import Post, User


class PlainUserFactory(ModelFactory[User]):
    name = Faker("name")
    email = Sequence(lambda n: f"plain{n}@test.example")
    role = Use(lambda *parts: "-".join(parts), "power", "user")
    status = LazyFunction(lambda: "active")
    score = Ignore()

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {"status": f"defaulted-{cls._next_seq()}"}


class PostGeneratedPostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Post {n}")
    body = PostGenerated(lambda name, values: f"{name} of {values['title']}")
    author_id = 1


def _columns(instance: Any) -> dict[str, Any]:
    return {key: value for key, value in vars(instance).items() if not key.startswith("_")}


def _build_twice(factory: Any, monkeypatch: pytest.MonkeyPatch, **kwargs: Any) -> tuple[list[Any], list[Any]]:
    seed(7)
    factory._reset_seq()
    fast = [_columns(instance) for instance in factory.build_batch(3, **kwargs)]
    with monkeypatch.context() as patched:
        patched.setattr(_fastbuild, "_plan", lambda factory: None)  # force factory_boy's full build
        seed(7)
        factory._reset_seq()
        full = [_columns(instance) for instance in factory.build_batch(3, **kwargs)]
    return fast, full


@pytest.mark.parametrize("factory", [PlainUserFactory, PostGeneratedPostFactory], ids=lambda f: f.__name__)
def test_lean_and_full_builds_give_the_same_values(factory: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, full = _build_twice(factory, monkeypatch)
    assert fast == full
    assert len({str(values) for values in fast}) == 3  # and the values do vary per instance


def test_keywords_and_defaults_layer_the_same_way_on_both_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    fast, full = _build_twice(PlainUserFactory, monkeypatch, name="Given")
    assert fast == full
    assert all(values["name"] == "Given" and values["status"].startswith("defaulted-") for values in fast)


def test_the_lean_path_is_taken_only_for_plain_declarations() -> None:
    class ReadingUserFactory(PlainUserFactory):
        name = LazyAttribute(lambda o: o.email.split("@")[0])

    assert _fastbuild._plan(PlainUserFactory) is not None
    assert _fastbuild._plan(ReadingUserFactory) is None
    user = ReadingUserFactory.build()
    assert user.name == user.email.split("@")[0]
