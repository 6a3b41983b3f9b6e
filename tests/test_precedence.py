"""SPEC §5.3: which value wins, for top-level calls and for instances built as a SubFactory.

Lowest first: class declarations < ``defaults()`` < states in the order given (a trait switched
on by ``admin=True`` counts as a state, after the named ones) < call keywords. A keyword for a
relationship's foreign-key column replaces that relationship's parent: no parent is built.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories import ModelFactory, Sequence, SubFactory, Trait

from .conftest import StatementLog
from .factories import UserFactory
from .models import Comment, Post, User
from .persistence_helpers import count_rows
from .readback import fetch_one


class LayeredUserFactory(ModelFactory[User]):
    name = "declared name"
    email = Sequence(lambda n: f"layered{n}@test.example")
    role = "declared role"
    status = "declared status"

    class Params:
        admin = Trait(role="admin", name="Admin User")
        vip = Trait(role="vip", status="vip status")

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {"name": "default name", "role": "default role", "status": "default status"}

    @classmethod
    def state_suspended(cls) -> dict[str, Any]:
        return {"status": "suspended", "role": "suspended role"}

    @classmethod
    def state_banned(cls) -> dict[str, Any]:
        return {"status": "banned"}


class LayeredPostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Layered post {n}")
    author = SubFactory(LayeredUserFactory)


class AdminAuthorPostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Admin-authored post {n}")
    author = SubFactory(LayeredUserFactory, admin=True)


class VipThenAdminAuthorPostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Vip-then-admin post {n}")
    author = SubFactory(LayeredUserFactory, vip=True, admin=True)


class AdminThenVipAuthorPostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Admin-then-vip post {n}")
    author = SubFactory(LayeredUserFactory, admin=True, vip=True)


class AdminAuthorWithRolePostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Keyword-author post {n}")
    author = SubFactory(LayeredUserFactory, admin=True, role="subfactory keyword")


class LayeredCommentFactory(ModelFactory[Comment]):
    text = "layered"
    post = SubFactory(LayeredPostFactory)
    author = SubFactory(LayeredUserFactory)


def _fields(user: User) -> tuple[str, str, str]:
    return user.name, user.role, user.status


# --------------------------------------------------------------------------- top-level calls


def test_defaults_beat_class_declarations() -> None:
    user = LayeredUserFactory.build()
    assert _fields(user) == ("default name", "default role", "default status")
    assert user.email.startswith("layered")  # declared, not in defaults(): kept


def test_a_state_beats_defaults() -> None:
    user = LayeredUserFactory.state("suspended").build()
    assert _fields(user) == ("default name", "suspended role", "suspended")


def test_a_trait_state_beats_defaults() -> None:
    assert _fields(LayeredUserFactory.state("admin").build()) == ("Admin User", "admin", "default status")


def test_a_later_state_beats_an_earlier_one() -> None:
    user = LayeredUserFactory.state("suspended", "banned").build()
    assert _fields(user) == ("default name", "suspended role", "banned")
    assert LayeredUserFactory.state("banned", "suspended").build().status == "suspended"


def test_a_keyword_beats_every_state() -> None:
    user = LayeredUserFactory.state("suspended", "banned", "admin").build(status="keyword", role="keyword role")
    assert _fields(user) == ("Admin User", "keyword role", "keyword")


def test_a_trait_switched_on_by_keyword_beats_defaults() -> None:
    assert _fields(LayeredUserFactory.build(admin=True)) == ("Admin User", "admin", "default status")


def test_a_trait_switched_on_by_keyword_comes_after_the_named_states() -> None:
    user = LayeredUserFactory.state("suspended").build(vip=True)
    assert _fields(user) == ("default name", "vip", "vip status")


def test_traits_switched_on_by_keyword_apply_in_the_order_given() -> None:
    assert LayeredUserFactory.build(vip=True, admin=True).role == "admin"
    assert LayeredUserFactory.build(admin=True, vip=True).role == "vip"


def test_a_keyword_beats_a_trait_switched_on_by_keyword() -> None:
    assert _fields(LayeredUserFactory.build(admin=True, role="keyword role")) == (
        "Admin User",
        "keyword role",
        "default status",
    )


def test_a_trait_switched_off_by_keyword_does_not_apply() -> None:
    assert _fields(LayeredUserFactory.build(admin=False)) == ("default name", "default role", "default status")


def test_attributes_follow_the_same_precedence() -> None:
    values = LayeredUserFactory.state("suspended").attributes(admin=True, status="keyword")
    assert {key: values[key] for key in ("name", "role", "status")} == {
        "name": "Admin User",
        "role": "admin",
        "status": "keyword",
    }
    assert "admin" not in values


class AutoUserFactory(ModelFactory[User]):
    """No declarations: name and email are generated from the columns (SPEC §6)."""

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {"name": "default name"}

    @classmethod
    def state_mailed(cls) -> dict[str, Any]:
        return {"email": "state@test.example"}


class AutoPostFactory(ModelFactory[Post]):
    """No declarations: the author is an automatic parent (SPEC §6.3)."""


def test_defaults_and_states_beat_generated_values() -> None:
    generated = AutoUserFactory.build()
    assert generated.name == "default name"
    assert generated.email  # generated
    assert AutoUserFactory.state("mailed").build().email == "state@test.example"


def test_a_foreign_key_keyword_replaces_an_automatic_parent() -> None:
    assert AutoPostFactory.build().author is not None
    post = AutoPostFactory.build(author_id=54321)
    assert post.author is None
    assert post.author_id == 54321


# --------------------------------------------------------------------------- SubFactory


def test_defaults_beat_class_declarations_in_a_subfactory() -> None:
    post = LayeredPostFactory.build()
    assert _fields(post.author) == ("default name", "default role", "default status")


def test_defaults_apply_at_every_depth() -> None:
    comment = LayeredCommentFactory.build()
    assert _fields(comment.author) == ("default name", "default role", "default status")
    assert _fields(comment.post.author) == ("default name", "default role", "default status")


def test_a_trait_declared_on_the_subfactory_beats_defaults() -> None:
    assert _fields(AdminAuthorPostFactory.build().author) == ("Admin User", "admin", "default status")


def test_a_trait_passed_as_deep_keyword_beats_defaults() -> None:
    assert _fields(LayeredPostFactory.build(author__admin=True).author) == ("Admin User", "admin", "default status")
    comment = LayeredCommentFactory.build(post__author__vip=True)
    assert _fields(comment.post.author) == ("default name", "vip", "vip status")


def test_a_later_trait_beats_an_earlier_one_in_a_subfactory() -> None:
    assert VipThenAdminAuthorPostFactory.build().author.role == "admin"
    assert AdminThenVipAuthorPostFactory.build().author.role == "vip"
    # A deep keyword comes after the SubFactory's own keywords.
    assert AdminAuthorPostFactory.build(author__vip=True).author.role == "vip"


def test_a_deep_keyword_beats_the_subfactorys_trait() -> None:
    post = AdminAuthorPostFactory.build(author__role="deep keyword", author__status="deep status")
    assert _fields(post.author) == ("Admin User", "deep keyword", "deep status")


def test_a_keyword_of_the_subfactory_declaration_beats_its_trait() -> None:
    assert _fields(AdminAuthorWithRolePostFactory.build().author) == (
        "Admin User",
        "subfactory keyword",
        "default status",
    )
    # ... and a deep keyword of the call beats the declaration's keyword.
    assert AdminAuthorWithRolePostFactory.build(author__role="deep").author.role == "deep"


async def test_subfactory_precedence_holds_when_creating(session: AsyncSession, fresh_session: AsyncSession) -> None:
    post = await AdminAuthorPostFactory.create(session=session, author__status="deep status")
    plain = await LayeredPostFactory.create(session=session)
    await session.commit()
    author = await fetch_one(fresh_session, select(User).where(User.id == post.author_id))
    assert _fields(author) == ("Admin User", "admin", "deep status")
    plain_author = await fetch_one(fresh_session, select(User).where(User.id == plain.author_id))
    assert _fields(plain_author) == ("default name", "default role", "default status")


async def test_states_and_keywords_win_when_creating(session: AsyncSession, fresh_session: AsyncSession) -> None:
    user = await LayeredUserFactory.state("suspended", "banned").create(session=session, admin=True, name="Kw")
    await session.commit()
    row = await fetch_one(fresh_session, select(User).where(User.id == user.id))
    assert _fields(row) == ("Kw", "admin", "banned")


# --------------------------------------------------------------------------- foreign-key keywords


def test_a_foreign_key_keyword_replaces_the_subfactory_when_building() -> None:
    post = LayeredPostFactory.build(author_id=12345)
    assert post.author is None
    assert post.author_id == 12345


async def test_a_foreign_key_keyword_builds_no_parent(
    session: AsyncSession, fresh_session: AsyncSession, statements: StatementLog
) -> None:
    user = await UserFactory.create(session=session)
    await session.commit()
    assert await count_rows(fresh_session, User) == 1
    statements.clear()

    posts = await LayeredPostFactory.create_many(3, session=session, author_id=user.id)
    await session.commit()

    assert not any(sql.lstrip().upper().startswith("INSERT INTO USERS") for sql in statements.statements)
    assert await count_rows(fresh_session, User) == 1
    assert await count_rows(fresh_session, Post, author_id=user.id) == 3
    assert [post.author_id for post in posts] == [user.id] * 3
    row = await fetch_one(fresh_session, select(Post).where(Post.id == posts[0].id))
    assert row.author_id == user.id


async def test_a_foreign_key_deep_keyword_builds_no_parent_at_depth(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    user = await UserFactory.create(session=session)
    comment = await LayeredCommentFactory.create(session=session, post__author_id=user.id, author_id=user.id)
    await session.commit()
    assert await count_rows(fresh_session, User) == 1
    row = await fetch_one(fresh_session, select(Comment).where(Comment.id == comment.id))
    assert row.author_id == user.id
    post = await fetch_one(fresh_session, select(Post).where(Post.id == row.post_id))
    assert post.author_id == user.id


@pytest.mark.parametrize("state", ["admin", "suspended"])
def test_a_foreign_key_keyword_wins_with_states_on_the_child(state: str) -> None:
    class StatefulPostFactory(LayeredPostFactory):
        class Params:
            featured = Trait(title="Featured")

    post = StatefulPostFactory.state("featured").build(author_id=7, author__role=state)
    assert post.author is None
    assert (post.author_id, post.title) == (7, "Featured")
