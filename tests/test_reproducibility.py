"""SPEC §7: one seed for every source of randomness; two processes seeded alike build alike."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import faker
import pytest
from factory.fuzzy import FuzzyInteger
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories import Faker, ModelFactory, seed
from asyncfactories.definition.metaclass import ModelFactoryMeta

from .models import Post, Tag, User
from .readback import fetch_all

ROOT = Path(__file__).resolve().parent.parent


class RandomUserFactory(ModelFactory[User]):
    name = Faker("name")
    email = Faker("email")
    score = FuzzyInteger(0, 10**9)

    @classmethod
    def role(cls) -> str:
        return f"r{cls.__random__.randrange(10**9)}"

    @classmethod
    def status(cls) -> str:
        return cls.__faker__.lexify("????????")


class AutoPostFactory(ModelFactory[Post]):
    """Every value generated from the model (SPEC §6), the parent included."""


def _snapshot(count: int = 3) -> list[tuple[Any, ...]]:
    users = RandomUserFactory.build_batch(count)
    posts = AutoPostFactory.build_batch(count)
    # Not the author's generated email: values of unique columns never repeat in a process (SPEC §6.1).
    return [(u.name, u.email, u.score, u.role, u.status) for u in users] + [
        (p.title, p.body, p.author.name) for p in posts
    ]


# --------------------------------------------------------------------------- in one process


def test_seed_makes_every_source_repeat() -> None:
    seed(1234)
    first = _snapshot()
    draws = (RandomUserFactory.__random__.random(), RandomUserFactory.__faker__.name())
    seed(1234)
    assert _snapshot() == first
    assert (RandomUserFactory.__random__.random(), RandomUserFactory.__faker__.name()) == draws


def test_different_seeds_give_different_data() -> None:
    seed(1)
    first = _snapshot()
    seed(2)
    assert _snapshot() != first


def test_seed_takes_an_int() -> None:
    for wrong in ("1", 1.0, True, None):
        with pytest.raises(TypeError, match=r"asyncfactories\.seed\(\) takes an int"):
            seed(wrong)  # type: ignore[arg-type]  # the point: not an int


def test_random_and_faker_are_available_to_field_generators() -> None:
    assert isinstance(RandomUserFactory.__random__, random.Random)
    assert isinstance(RandomUserFactory.__faker__, faker.Faker)
    # Shared by every factory, so one seed() covers them all.
    assert AutoPostFactory.__random__ is RandomUserFactory.__random__


def test_a_custom_faker_follows_the_seed_too() -> None:
    custom = faker.Faker()

    class CustomFakerFactory(RandomUserFactory):
        class Meta:
            faker = custom

    assert CustomFakerFactory.__faker__ is custom
    seed(77)
    first = [user.status for user in CustomFakerFactory.build_batch(3)]
    seed(77)
    assert [user.status for user in CustomFakerFactory.build_batch(3)] == first


def _seeded_factory(name: str, **options: Any) -> Any:
    body: dict[str, Any] = {
        "__module__": __name__,
        "__model__": User,
        "name": Faker("name"),
        "email": Faker("uuid4"),
        "role": Faker("lexify", text="????????"),
        "score": FuzzyInteger(0, 10**9),
    }
    body.update(options)
    return ModelFactoryMeta(name, (ModelFactory,), body)


def _values(factory: Any, count: int = 3) -> list[tuple[Any, ...]]:
    return [(u.name, u.email, u.role, u.score) for u in factory.build_batch(count)]


def test_random_seed_reseeds_when_the_class_is_defined() -> None:
    seed(5)
    by_alias = _values(_seeded_factory("AliasSeededFactory", __random_seed__=4321))
    seed(6)
    by_meta = _values(_seeded_factory("MetaSeededFactory", Meta=type("Meta", (), {"random_seed": 4321})))
    seed(4321)
    by_call = _values(_seeded_factory("CallSeededFactory"))
    assert by_alias == by_meta == by_call


def test_a_subclass_of_a_seeded_factory_does_not_reseed() -> None:
    parent = _seeded_factory("SeededParentFactory", __random_seed__=2468)
    parent_values = _values(parent)
    child = ModelFactoryMeta("SeededChildFactory", (parent,), {"__module__": __name__})
    assert child._meta.random_seed is None
    assert set(_values(child)).isdisjoint(parent_values)


async def test_a_subclass_of_a_seeded_factory_creates_no_duplicates(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    class SeededTagFactory(ModelFactory[Tag]):
        __random_seed__ = 1357

        @classmethod
        def name(cls) -> str:
            return f"tag-{cls.__random__.getrandbits(64):x}"

    class SeededEmailFactory(ModelFactory[User]):
        __random_seed__ = 1357
        email = Faker("uuid4")
        name = Faker("name")

    parent_tags = await SeededTagFactory.create_many(5, session=session)
    parent_users = await SeededEmailFactory.create_many(5, session=session)

    class ChildTagFactory(SeededTagFactory):
        pass

    class ChildEmailFactory(SeededEmailFactory):
        pass

    child_tags = await ChildTagFactory.create_many(5, session=session)
    child_users = await ChildEmailFactory.create_many(5, session=session)
    await session.commit()
    tag_names = await fetch_all(fresh_session, select(Tag.name))
    emails = await fetch_all(fresh_session, select(User.email))
    assert sorted(tag_names) == sorted(tag.name for tag in parent_tags + child_tags)
    assert sorted(emails) == sorted(user.email for user in parent_users + child_users)
    assert len(set(tag_names)) == 10
    assert len(set(emails)) == 10


# --------------------------------------------------------------------------- across processes


SCRIPT = textwrap.dedent(
    """
    import sys

    sys.path.insert(0, {root!r})

    from factory.fuzzy import FuzzyInteger

    from asyncfactories import Faker, ModelFactory, Sequence, SubFactory, seed
    from tests.models import Post, User


    class UserFactory(ModelFactory[User]):
        name = Faker("name")
        email = Sequence(lambda n: f"user{{n}}@example.com")
        score = FuzzyInteger(0, 10**9)

        @classmethod
        def role(cls):
            return cls.__random__.choice(["admin", "editor", "viewer"]) + str(cls.__random__.random())

        @classmethod
        def status(cls):
            return cls.__faker__.word()


    class PostFactory(ModelFactory[Post]):
        author = SubFactory(UserFactory)  # title and body generated from the columns (SPEC §6)


    def show(factory):
        for post in factory.build_batch(4):
            author = post.author
            print(repr((post.title, post.body, author.name, author.email, author.score, author.role, author.status)))


    seed(int(sys.argv[1]))
    show(PostFactory)
    print("--")


    class SeededPostFactory(PostFactory):
        __random_seed__ = int(sys.argv[2])  # Meta.random_seed: applied when the class is defined


    show(SeededPostFactory)
    """
)


def _run_all(script: Path, runs: list[tuple[int, int, str]]) -> list[str]:
    """Run the script once per ``(seed, random_seed, PYTHONHASHSEED)``, in parallel; return the outputs."""
    processes = [
        subprocess.Popen(
            [sys.executable, str(script), str(value), str(class_value)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            cwd=ROOT,
        )
        for value, class_value, hash_seed in runs
    ]
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert (process.returncode, err) == (0, "")
        outputs.append(out)
    return outputs


def test_two_processes_seeded_alike_build_identical_data(tmp_path: Path) -> None:
    script = tmp_path / "build_seeded.py"
    script.write_text(SCRIPT.format(root=str(ROOT)))
    # Different hash seeds: nothing may depend on set or dict ordering of strings.
    first, second = _run_all(script, [(42, 7, "1"), (42, 7, "2")])
    by_seed, _, by_class_seed = first.partition("--\n")
    assert len(by_seed.splitlines()) == len(by_class_seed.splitlines()) == 4
    assert len(set(by_seed.splitlines())) == 4  # the four posts differ from each other
    assert by_seed != by_class_seed  # seeded with 42, then 7 by the class
    assert first == second
