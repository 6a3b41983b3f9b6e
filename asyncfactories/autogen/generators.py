"""Built-in value generators: small pure functions of ``(spec, random)``.

Each generator returns a value the database accepts for the column ``spec`` describes. Where a
unique twin exists (``fn(spec, random, n)``) it turns the column's n-th number into a value
injectively (see ``unique.py``). Dates and times come from fixed ranges, never from the clock.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from random import Random
from typing import Any

from sqlalchemy import BigInteger, SmallInteger
from sqlalchemy.types import TypeEngine

from . import text
from .columns import ColumnSpec
from .unique import exhausted

__all__ = [
    "binary",
    "boolean",
    "date",
    "datetime",
    "enum",
    "enum_values",
    "float_",
    "integer",
    "integer_range",
    "interval",
    "json",
    "numeric",
    "numeric_bounds",
    "pickled",
    "string",
    "time",
    "unique_binary",
    "unique_boolean",
    "unique_date",
    "unique_datetime",
    "unique_enum",
    "unique_float",
    "unique_integer",
    "unique_interval",
    "unique_json",
    "unique_numeric",
    "unique_string",
    "unique_time",
    "unique_uuid",
    "uuid_",
]

_EPOCH = dt.datetime(2000, 1, 1)
_EPOCH_ORDINAL = _EPOCH.toordinal()
_SPAN_DAYS = 365 * 30
_SPAN_SECONDS = _SPAN_DAYS * 86_400
_KIND_RANGES: dict[str, tuple[int, int]] = {
    "age": (18, 90),
    "year": (1970, 2030),
    "quantity": (1, 100),
    "rating": (1, 5),
}
_DEFAULT_INT_RANGE = (1, 10_000)
_FLOAT_EXACT = 2**24  # integers a single-precision FLOAT holds exactly


# ------------------------------------------------------------------ strings


def string(spec: ColumnSpec, random: Random) -> str:
    """Realistic text for the column's name (email, name, city, ...) or a few words, within length."""
    return text.realistic(spec.kind, random, spec.length)


def unique_string(spec: ColumnSpec, random: Random, n: int) -> str:
    """As :func:`string`, made distinct by the number ``n``."""
    return text.unique(spec.kind, random, spec.length, n, spec.unique_key)


# ------------------------------------------------------------------ numbers


_ranges: dict[tuple[type, bool], tuple[int, int]] = {}


def integer_range(type_: TypeEngine[Any]) -> tuple[int, int]:
    """The values an integer type holds (SmallInteger, Integer, BigInteger, MySQL TINYINT, ...)."""
    key = (type(type_), bool(getattr(type_, "unsigned", False)))
    found = _ranges.get(key)
    if found is None:
        found = _ranges[key] = _compute_range(type_, key[1])
    return found


def _compute_range(type_: TypeEngine[Any], unsigned: bool) -> tuple[int, int]:
    if isinstance(type_, BigInteger):
        bits = 64
    elif isinstance(type_, SmallInteger):
        bits = 16
    else:
        bits = {"TINYINT": 8, "MEDIUMINT": 24}.get(type(type_).__name__, 32)
    if unsigned:
        return 0, 2**bits - 1
    return -(2 ** (bits - 1)), 2 ** (bits - 1) - 1


def integer(spec: ColumnSpec, random: Random) -> int:
    low, high = integer_range(spec.type)
    want_low, want_high = _KIND_RANGES.get(spec.kind, _DEFAULT_INT_RANGE)
    return random.randint(max(low, min(want_low, high)), min(high, max(want_high, low)))


def unique_integer(spec: ColumnSpec, random: Random, n: int) -> int:
    low, high = integer_range(spec.type)
    value = max(low, 0) + n
    if value > high:
        raise exhausted(spec.unique_key, type(spec.type).__name__, n)
    return value


def numeric_bounds(spec: ColumnSpec) -> tuple[int, int]:
    """``(precision, scale)`` to generate for: an unset precision as MySQL's DECIMAL(10), an
    unset scale as 0 (what every backend stores without rounding)."""
    precision = spec.precision if spec.precision else 10
    scale = spec.scale if spec.scale is not None else 0
    return precision, scale


def _as_decimal(spec: ColumnSpec, units: int, scale: int) -> Any:
    value = Decimal(units).scaleb(-scale)
    return value if getattr(spec.type, "asdecimal", True) else float(value)


def numeric(spec: ColumnSpec, random: Random) -> Any:
    """A ``Decimal`` with exactly ``scale`` decimals and at most ``precision`` digits."""
    precision, scale = numeric_bounds(spec)
    top = min(10**precision - 1, 10_000 * 10**scale)
    low = 0 if getattr(spec.type, "unsigned", False) else 1
    return _as_decimal(spec, random.randint(min(low, top), top), scale)


def unique_numeric(spec: ColumnSpec, random: Random, n: int) -> Any:
    precision, scale = numeric_bounds(spec)
    if n >= 10**precision:
        raise exhausted(spec.unique_key, f"NUMERIC({precision}, {scale})", n)
    return _as_decimal(spec, n, scale)


def float_(spec: ColumnSpec, random: Random) -> Any:
    value = round(random.uniform(0.0, 1000.0), 2)
    return Decimal(str(value)) if getattr(spec.type, "asdecimal", False) else value


def unique_float(spec: ColumnSpec, random: Random, n: int) -> Any:
    if n >= _FLOAT_EXACT:
        raise exhausted(spec.unique_key, "a single-precision FLOAT", n)
    return Decimal(n) if getattr(spec.type, "asdecimal", False) else float(n)


def boolean(spec: ColumnSpec, random: Random) -> bool:
    return random.random() < 0.5


def unique_boolean(spec: ColumnSpec, random: Random, n: int) -> bool:
    return n % 2 == 1  # True, False, True, ...: the database reports the third repeat


# ------------------------------------------------------------------ enums


def enum_values(type_: TypeEngine[Any]) -> list[Any]:
    """The values an ``Enum`` column accepts: the Python enum's members, or its strings."""
    enum_class = getattr(type_, "enum_class", None)
    if enum_class is not None:
        return list(enum_class)
    return list(getattr(type_, "enums", ()))


def enum(spec: ColumnSpec, random: Random) -> Any:
    return random.choice(enum_values(spec.type))


def unique_enum(spec: ColumnSpec, random: Random, n: int) -> Any:
    values = enum_values(spec.type)
    return values[(n - 1) % len(values)]  # in turn; the database reports a repeat


# ------------------------------------------------------------------ dates and times


def _tz(spec: ColumnSpec) -> dt.tzinfo | None:
    return dt.timezone.utc if spec.timezone else None


def date(spec: ColumnSpec, random: Random) -> dt.date:
    return dt.date.fromordinal(_EPOCH_ORDINAL + random.randrange(_SPAN_DAYS))


def unique_date(spec: ColumnSpec, random: Random, n: int) -> dt.date:
    if n > 2_900_000:
        raise exhausted(spec.unique_key, "a DATE", n)
    return _EPOCH.date() + dt.timedelta(days=n)


def datetime(spec: ColumnSpec, random: Random) -> dt.datetime:
    """Whole seconds (MySQL's DATETIME keeps none) in 2000-2030; aware iff ``timezone=True``."""
    value = _EPOCH + dt.timedelta(seconds=random.randrange(_SPAN_SECONDS))
    return value.replace(tzinfo=_tz(spec))


def unique_datetime(spec: ColumnSpec, random: Random, n: int) -> dt.datetime:
    if n >= _SPAN_SECONDS:
        raise exhausted(spec.unique_key, "a DATETIME within 2000-2030", n)
    return (_EPOCH + dt.timedelta(seconds=n)).replace(tzinfo=_tz(spec))


def time(spec: ColumnSpec, random: Random) -> dt.time:
    seconds = random.randrange(86_400)
    return dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60, tzinfo=_tz(spec))


def unique_time(spec: ColumnSpec, random: Random, n: int) -> dt.time:
    if n >= 86_400:
        raise exhausted(spec.unique_key, "a TIME of whole seconds", n)
    return dt.time(n // 3600, n // 60 % 60, n % 60, tzinfo=_tz(spec))


def interval(spec: ColumnSpec, random: Random) -> dt.timedelta:
    return dt.timedelta(seconds=random.randrange(60, 86_400 * 30))


def unique_interval(spec: ColumnSpec, random: Random, n: int) -> dt.timedelta:
    return dt.timedelta(seconds=n)


# ------------------------------------------------------------------ identifiers, documents, bytes


def uuid_(spec: ColumnSpec, random: Random) -> Any:
    value = uuid.UUID(int=random.getrandbits(128), version=4)
    return value if getattr(spec.type, "as_uuid", True) else str(value)


def unique_uuid(spec: ColumnSpec, random: Random, n: int) -> Any:
    # version 4 overwrites 6 bits, none of the low 62 that carry ``n``.
    value = uuid.UUID(int=(random.getrandbits(64) << 64) | (n & (2**62 - 1)), version=4)
    return value if getattr(spec.type, "as_uuid", True) else str(value)


def json(spec: ColumnSpec, random: Random) -> Any:
    return {"id": random.randint(1, 10_000), "name": text.words(random, 2), "tags": text.word_list(random, 2)}


def unique_json(spec: ColumnSpec, random: Random, n: int) -> Any:
    return {"id": n, "name": text.words(random, 2)}


def pickled(spec: ColumnSpec, random: Random) -> Any:
    return {"value": text.words(random, 2)}


def _binary_width(spec: ColumnSpec) -> int:
    if type(spec.type).__name__ == "BINARY" and spec.length:
        return spec.length  # fixed width: MySQL pads shorter values with zero bytes
    return min(spec.length or 16, 16)


def binary(spec: ColumnSpec, random: Random) -> bytes:
    return random.randbytes(_binary_width(spec))


def unique_binary(spec: ColumnSpec, random: Random, n: int) -> bytes:
    width = _binary_width(spec)
    head = min(width, 8)
    if n >= 256**head:
        raise exhausted(spec.unique_key, f"{width} bytes", n)
    return n.to_bytes(head, "big") + random.randbytes(width - head)
