"""Readable strings: realistic values for well-known column names, a few words otherwise.

Every function picks from the fixed lists in ``words.py`` with the given ``Random``; none calls
Faker. ``realistic(kind, random, length)`` never exceeds ``length``; ``unique(...)`` builds the
same kind of value around a number with ``unique.tagged`` so it never repeats.
"""

from __future__ import annotations

from collections.abc import Callable
from random import Random

from .unique import tagged
from .words import CITIES, COUNTRIES, COUNTRY_CODES, DOMAINS, FIRST_NAMES, LAST_NAMES, STREET_SUFFIXES, WORDS

__all__ = ["realistic", "unique", "word_list", "words"]

_LOWER = "abcdefghijklmnopqrstuvwxyz"


def words(random: Random, count: int) -> str:
    """``count`` random words separated by spaces."""
    return " ".join(random.choice(WORDS) for _ in range(count))


def word_list(random: Random, count: int) -> list[str]:
    return [random.choice(WORDS) for _ in range(count)]


def _person(random: Random) -> tuple[str, str]:
    return random.choice(FIRST_NAMES), random.choice(LAST_NAMES)


def _email(random: Random) -> str:
    first, last = _person(random)
    return f"{first}.{last}@{random.choice(DOMAINS)}".lower()


def _username(random: Random) -> str:
    first, last = _person(random)
    return f"{first}{last[:1]}_{random.choice(WORDS)}".lower()


def _phone(random: Random) -> str:
    return f"+1 555-{random.randrange(100, 1000)}-{random.randrange(10_000):04d}"


def _url(random: Random) -> str:
    return f"https://www.{random.choice(DOMAINS)}/{random.choice(WORDS)}/{random.choice(WORDS)}"


def _sentence(random: Random) -> str:
    return words(random, random.randint(6, 14)).capitalize() + "."


def _title(random: Random) -> str:
    return words(random, random.randint(2, 5)).capitalize()


def _address(random: Random) -> str:
    return f"{random.randint(1, 999)} {random.choice(WORDS).capitalize()} {random.choice(STREET_SUFFIXES)}"


def _company(random: Random) -> str:
    return f"{random.choice(LAST_NAMES)} {random.choice(('Group', 'Labs', 'Partners', 'Systems', 'Works'))}"


_MAKERS: dict[str, Callable[[Random], str]] = {
    "email": _email,
    "first_name": lambda random: random.choice(FIRST_NAMES),
    "last_name": lambda random: random.choice(LAST_NAMES),
    "name": lambda random: " ".join(_person(random)),
    "username": _username,
    "phone": _phone,
    "url": _url,
    "city": lambda random: random.choice(CITIES),
    "country": lambda random: random.choice(COUNTRIES),
    "title": _title,
    "description": _sentence,
    "slug": lambda random: f"{random.choice(WORDS)}-{random.choice(WORDS)}",
    "address": _address,
    "company": _company,
    "postcode": lambda random: f"{random.randrange(10_000, 100_000)}",
}


def _plain(random: Random) -> str:
    return words(random, random.randint(1, 3))


def _fit(value: str, length: int | None, random: Random) -> str:
    if length is None or len(value) <= length:
        return value
    cut = value[:length]
    if " " in cut and value[length] != " ":  # drop the word cut in half
        cut = cut.rsplit(" ", 1)[0]
    cut = cut.rstrip(" .-_@")
    return cut or "".join(random.choice(_LOWER) for _ in range(length))


def realistic(kind: str, random: Random, length: int | None) -> str:
    """A value of ``kind`` (see ``columns.column_kind``) of at most ``length`` characters."""
    if kind == "country" and length is not None and length <= 3:
        return random.choice(COUNTRY_CODES)[:length]
    if kind == "email" and length is not None:
        return _fit(_short_email(random, length), length, random)
    return _fit(_MAKERS.get(kind, _plain)(random), length, random)


def _short_email(random: Random, length: int) -> str:
    first, last = _person(random)
    domain = random.choice(DOMAINS)
    local = f"{first}.{last}".lower()
    room = length - len(domain) - 1
    return f"{local[:room]}@{domain}" if room >= 1 else local


#: ``kind -> (prefix maker, suffix)`` for unique values; the number goes between them.
_UNIQUE_PARTS: dict[str, tuple[Callable[[Random], str], str]] = {
    "email": (lambda random: "{}.{}".format(*_person(random)).lower(), "@example.com"),
    "username": (lambda random: "{}{}".format(*_person(random)).lower(), ""),
    "url": (lambda random: f"https://www.example.com/{random.choice(WORDS)}-", ""),
    "slug": (lambda random: f"{random.choice(WORDS)}-{random.choice(WORDS)}-", ""),
    "phone": (lambda random: "+1 555 ", ""),
    "postcode": (lambda random: "", ""),
}


def unique(kind: str, random: Random, length: int | None, n: int, key: str) -> str:
    """A value of ``kind`` that differs for every ``n`` (see ``unique.tagged``)."""
    parts = _UNIQUE_PARTS.get(kind)
    if parts is not None:
        make_prefix, suffix = parts
        return tagged(make_prefix(random), n, length, suffix, key)
    if kind == "country" and length is not None and length <= 3:
        return tagged(random.choice(COUNTRY_CODES)[: max(length - len(str(n)), 0)], n, length, "", key)
    base = _MAKERS.get(kind, _plain)(random).rstrip(".")
    return tagged(base + " ", n, length, "", key)
