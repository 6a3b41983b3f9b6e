import pytest
from models import Base, User

from asyncfactories import ModelFactory, Sequence
from asyncfactories.pytest_plugin import register_fixture


@register_fixture
class UserFactory(ModelFactory[User]):
    email = Sequence(lambda n: f"user{n}@example.com")


@pytest.fixture(scope="session")
def af_metadata():
    return Base.metadata
