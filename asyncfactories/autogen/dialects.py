"""Generators for PostgreSQL and MySQL/MariaDB types (registered when the dialect imports).

PostgreSQL: ``ARRAY`` (items from the item type's generator; the generic ``sqlalchemy.ARRAY``
too, which only PostgreSQL renders), ``INET``, ``CIDR``, ``MACADDR``,
``MACADDR8``, ``INTERVAL``, ``HSTORE``, ``JSONB`` (through ``JSON``) and the range types.
MySQL: ``YEAR``, ``SET``, ``BIT``; ``TINYINT`` / ``MEDIUMINT`` and ``UNSIGNED`` are handled by
the integer generator.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Callable
from random import Random
from typing import Any, cast

from sqlalchemy import ARRAY

from .columns import ColumnSpec
from .text import words
from .unique import exhausted

__all__ = ["dialect_generators", "dialect_unique_generators"]

Generator = Callable[[ColumnSpec, Random], Any]
UniqueGenerator = Callable[[ColumnSpec, Random, int], Any]


#: The built-in generators of an ARRAY's items, handed over by ``registry`` (which imports
#: this module, so this one cannot import it): ``use_for_items``.
_item_generators: dict[str, Any] = {}


def use_for_items(value: Generator, unique_value: UniqueGenerator) -> None:
    """Generate ARRAY items with these (the registry's built-in ``value`` and ``unique_value``)."""
    _item_generators.update(value=value, unique_value=unique_value)


def _array(spec: ColumnSpec, random: Random) -> list[Any]:
    """1 to 3 items (per dimension) from the item type's built-in generator."""
    builtin_value: Generator = _item_generators["value"]
    item_spec = spec.for_type(cast(Any, spec.type).item_type)
    dimensions = getattr(spec.type, "dimensions", None) or 1
    width = random.randint(1, 3)

    def level(depth: int) -> list[Any]:
        if depth == 1:
            return [builtin_value(item_spec, random) for _ in range(width)]
        return [level(depth - 1) for _ in range(width)]

    return level(dimensions)


def _unique_array(spec: ColumnSpec, random: Random, n: int) -> list[Any]:
    """One item, the item type's n-th unique value."""
    builtin_unique_value: UniqueGenerator = _item_generators["unique_value"]
    return [builtin_unique_value(spec.for_type(cast(Any, spec.type).item_type), random, n)]


def _inet(spec: ColumnSpec, random: Random) -> str:
    return str(ipaddress.IPv4Address((10 << 24) | random.getrandbits(24)))


def _unique_inet(spec: ColumnSpec, random: Random, n: int) -> str:
    if n >= 2**24:
        raise exhausted(spec.unique_key, "10.0.0.0/8", n)
    return str(ipaddress.IPv4Address((10 << 24) | n))


def _cidr(spec: ColumnSpec, random: Random) -> str:
    return f"10.{random.randrange(256)}.{random.randrange(256)}.0/24"


def _unique_cidr(spec: ColumnSpec, random: Random, n: int) -> str:
    if n >= 2**24:
        raise exhausted(spec.unique_key, "IPv4 /24 networks", n)
    return f"{ipaddress.IPv4Address(n << 8)}/24"


def _mac(octets: int) -> Generator:
    def generate(spec: ColumnSpec, random: Random) -> str:
        return ":".join(f"{random.randrange(256):02x}" for _ in range(octets))

    return generate


def _unique_mac(octets: int) -> UniqueGenerator:
    def generate(spec: ColumnSpec, random: Random, n: int) -> str:
        return ":".join(f"{byte:02x}" for byte in n.to_bytes(octets, "big"))

    return generate


def _hstore(spec: ColumnSpec, random: Random) -> dict[str, str]:
    return {words(random, 1): words(random, 1)}


def _range(kind: str) -> Generator:
    def generate(spec: ColumnSpec, random: Random) -> Any:
        from sqlalchemy.dialects.postgresql import Range

        start = random.randint(1, 1000)
        if kind == "date":
            base = dt.date(2000, 1, 1) + dt.timedelta(days=start)
            return Range(base, base + dt.timedelta(days=random.randint(1, 30)))
        if kind in ("ts", "tstz"):
            tz = dt.timezone.utc if kind == "tstz" else None
            stamp = dt.datetime(2000, 1, 1, tzinfo=tz) + dt.timedelta(hours=start)
            return Range(stamp, stamp + dt.timedelta(hours=random.randint(1, 48)))
        return Range(start, start + random.randint(1, 100))

    return generate


def _year(spec: ColumnSpec, random: Random) -> int:
    return random.randint(1970, 2030)


def _unique_year(spec: ColumnSpec, random: Random, n: int) -> int:
    if n > 254:
        raise exhausted(spec.unique_key, "YEAR", n)
    return 1900 + n


def _set(spec: ColumnSpec, random: Random) -> set[str]:
    values = list(getattr(spec.type, "values", ()))
    return set(random.sample(values, random.randint(1, len(values)))) if values else set()


def _bit(spec: ColumnSpec, random: Random) -> int:
    return random.getrandbits(getattr(spec.type, "length", None) or 1)


def dialect_generators() -> dict[type, Generator]:
    """Generators for the dialect types that import (SQLAlchemy ships them all)."""
    found: dict[type, Generator] = {ARRAY: _array}
    try:
        from sqlalchemy.dialects import postgresql as pg
    except ImportError:  # pragma: no cover - part of SQLAlchemy
        pass
    else:
        found.update({pg.ARRAY: _array, pg.INET: _inet, pg.CIDR: _cidr, pg.HSTORE: _hstore})
        found.update({pg.MACADDR: _mac(6), pg.MACADDR8: _mac(8)})
        found.update({pg.INT4RANGE: _range("int"), pg.INT8RANGE: _range("int"), pg.NUMRANGE: _range("int")})
        found.update({pg.DATERANGE: _range("date"), pg.TSRANGE: _range("ts"), pg.TSTZRANGE: _range("tstz")})
    try:
        from sqlalchemy.dialects import mysql
    except ImportError:  # pragma: no cover - part of SQLAlchemy
        pass
    else:
        found.update({mysql.YEAR: _year, mysql.SET: _set, mysql.BIT: _bit})
    return found


def dialect_unique_generators() -> dict[type, UniqueGenerator]:
    found: dict[type, UniqueGenerator] = {ARRAY: _unique_array}
    try:
        from sqlalchemy.dialects import mysql
        from sqlalchemy.dialects import postgresql as pg
    except ImportError:  # pragma: no cover - part of SQLAlchemy
        return found
    found.update({pg.ARRAY: _unique_array, pg.INET: _unique_inet, pg.CIDR: _unique_cidr})
    found.update({pg.MACADDR: _unique_mac(6), pg.MACADDR8: _unique_mac(8), mysql.YEAR: _unique_year})
    return found
