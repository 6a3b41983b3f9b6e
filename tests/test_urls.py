"""Database URLs shown to people: every secret masked, everything else as written."""

from __future__ import annotations

import pytest
from sqlalchemy import make_url

from asyncfactories.integrations.urls import display_url, scrub_secrets

DISPLAY = {
    "password": ("postgresql+asyncpg://app:pw1@127.0.0.1:5432/db", "postgresql+asyncpg://app:***@127.0.0.1:5432/db"),
    "no password": ("postgresql+asyncpg://app@127.0.0.1/db", "postgresql+asyncpg://app@127.0.0.1/db"),
    "query password": ("mysql+aiomysql://r@127.0.0.1/x?password=pw1", "mysql+aiomysql://r@127.0.0.1/x?password=***"),
    "sslpassword": (
        "postgresql://a@h/d?sslpassword=pw1&sslmode=require",
        "postgresql://a@h/d?sslmode=require&sslpassword=***",
    ),
    "token": ("postgresql://a@h/d?auth_token=pw1", "postgresql://a@h/d?auth_token=***"),
    "harmless query": ("postgresql://a@h/d?application_name=app", "postgresql://a@h/d?application_name=app"),
    "both": ("postgresql://a:pw1@h/d?api_key=pw2", "postgresql://a:***@h/d?api_key=***"),
    "sqlite path": ("sqlite+aiosqlite:///tmp/x.sqlite3", "sqlite+aiosqlite:///tmp/x.sqlite3"),
}


@pytest.mark.parametrize(("url", "shown"), list(DISPLAY.values()), ids=list(DISPLAY))
def test_display_url_masks_every_secret(url: str, shown: str) -> None:
    assert display_url(make_url(url)) == shown


SCRUB = {
    "password in a driver message": (
        "postgresql://app:hunter2@h/d",
        'password authentication failed: "hunter2" rejected',
        'password authentication failed: "***" rejected',
    ),
    "query secret": ("mysql://r@h/x?password=hunter2", "bad hunter2", "bad ***"),
    "short secret as a word": ("postgresql://app:an@h/d", "is an answer", "is *** answer"),
    "short secret is not cut out of words": ("postgresql://app:an@h/d", "planned", "planned"),
    "longer secret first": ("postgresql://a:abc@h/d?token=abcdef", "abcdef and abc", "*** and ***"),
    "no secret": ("postgresql://a@h/d", "refused", "refused"),
}


@pytest.mark.parametrize(("url", "message", "scrubbed"), list(SCRUB.values()), ids=list(SCRUB))
def test_scrub_secrets_replaces_whole_values_only(url: str, message: str, scrubbed: str) -> None:
    assert scrub_secrets(message, make_url(url)) == scrubbed


DEFAULT_DRIVERS = {
    "postgresql://u@h/d": "postgresql+asyncpg",
    # asyncmy, not aiomysql: aiomysql 0.3 with PyMySQL >= 1.2 cannot send bytes (aio-libs/aiomysql#1080).
    "mysql://u@h/d": "mysql+asyncmy",
    "mariadb://u@h/d": "mariadb+asyncmy",
    "sqlite:///x.sqlite3": "sqlite+aiosqlite",
    "mysql+aiomysql://u@h/d": "mysql+aiomysql",  # a driver the user names is kept
}


@pytest.mark.parametrize(("given", "driver"), list(DEFAULT_DRIVERS.items()), ids=list(DEFAULT_DRIVERS))
def test_the_cli_gives_a_url_without_a_driver_the_default_async_one(given: str, driver: str) -> None:
    from asyncfactories.cli.database import parse_url

    assert parse_url(given).drivername == driver
