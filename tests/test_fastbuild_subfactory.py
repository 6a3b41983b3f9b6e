"""``SubFactory`` on the lean build path (``_fastbuild``): the same objects as factory_boy's full build.

Each scenario runs twice from the same seed and sequence counters: on the lean path, then with
the lean path switched off (every instance through factory_boy's ``StepBuilder``). What a user
can see — column values, which parent each row got, the sequence numbers used and the next
ones, the rows in the database — must not differ.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from asyncfactories import Faker, LazyAttribute, ModelFactory, Sequence, SubFactory, post_generation, seed
from asyncfactories.building import fastbuild as _fastbuild
from asyncfactories.building.steps import LayeredStepBuilder

from .models import Comment, Post, User
from .readback import fetch_all


class LeanUserFactory(ModelFactory[User]):
    name = Faker("name")
    email = Sequence(lambda n: f"lean-user{n}@test.example")
    role = "member"


class LeanPostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Lean post {n}")
    author = SubFactory(LeanUserFactory)


class EditorPostFactory(ModelFactory[Post]):
    title = "By an editor"
    author = SubFactory(LeanUserFactory, role="editor", name="Edith")


class ContextPostFactory(ModelFactory[Post]):
    title = "By a reviewer"
    author = SubFactory(LeanUserFactory, role="editor")
    author__role = "reviewer"  # the class body's keyword for the parent wins over SubFactory's


class LeanCommentFactory(ModelFactory[Comment]):
    text = Sequence(lambda n: f"Comment {n}")
    post = SubFactory(LeanPostFactory)
    author = SubFactory(LeanUserFactory)


class HookedUserFactory(ModelFactory[User]):
    name = Faker("name")
    email = Sequence(lambda n: f"hooked{n}@test.example")

    @post_generation
    def badge(user: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805 - factory_boy's signature
        user.role = "created-hooked" if create else "built-hooked"


class HookedPostFactory(ModelFactory[Post]):
    title = "Hooked"
    author = SubFactory(HookedUserFactory)


class ReadingUserFactory(ModelFactory[User]):
    name = Faker("name")
    email = LazyAttribute(lambda o: f"{o.name.lower().replace(' ', '.')}@reading.example")


class ReadingPostFactory(ModelFactory[Post]):
    title = "Reading"
    author = SubFactory(ReadingUserFactory)


class DefaultsUserFactory(ModelFactory[User]):
    email = Sequence(lambda n: f"defaults{n}@test.example")

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {"name": f"Defaulted {cls._next_seq()}"}


class DefaultsPostFactory(ModelFactory[Post]):
    title = "Defaults"
    author = SubFactory(DefaultsUserFactory)


class DeclaredKeywordPostFactory(ModelFactory[Post]):
    title = "Declared keyword"
    author = SubFactory(LeanUserFactory, name=Sequence(lambda n: f"Named {n}"))


_FACTORIES = (
    LeanUserFactory,
    LeanPostFactory,
    EditorPostFactory,
    ContextPostFactory,
    LeanCommentFactory,
    HookedUserFactory,
    HookedPostFactory,
    ReadingUserFactory,
    ReadingPostFactory,
    DefaultsUserFactory,
    DefaultsPostFactory,
    DeclaredKeywordPostFactory,
)


def _restart() -> None:
    seed(11)
    for factory in _FACTORIES:
        factory._reset_seq()


@pytest.fixture
def full_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many instances factory_boy's full ``StepBuilder`` built (top-level and nested)."""
    counted: list[int] = [0]
    original = LayeredStepBuilder.build

    def build(self: LayeredStepBuilder, *args: Any, **kwargs: Any) -> Any:
        counted[0] += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(LayeredStepBuilder, "build", build)
    return counted


def _user(user: User | None) -> tuple[Any, ...] | None:
    return None if user is None else (user.name, user.email, user.role, user.status)


def _post(post: Post) -> tuple[Any, ...]:
    return (post.title, post.body, post.author_id, _user(post.author))


def _next_sequences(*factories: Any) -> tuple[int, ...]:
    return tuple(factory._meta.next_sequence() for factory in factories)


def _lean_then_full(scenario: Callable[[], Any], monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    _restart()
    lean = scenario()
    with monkeypatch.context() as patched:
        patched.setattr(_fastbuild, "_plan", lambda factory: None)  # every build through factory_boy
        _restart()
        full = scenario()
    return lean, full


async def _lean_then_full_async(
    scenario: Callable[[], Awaitable[Any]], monkeypatch: pytest.MonkeyPatch, session: AsyncSession
) -> tuple[Any, Any]:
    _restart()
    lean = await scenario()
    await session.rollback()  # the rows go: the second run reuses the same unique emails
    with monkeypatch.context() as patched:
        patched.setattr(_fastbuild, "_plan", lambda factory: None)
        _restart()
        full = await scenario()
    await session.rollback()
    return lean, full


# --------------------------------------------------------------------------- which path


@pytest.mark.parametrize(
    "factory", [LeanPostFactory, EditorPostFactory, ContextPostFactory, LeanCommentFactory], ids=lambda f: f.__name__
)
def test_a_plain_subfactory_to_a_lean_factory_builds_without_factory_boys_builder(
    factory: Any, full_builds: list[int]
) -> None:
    factory.build_batch(2)
    assert _fastbuild._plan(factory) is not None
    assert full_builds[0] == 0


@pytest.mark.parametrize(
    "factory",
    [HookedPostFactory, ReadingPostFactory, DefaultsPostFactory, DeclaredKeywordPostFactory],
    ids=lambda f: f.__name__,
)
def test_a_subfactory_needing_the_resolver_takes_the_full_path_for_the_whole_object(factory: Any) -> None:
    assert _fastbuild._plan(factory) is None


def test_a_subfactory_cycle_takes_the_full_path() -> None:
    class CyclePostFactory(ModelFactory[Post]):
        title = "Cycle"
        author = SubFactory(f"{__name__}.CycleUserFactory")

    class CycleUserFactory(ModelFactory[User]):
        email = "cycle@test.example"
        posts = SubFactory(CyclePostFactory)  # nonsense for the model; only planning is asked

    globals()["CycleUserFactory"] = CycleUserFactory
    try:
        assert _fastbuild._plan(CyclePostFactory) is None
    finally:
        del globals()["CycleUserFactory"]


def test_a_faker_with_declared_keywords_takes_the_full_path() -> None:
    class RandomNameUserFactory(ModelFactory[User]):
        name = Faker("pystr", max_chars=Sequence(lambda n: n + 5))
        email = Sequence(lambda n: f"pystr{n}@test.example")

    RandomNameUserFactory._reset_seq()
    assert _fastbuild._plan(RandomNameUserFactory) is None
    assert [len(RandomNameUserFactory.build().name) for _ in range(3)] == [5, 6, 7]


# --------------------------------------------------------------------------- same objects as the full path


@pytest.mark.parametrize(
    "factory",
    [LeanPostFactory, EditorPostFactory, ContextPostFactory, HookedPostFactory, ReadingPostFactory],
    ids=lambda f: f.__name__,
)
def test_built_posts_and_authors_are_the_same_on_both_paths(factory: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def scenario() -> Any:
        posts = factory.build_batch(3)
        sub = factory._meta.pre_declarations.declarations["author"].get_factory()
        return [_post(post) for post in posts], _next_sequences(factory, sub)

    lean, full = _lean_then_full(scenario, monkeypatch)
    assert lean == full
    posts, _sequences = lean
    assert len({author for *_columns, author in posts}) == 3  # a new author each


def test_subfactory_keywords_and_class_keywords_reach_the_author() -> None:
    editor = EditorPostFactory.build().author
    assert (editor.name, editor.role) == ("Edith", "editor")
    assert ContextPostFactory.build().author.role == "reviewer"


def test_sequences_of_post_and_author_advance_as_on_the_full_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def scenario() -> Any:
        first = LeanPostFactory.build()
        given = LeanPostFactory.build(author=first.author)  # no new author: its sequence stays
        third = LeanPostFactory.build()
        return [_post(post) for post in (first, given, third)], _next_sequences(LeanPostFactory, LeanUserFactory)

    lean, full = _lean_then_full(scenario, monkeypatch)
    assert lean == full
    (first, given, third), sequences = lean
    assert (first[0], given[0], third[0]) == ("Lean post 0", "Lean post 1", "Lean post 2")
    assert (first[3][1], given[3][1], third[3][1]) == (
        "lean-user0@test.example",
        "lean-user0@test.example",
        "lean-user1@test.example",
    )
    assert sequences == (3, 2)


def test_nested_subfactories_are_the_same_on_both_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    def scenario() -> Any:
        comments = LeanCommentFactory.build_batch(2)
        shown = [(c.text, _post(c.post), _user(c.author)) for c in comments]
        return shown, _next_sequences(LeanCommentFactory, LeanPostFactory, LeanUserFactory)

    lean, full = _lean_then_full(scenario, monkeypatch)
    assert lean == full
    # The post's author is built before the comment's own author, as factory_boy resolves them.
    assert [(post[3][1], author[1]) for _text, post, author in lean[0]] == [
        ("lean-user0@test.example", "lean-user1@test.example"),
        ("lean-user2@test.example", "lean-user3@test.example"),
    ]


def test_an_author_given_in_the_call_is_used_on_the_lean_path(full_builds: list[int]) -> None:
    existing = LeanUserFactory.build(name="Existing")
    posts = LeanPostFactory.build_batch(2, author=existing)
    assert all(post.author is existing for post in posts)
    assert full_builds[0] == 0


def test_a_foreign_key_keyword_replaces_the_author_on_both_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    def scenario() -> Any:
        post = LeanPostFactory.build(author_id=42)
        return _post(post), _next_sequences(LeanUserFactory)

    lean, full = _lean_then_full(scenario, monkeypatch)
    assert lean == full == (("Lean post 0", None, 42, None), (0,))


def test_double_underscore_keywords_take_the_full_path(full_builds: list[int]) -> None:
    post = LeanPostFactory.build(author__name="Given", author__role="owner")
    assert (post.author.name, post.author.role) == ("Given", "owner")
    assert full_builds[0] == 2  # the post and its author


def test_recycled_authors_are_used_on_both_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    def scenario() -> Any:
        first, second = LeanUserFactory.build_batch(2)
        posts = LeanPostFactory.recycle(first, second).build_batch(3)
        comments = LeanCommentFactory.recycle(first, second).build_batch(2)
        authors = [post.author is first for post in posts] + [post.author is second for post in posts]
        comment_authors = [(c.author is first, c.post.author is second) for c in comments]
        return authors, comment_authors, [_post(post) for post in posts], _next_sequences(LeanUserFactory)

    lean, full = _lean_then_full(scenario, monkeypatch)
    assert lean == full
    assert lean[0] == [True, False, True, False, True, False]  # first is posts' 0 and 2, second post 1
    assert lean[1] == [(True, True), (True, True)]
    assert lean[3] == (2,)  # no author was built for a post or a comment


def test_stubbed_posts_get_stubbed_authors() -> None:
    post = LeanPostFactory.build_stubbed()
    assert post.author.id is not None
    assert post.author_id == post.author.id


def test_a_hook_of_the_sub_factory_still_runs_with_the_build_strategy() -> None:
    assert HookedPostFactory.build().author.role == "built-hooked"


def test_a_sub_factory_with_defaults_builds_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    lean, full = _lean_then_full(lambda: [_post(post) for post in DefaultsPostFactory.build_batch(2)], monkeypatch)
    assert lean == full
    assert [author[0] for *_columns, author in lean] == ["Defaulted 1", "Defaulted 2"]


def test_defaults_given_to_a_sub_factory_after_its_first_build_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    class LaterUserFactory(ModelFactory[User]):
        email = Sequence(lambda n: f"later{n}@test.example")

    class LaterPostFactory(ModelFactory[Post]):
        title = "Later"
        author = SubFactory(LaterUserFactory)

    assert LaterPostFactory.build().author.name != "From defaults"
    monkeypatch.setattr(LaterUserFactory, "defaults", classmethod(lambda cls: {"name": "From defaults"}))
    assert LaterPostFactory.build().author.name == "From defaults"


def test_declarations_given_to_a_subfactory_are_resolved_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    lean, full = _lean_then_full(lambda: [_post(p) for p in DeclaredKeywordPostFactory.build_batch(2)], monkeypatch)
    assert lean == full
    assert [author[0] for *_columns, author in lean] == ["Named 0", "Named 1"]


# --------------------------------------------------------------------------- create


@pytest.mark.parametrize("factory", [LeanPostFactory, EditorPostFactory, HookedPostFactory], ids=lambda f: f.__name__)
async def test_created_posts_and_authors_are_the_same_on_both_paths(
    factory: Any, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def scenario() -> Any:
        posts = await factory.create_many(3, session=session)
        for post in posts:
            assert post.id is not None and post.author.id is not None
            assert post.author_id == post.author.id
            assert post in session and post.author in session
        return [(post.title, _user(post.author), post.author.score) for post in posts]

    lean, full = await _lean_then_full_async(scenario, monkeypatch, session)
    assert lean == full
    assert len({author for _title, author, _score in lean}) == 3


async def test_create_many_writes_each_post_with_its_own_author(
    session: AsyncSession, fresh_session: AsyncSession, full_builds: list[int]
) -> None:
    _restart()
    posts = await LeanPostFactory.create_many(4, session=session)
    await session.commit()
    assert full_builds[0] == 0

    rows = await fetch_all(fresh_session, select(Post).options(selectinload(Post.author)).order_by(Post.id))
    assert [(row.id, row.title, row.author_id) for row in rows] == [(p.id, p.title, p.author.id) for p in posts]
    assert [row.title for row in rows] == [f"Lean post {n}" for n in range(4)]
    assert [row.author.email for row in rows] == [f"lean-user{n}@test.example" for n in range(4)]
    assert {row.author.role for row in rows} == {"member"}
    users = await fetch_all(fresh_session, select(User))
    assert len(users) == 4


async def test_a_created_comment_writes_its_post_and_both_authors(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    _restart()
    comment = await LeanCommentFactory.create(session=session)
    await session.commit()

    rows = await fetch_all(fresh_session, select(Comment).options(selectinload(Comment.post).selectinload(Post.author)))
    assert [(row.text, row.post.title, row.post.author.email, row.author_id) for row in rows] == [
        ("Comment 0", "Lean post 0", "lean-user0@test.example", comment.author.id)
    ]


async def test_created_with_an_existing_author_and_with_a_hooked_sub_factory(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    _restart()
    existing = await LeanUserFactory.create(session=session, name="Existing")
    await LeanPostFactory.create_many(2, session=session, author=existing)
    hooked = await HookedPostFactory.create(session=session)
    await session.commit()

    rows = await fetch_all(fresh_session, select(Post).options(selectinload(Post.author)).order_by(Post.id))
    assert [(row.author.name, row.author.role) for row in rows] == [
        ("Existing", "member"),
        ("Existing", "member"),
        (hooked.author.name, "created-hooked"),
    ]
