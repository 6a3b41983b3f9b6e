"""Factories for ``tests/models.py``, written as a user would write them."""

from __future__ import annotations

from asyncfactories import Faker, ModelFactory, Sequence, SubFactory, Trait

from .models import Comment, Post, Tag, User


class UserFactory(ModelFactory[User]):
    name = Faker("name")
    email = Sequence(lambda n: f"user{n}@test.example")

    class Params:
        admin = Trait(role="admin", name="Admin User")


class PostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Post {n}")
    author = SubFactory(UserFactory)


class TagFactory(ModelFactory[Tag]):
    name = Sequence(lambda n: f"tag-{n}")


class CommentFactory(ModelFactory[Comment]):
    text = "Nice post"
    post = SubFactory(PostFactory)
    author = SubFactory(UserFactory)
