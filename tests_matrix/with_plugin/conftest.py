import pytest
from models import Base, User

from asyncfactories import ModelFactory, Sequence
from asyncfactories.pytest_plugin import register_fixture


@register_fixture  # user, user_factory
class UserFactory(ModelFactory[User]):
    email = Sequence(lambda n: f"user{n}@example.com")


@register_fixture  # admin_user, admin_user_factory: a second factory of the same model
class AdminUserFactory(UserFactory):
    email = Sequence(lambda n: f"admin{n}@example.com")


@pytest.fixture(scope="session")
def af_metadata():
    return Base.metadata
