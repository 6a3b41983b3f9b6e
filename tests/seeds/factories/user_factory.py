"""tests/factories/user_factory.py of the guide, plus its "specific factories for test scenarios"."""

from __future__ import annotations

from asyncfactories import Use

from ..models import User
from .base import BaseFactory

KNOWN_PASSWORD_HASH = "$2b$12$LQv3c1yqBWVHxkd0LHAkCOYz6TtxMQJqhN8/LewY5NU7xELq1aDDq"  # "password"


class UserFactory(BaseFactory[User]):
    email = Use(lambda: UserFactory.__faker__.unique.email())
    username = Use(lambda: UserFactory.__faker__.unique.user_name())
    hashed_password = KNOWN_PASSWORD_HASH
    is_active = True


class AdminUserFactory(UserFactory):
    is_superuser = True


class InactiveUserFactory(UserFactory):
    is_active = False
    deleted_at = Use(lambda: UserFactory.__faker__.date_time_this_year())
