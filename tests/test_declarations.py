"""SPEC §2.2: every factory_boy declaration, re-exported as the very same object, works in
``build`` and in ``create``; SubFactory, RelatedFactory and post-generation hooks persist
through the session of the outer call."""

from __future__ import annotations

from collections.abc import Iterator as IteratorType
from itertools import pairwise
from typing import Any

import factory
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

import asyncfactories
import asyncfactories.building.declarations
from asyncfactories import (
    Dict,
    Faker,
    Iterator,
    LazyAttribute,
    LazyAttributeSequence,
    LazyFunction,
    List,
    Maybe,
    ModelFactory,
    PostGeneration,
    RelatedFactory,
    RelatedFactoryList,
    SelfAttribute,
    Sequence,
    SubFactory,
    Transformer,
    post_generation,
)

from .factories import PostFactory, TagFactory, UserFactory
from .models import Comment, Post, Profile, Tag, User
from .readback import fetch_all, fetch_one

FACTORY_BOY_DECLARATIONS: dict[str, object] = {
    "Sequence": factory.Sequence,
    "LazyAttribute": factory.LazyAttribute,
    "LazyFunction": factory.LazyFunction,
    "LazyAttributeSequence": factory.LazyAttributeSequence,
    "SelfAttribute": factory.SelfAttribute,
    "SubFactory": factory.SubFactory,
    "RelatedFactory": factory.RelatedFactory,
    "RelatedFactoryList": factory.RelatedFactoryList,
    "Trait": factory.Trait,
    "Maybe": factory.Maybe,
    "Iterator": factory.Iterator,
    "Dict": factory.Dict,
    "List": factory.List,
    "Faker": factory.Faker,
    "Transformer": factory.Transformer,
    "post_generation": factory.post_generation,
    "PostGeneration": factory.PostGeneration,
}


@pytest.mark.parametrize("name", FACTORY_BOY_DECLARATIONS)
def test_declaration_is_factory_boys_own_object(name: str) -> None:
    assert getattr(asyncfactories, name) is FACTORY_BOY_DECLARATIONS[name]
    assert getattr(asyncfactories.building.declarations, name) is FACTORY_BOY_DECLARATIONS[name]
    assert name in asyncfactories.__all__


async def _commit(session: AsyncSession) -> None:
    assert not session.new, "create left pending objects behind"
    await session.commit()


# --------------------------------------------------------------------------- Sequence


class SequenceUserFactory(ModelFactory[User]):
    name = Sequence(lambda n: f"Sequence User {n}")
    email = Sequence(lambda n: f"sequence{n}@test.example")


def _sequence_number(user: User) -> int:
    return int(user.email.removeprefix("sequence").removesuffix("@test.example"))


def test_sequence_in_build() -> None:
    first, second = SequenceUserFactory.build_batch(2)
    n = _sequence_number(first)
    assert first.name == f"Sequence User {n}"
    assert _sequence_number(second) == n + 1


async def test_sequence_in_create(session: AsyncSession, fresh_session: AsyncSession) -> None:
    users = await SequenceUserFactory.create_many(2, session=session)
    await _commit(session)
    emails = await fetch_all(fresh_session, select(User.email).order_by(User.id))
    assert emails == [user.email for user in users]
    assert _sequence_number(users[1]) == _sequence_number(users[0]) + 1


# --------------------------------------------------------------------------- Lazy*


class LazyUserFactory(ModelFactory[User]):
    name = Sequence(lambda n: f"Lazy User{n}")
    email = LazyAttribute(lambda user: f"{user.name.lower().replace(' ', '.')}@test.example")
    role = LazyFunction(lambda: "editor")
    status = LazyAttributeSequence(lambda user, n: f"{user.role}-{n}")


def test_lazy_declarations_in_build() -> None:
    user = LazyUserFactory.build(name="Grace Hopper")
    assert user.email == "grace.hopper@test.example"  # LazyAttribute
    assert user.role == "editor"  # LazyFunction
    assert user.status.startswith("editor-")  # LazyAttributeSequence
    assert LazyUserFactory.build(role="admin").status.startswith("admin-")


async def test_lazy_declarations_in_create(session: AsyncSession, fresh_session: AsyncSession) -> None:
    user = await LazyUserFactory.create(session=session, name="Grace Hopper")
    await _commit(session)
    row = await fetch_one(fresh_session, select(User).where(User.id == user.id))
    assert row.email == "grace.hopper@test.example"
    assert row.role == "editor"
    assert row.status == user.status
    assert row.status.startswith("editor-")


# --------------------------------------------------------------------------- SelfAttribute


class SelfAttributePostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Self-referencing {n}")
    body = SelfAttribute("title")
    # "..title" reads the title of the post the author is built for.
    author = SubFactory(UserFactory, name=SelfAttribute("..title"))


class SamePersonCommentFactory(ModelFactory[Comment]):
    text = "Replying to myself"
    post = SubFactory(PostFactory)
    author = SelfAttribute("post.author")  # a dotted path through a SubFactory


def test_self_attribute_in_build() -> None:
    post = SelfAttributePostFactory.build()
    assert post.body == post.title
    assert post.author.name == post.title
    comment = SamePersonCommentFactory.build()
    assert comment.author is comment.post.author


async def test_self_attribute_in_create(session: AsyncSession, fresh_session: AsyncSession) -> None:
    post = await SelfAttributePostFactory.create(session=session)
    comment = await SamePersonCommentFactory.create(session=session)
    await _commit(session)
    post_row = await fetch_one(fresh_session, select(Post).where(Post.id == post.id).options(selectinload(Post.author)))
    assert post_row.body == post_row.title == post_row.author.name
    comment_row = await fetch_one(
        fresh_session, select(Comment).where(Comment.id == comment.id).options(selectinload(Comment.post))
    )
    assert comment_row.author_id == comment_row.post.author_id == comment.post.author.id


class AuthorIdPostFactory(ModelFactory[Post]):
    title = "Reads a generated key"
    author = SubFactory(UserFactory)
    body = LazyAttribute(lambda post: f"by user #{post.author.id}")


async def test_a_declaration_reading_a_parents_generated_key_gets_it(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    posts = await AuthorIdPostFactory.create_many(2, session=session)
    await _commit(session)
    rows = await fetch_all(fresh_session, select(Post).order_by(Post.id))
    assert [row.body for row in rows] == [f"by user #{post.author_id}" for post in posts]
    assert all(post.author_id is not None for post in posts)


# --------------------------------------------------------------------------- SubFactory


def test_sub_factory_in_build() -> None:
    post = PostFactory.build(author__name="Deep Keyword")
    assert isinstance(post.author, User)
    assert post.author.name == "Deep Keyword"
    assert post.author.id is None


async def test_sub_factory_in_create_persists_through_the_same_session(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    post = await PostFactory.create(session=session, author__name="Deep Keyword")
    assert post.author in session
    assert post.author_id == post.author.id is not None
    await _commit(session)
    row = await fetch_one(fresh_session, select(Post).where(Post.id == post.id).options(selectinload(Post.author)))
    assert row.author.name == "Deep Keyword"
    assert row.author.id == post.author.id


# --------------------------------------------------------------------------- RelatedFactory(List)


class PostCommentFactory(ModelFactory[Comment]):
    text = "First!"
    author = SelfAttribute("post.author")


class RelatedPostFactory(ModelFactory[Post]):
    title = "With comments"
    author = SubFactory(UserFactory)
    welcome = RelatedFactory(PostCommentFactory, factory_related_name="post", text="Welcome")
    replies = RelatedFactoryList(PostCommentFactory, factory_related_name="post", size=2, text="Reply")


def test_related_factories_in_build() -> None:
    post = RelatedPostFactory.build(welcome__text="Hello")
    assert sorted(comment.text for comment in post.comments) == ["Hello", "Reply", "Reply"]
    assert all(comment.post is post and comment.author is post.author for comment in post.comments)


async def test_related_factories_in_create_persist_through_the_same_session(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    post = await RelatedPostFactory.create(session=session, welcome__text="Hello")
    assert all(comment in session and comment.id is not None for comment in post.comments)
    await _commit(session)
    rows = await fetch_all(fresh_session, select(Comment).where(Comment.post_id == post.id).order_by(Comment.id))
    assert sorted(row.text for row in rows) == ["Hello", "Reply", "Reply"]
    assert {row.author_id for row in rows} == {post.author_id}


# --------------------------------------------------------------------------- Trait, Maybe


def test_trait_flag_in_build() -> None:
    admin = UserFactory.build(admin=True)
    assert (admin.role, admin.name) == ("admin", "Admin User")
    assert UserFactory.build(admin=False).role != "admin"


async def test_trait_flag_in_create(session: AsyncSession, fresh_session: AsyncSession) -> None:
    admin = await UserFactory.create(session=session, admin=True)
    plain = await UserFactory.create(session=session)
    await _commit(session)
    rows = await fetch_all(fresh_session, select(User).order_by(User.id))
    assert [(row.id, row.role, row.name) for row in rows] == [
        (admin.id, "admin", "Admin User"),
        (plain.id, "user", plain.name),
    ]


class MaybePostFactory(ModelFactory[Post]):
    title = "Maybe published"
    author = SubFactory(UserFactory)
    body = Maybe("published", yes_declaration=LazyAttribute(lambda post: f"{post.title}: body"), no_declaration=None)

    class Params:
        published = False


def test_maybe_in_build() -> None:
    assert MaybePostFactory.build().body is None
    assert MaybePostFactory.build(published=True).body == "Maybe published: body"


async def test_maybe_in_create(session: AsyncSession, fresh_session: AsyncSession) -> None:
    draft = await MaybePostFactory.create(session=session)
    published = await MaybePostFactory.create(session=session, published=True)
    await _commit(session)
    assert draft.id < published.id
    bodies = await fetch_all(fresh_session, select(Post.body).order_by(Post.id))
    assert bodies == [None, "Maybe published: body"]


# --------------------------------------------------------------------------- Iterator


class IteratorUserFactory(ModelFactory[User]):
    name = "Iterated"
    email = Sequence(lambda n: f"iterator{n}@test.example")
    role = Iterator(["reader", "writer"])


def _alternates(values: list[str]) -> bool:
    return set(values) == {"reader", "writer"} and all(a != b for a, b in pairwise(values))


def test_iterator_in_build() -> None:
    assert _alternates([user.role for user in IteratorUserFactory.build_batch(4)])


async def test_iterator_in_create(session: AsyncSession, fresh_session: AsyncSession) -> None:
    await IteratorUserFactory.create_many(4, session=session)
    await _commit(session)
    assert _alternates(await fetch_all(fresh_session, select(User.role).order_by(User.id)))


# --------------------------------------------------------------------------- Dict, List


class ProfileFactory(ModelFactory[Profile]):
    first_name = "Ada"
    last_name = "Lovelace"
    settings = Dict({"theme": "dark", "owner": SelfAttribute("..first_name")})
    labels = List(["staff", LazyFunction(lambda: "engineer")])


class TaggedPostFactory(ModelFactory[Post]):
    title = "Tagged"
    author = SubFactory(UserFactory)
    tags = List([SubFactory(TagFactory), SubFactory(TagFactory)])


def test_dict_and_list_in_build() -> None:
    profile = ProfileFactory.build(settings__theme="light")
    assert profile.settings == {"theme": "light", "owner": "Ada"}
    assert profile.labels == ["staff", "engineer"]
    post = TaggedPostFactory.build()
    assert len(post.tags) == 2
    assert all(isinstance(tag, Tag) and tag.id is None for tag in post.tags)


async def test_dict_and_list_in_create(session: AsyncSession, fresh_session: AsyncSession) -> None:
    profile = await ProfileFactory.create(session=session, settings__theme="light")
    post = await TaggedPostFactory.create(session=session)
    assert all(tag in session and tag.id is not None for tag in post.tags)
    await _commit(session)
    profile_row = await fetch_one(fresh_session, select(Profile).where(Profile.id == profile.id))
    assert profile_row.settings == {"theme": "light", "owner": "Ada"}
    assert profile_row.labels == ["staff", "engineer"]
    post_row = await fetch_one(fresh_session, select(Post).where(Post.id == post.id).options(selectinload(Post.tags)))
    assert sorted(tag.name for tag in post_row.tags) == sorted(tag.name for tag in post.tags)


# --------------------------------------------------------------------------- Faker, Transformer


class FakerUserFactory(ModelFactory[User]):
    name = Faker("name")
    email = Sequence(lambda n: f"faker{n}@test.example")
    status = Faker("pystr", min_chars=5, max_chars=10)


def test_faker_in_build() -> None:
    user = FakerUserFactory.build()
    assert isinstance(user.name, str) and user.name
    assert 5 <= len(user.status) <= 10


async def test_faker_in_create(session: AsyncSession, fresh_session: AsyncSession) -> None:
    users = await FakerUserFactory.create_many(3, session=session)
    await _commit(session)
    assert await fetch_all(fresh_session, select(User.name).order_by(User.id)) == [user.name for user in users]


class TransformerUserFactory(ModelFactory[User]):
    name = Transformer("ada lovelace", transform=str.title)
    email = Sequence(lambda n: f"transformer{n}@test.example")


def test_transformer_in_build() -> None:
    assert TransformerUserFactory.build().name == "Ada Lovelace"
    assert TransformerUserFactory.build(name="grace hopper").name == "Grace Hopper"
    assert TransformerUserFactory.build(name=Transformer.Force("as is")).name == "as is"


async def test_transformer_in_create(session: AsyncSession, fresh_session: AsyncSession) -> None:
    user = await TransformerUserFactory.create(session=session, name="grace hopper")
    await _commit(session)
    assert await fetch_one(fresh_session, select(User.name).where(User.id == user.id)) == "Grace Hopper"


# --------------------------------------------------------------------------- post_generation


#: What a hook saw: (hook name, instance, create, extracted, extra keywords).
HookCall = tuple[str, Any, bool, Any, dict[str, Any]]
hook_calls: list[HookCall] = []


@pytest.fixture
def calls() -> IteratorType[list[HookCall]]:
    hook_calls.clear()
    yield hook_calls
    hook_calls.clear()


def _audit(post: Post, create: bool, extracted: Any, **kwargs: Any) -> None:
    hook_calls.append(("audit", post, create, extracted, kwargs))
    post.body = f"audited ({'create' if create else 'build'})"


class HookedPostFactory(ModelFactory[Post]):
    title = "Hooked"
    author = SubFactory(UserFactory)
    audit = PostGeneration(_audit)

    @post_generation
    def tags(post: Post, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805 - factory_boy's signature
        hook_calls.append(("tags", post, create, extracted, kwargs))
        if extracted:
            post.tags.extend(extracted)
        elif create:
            # A hook creating rows: the nested call persists through the outer call's session.
            post.tags.append(TagFactory.create_sync(name=kwargs.get("name", "from-hook")))


def test_post_generation_in_build_gets_create_false(calls: list[HookCall]) -> None:
    post = HookedPostFactory.build()
    assert {(call[0], call[1] is post, call[2], call[3]) for call in calls} == {
        ("audit", True, False, None),
        ("tags", True, False, None),
    }
    assert post.body == "audited (build)"
    assert post.tags == []


def test_post_generation_receives_extracted_and_extra_keywords(calls: list[HookCall]) -> None:
    tag = TagFactory.build()
    post = HookedPostFactory.build(tags=[tag], tags__source="keyword", audit="reason")
    seen = {call[0]: call for call in calls}
    assert seen["tags"][3] == [tag]
    assert seen["tags"][4] == {"source": "keyword"}
    assert seen["audit"][3] == "reason"
    assert post.tags == [tag]


async def test_post_generation_in_create_gets_create_true_and_persists(
    session: AsyncSession, fresh_session: AsyncSession, calls: list[HookCall]
) -> None:
    post = await HookedPostFactory.create(session=session, tags__name="made-in-hook")
    assert {(call[0], call[1] is post, call[2], call[3]) for call in calls} == {
        ("audit", True, True, None),
        ("tags", True, True, None),
    }
    [tag] = post.tags
    assert tag in session and tag.id is not None
    await _commit(session)
    row = await fetch_one(fresh_session, select(Post).where(Post.id == post.id).options(selectinload(Post.tags)))
    assert row.body == "audited (create)"  # a change made by a hook is written too
    assert [tag.name for tag in row.tags] == ["made-in-hook"]


async def test_post_generation_extracted_objects_are_linked_in_create(
    session: AsyncSession, fresh_session: AsyncSession, calls: list[HookCall]
) -> None:
    existing = await TagFactory.create_many(2, session=session)
    post = await HookedPostFactory.create(session=session, tags=existing)
    assert next(call for call in calls if call[0] == "tags")[3] == existing
    await _commit(session)
    row = await fetch_one(fresh_session, select(Post).where(Post.id == post.id).options(selectinload(Post.tags)))
    assert sorted(tag.id for tag in row.tags) == sorted(tag.id for tag in existing)
    assert await fetch_all(fresh_session, select(Tag.id).order_by(Tag.id)) == sorted(tag.id for tag in existing)
