"""The test data factories."""

from __future__ import annotations

from myapp.models import Post, User

from asyncfactories import Faker, ModelFactory, Sequence, SubFactory


class UserFactory(ModelFactory[User]):
    name = Faker("name")
    email = Sequence(lambda n: f"user{n}@example.com")


class PostFactory(ModelFactory[Post]):
    title = Faker("sentence")
    author = SubFactory(UserFactory)
