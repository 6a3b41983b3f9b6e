"""The lean build path gives what factory_boy's builder gives, for every declaration (SPEC §2.2, §2.4).

One table: a row per declaration kind, each a factory using it next to a ``Sequence``. Every row
is built from the same seed and sequence counters twice, on the lean path (``_fastbuild``, taken
when it can be) and with it switched off (factory_boy's ``StepBuilder`` for every instance), and
the two must agree on every value — related objects included — and on the sequence counters
left behind. ``lean`` says whether the row's factory is built on the lean path at all, so the
rows that exercise it are known, and a declaration that needs the object (``LazyAttribute``,
``LazyAttributeSequence``, ``SelfAttribute``) is known to be kept off it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from factory.declarations import Iterator as IteratorDeclaration
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import NoInspectionAvailable

from asyncfactories import (
    Dict,
    Faker,
    Ignore,
    Iterator,
    LazyAttribute,
    LazyAttributeSequence,
    LazyFunction,
    List,
    Maybe,
    ModelFactory,
    PostGenerated,
    PostGeneration,
    RelatedFactory,
    RelatedFactoryList,
    Require,
    SelfAttribute,
    Sequence,
    SubFactory,
    Trait,
    Transformer,
    Use,
    post_generation,
    seed,
)
from asyncfactories.building import fastbuild as _fastbuild
from asyncfactories.integrations.counter_floor import restart_sequences

from .models import Comment, Post, Profile, User


class EqUserFactory(ModelFactory[User]):
    name = Faker("name")
    email = Sequence(lambda n: f"eq-user{n}@test.example")


class EqCommentFactory(ModelFactory[Comment]):
    text = Sequence(lambda n: f"Comment {n}")
    author = SubFactory(EqUserFactory)


def _factory(name: str, model: type[Any], body: dict[str, Any]) -> Any:
    """``class <name>(ModelFactory[model])`` with ``body`` (named, unlike ``create_factory``'s)."""
    return type(ModelFactory)(name, (ModelFactory,), {"__model__": model, "__module__": __name__, **body})


def _user(class_name: str, /, **declarations: Any) -> Any:
    email = Sequence(lambda n: f"{class_name.lower()}{n}@test.example")
    return _factory(class_name, User, {"email": email, "name": "Ada", **declarations})


def _post(class_name: str, /, **declarations: Any) -> Any:
    body = {"title": Sequence(lambda n: f"Post {n}"), "author": SubFactory(EqUserFactory), **declarations}
    return _factory(class_name, Post, body)


class ClassmethodFieldFactory(ModelFactory[User]):
    email = Sequence(lambda n: f"classmethod{n}@test.example")
    name = "Ada"

    @classmethod
    def role(cls) -> str:
        return f"role-{cls._next_seq()}"


class ShorthandPostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Shorthand {n}")
    author = EqUserFactory  # a factory class as a value: SubFactory(EqUserFactory)


class TraitUserFactory(ModelFactory[User]):
    email = Sequence(lambda n: f"trait{n}@test.example")
    name = "Ada"

    class Params:
        shouting = Trait(name="ADA", role="loud")


class MaybeUserFactory(ModelFactory[User]):
    email = Sequence(lambda n: f"maybe{n}@test.example")
    name = Maybe("vip", yes_declaration=Sequence(lambda n: f"VIP {n}"), no_declaration="Plain")

    class Params:
        vip = True


class HookedUserFactory(ModelFactory[User]):
    email = Sequence(lambda n: f"hooked{n}@test.example")
    name = "Ada"

    @post_generation
    def stamp(user: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805 - factory_boy's signature
        user.status = f"stamped-{extracted or 'none'}"


def _set_role(user: User, create: bool, extracted: Any, **kwargs: Any) -> None:
    user.role = f"generated-{user.email}"


class SequenceProfileFactory(ModelFactory[Profile]):
    first_name = Sequence(lambda n: f"First{n}")
    last_name = "Last"


@dataclass(frozen=True)
class Row:
    kind: str
    factory: Any
    lean: bool
    kwargs: dict[str, Any] = field(default_factory=dict)


ROWS = [
    Row("constant", _user("ConstantFactory", role="member"), lean=True),
    Row("Sequence", _user("SequenceFactory", name=Sequence(lambda n: f"User {n}")), lean=True),
    Row("LazyFunction", _user("LazyFunctionFactory", role=LazyFunction(lambda: "lazy")), lean=True),
    Row("Faker", _user("FakerFactory", name=Faker("name"), role=Faker("word")), lean=True),
    Row("Use", _user("UseFactory", role=Use(lambda *parts: "-".join(parts), "power", "user")), lean=True),
    Row("Ignore", _user("IgnoreFactory", role=Ignore()), lean=True),
    Row("Require", _user("RequireFactory", role=Require()), lean=True, kwargs={"role": "given"}),
    Row(
        "PostGenerated",
        _user("PostGeneratedFactory", role=PostGenerated(lambda name, values: f"{name} of {values['email']}")),
        lean=True,
    ),
    Row("classmethod field", ClassmethodFieldFactory, lean=True),
    Row("SubFactory", _post("SubFactoryPostFactory"), lean=True),
    Row("factory class as a field", ShorthandPostFactory, lean=True),
    Row("LazyAttribute", _user("LazyAttributeFactory", role=LazyAttribute(lambda o: o.email[:5])), lean=False),
    Row(
        "LazyAttributeSequence",
        _user("LazyAttributeSequenceFactory", role=LazyAttributeSequence(lambda o, n: f"{o.name}-{n}")),
        lean=False,
    ),
    Row("SelfAttribute", _user("SelfAttributeFactory", role=SelfAttribute("name")), lean=False),
    Row("Iterator", _user("IteratorFactory", role=Iterator(["a", "b"])), lean=False),
    Row("Transformer", _user("TransformerFactory", role=Transformer("Mixed", transform=str.lower)), lean=False),
    Row(
        "SubFactory with keywords",
        _post("KeywordSubFactoryPostFactory", author=SubFactory(EqUserFactory, role="editor")),
        lean=True,
    ),
    Row(
        "RelatedFactory",
        _post("RelatedPostFactory", first=RelatedFactory(EqCommentFactory, factory_related_name="post")),
        lean=False,
    ),
    Row(
        "RelatedFactoryList",
        _post("RelatedListPostFactory", many=RelatedFactoryList(EqCommentFactory, "post", size=2)),
        lean=False,
    ),
    Row("Trait", TraitUserFactory, lean=False, kwargs={"shouting": True}),
    Row("Maybe", MaybeUserFactory, lean=False),
    Row("Dict", type("DictFactory", (SequenceProfileFactory,), {"settings": Dict({"n": Sequence(int)})}), lean=False),
    Row("List", type("ListFactory", (SequenceProfileFactory,), {"labels": List([Sequence(str), "x"])}), lean=False),
    Row("post_generation", HookedUserFactory, lean=False, kwargs={"stamp": "given"}),
    Row("PostGeneration", _user("PostGenerationFactory", hook=PostGeneration(_set_role)), lean=False),
]


def _snapshot(value: Any, seen: set[int]) -> Any:
    """Every attribute set on a model instance, related instances included (once each)."""
    if isinstance(value, list | tuple):
        return [_snapshot(item, seen) for item in value]
    if isinstance(value, dict):
        return {key: _snapshot(item, seen) for key, item in value.items()}
    try:
        sa_inspect(value)
    except NoInspectionAvailable:
        return value
    if id(value) in seen:
        return f"<{type(value).__name__} seen before>"
    seen.add(id(value))
    attributes = {key: item for key, item in vars(value).items() if not key.startswith("_")}
    return (type(value).__name__, {key: _snapshot(item, seen) for key, item in sorted(attributes.items())})


def _counters() -> dict[str, int]:
    """The next sequence number of every factory of this module (factory_boy's and ``_next_seq``)."""
    factories = [row.factory for row in ROWS] + [EqUserFactory, EqCommentFactory]
    counters: dict[str, int] = {}
    for factory in factories:
        meta = factory._meta
        meta._initialize_counter()
        counters[factory.__name__] = meta._counter.seq
        counters[f"{factory.__name__}._next_seq"] = factory.__dict__.get("_asyncfactories_seq", 0)
    return counters


def _build(row: Row) -> tuple[Any, dict[str, int]]:
    seed(7)
    restart_sequences()
    for declaration in row.factory._meta.declarations.values():
        if isinstance(declaration, IteratorDeclaration):
            declaration.reset()
    built = [_snapshot(instance, set()) for instance in row.factory.build_batch(3, **row.kwargs)]
    return built, _counters()


@pytest.mark.parametrize("row", ROWS, ids=[row.kind for row in ROWS])
def test_the_lean_path_builds_what_factory_boys_builder_builds(row: Row, monkeypatch: pytest.MonkeyPatch) -> None:
    lean = _build(row)
    with monkeypatch.context() as patched:
        patched.setattr(_fastbuild, "_plan", lambda factory: None)  # factory_boy's builder for everything
        full = _build(row)
    assert lean == full
    assert (_fastbuild._plan(row.factory) is not None) is row.lean  # planned on first build, zero-config included
    assert len({repr(values) for values in lean[0]}) == 3  # the sequence shows in every instance


def test_the_table_covers_every_declaration() -> None:
    """Each declaration asyncfactories exports has a row (the ``kind`` is the declaration's name)."""
    exported = {
        "Sequence", "LazyAttribute", "LazyFunction", "LazyAttributeSequence", "SelfAttribute", "SubFactory",
        "RelatedFactory", "RelatedFactoryList", "Trait", "Maybe", "Iterator", "Dict", "List", "Faker",
        "Transformer", "post_generation", "PostGeneration", "Use", "Ignore", "Require", "PostGenerated",
    }  # fmt: skip
    assert exported <= {row.kind for row in ROWS}


def test_lazy_attribute_sequence_reads_the_object_being_built() -> None:
    """It got ``None`` for the object on the lean path; factory_boy passes the object."""
    factory = next(row.factory for row in ROWS if row.kind == "LazyAttributeSequence")
    restart_sequences()
    assert [user.role for user in factory.build_batch(2)] == ["Ada-0", "Ada-1"]
