"""Column type -> value generator, resolved once per factory class and column (see docs/guides/zero-config.md).

A generator is a callable ``fn(spec, random) -> value`` (``spec`` a :class:`ColumnSpec`,
``random`` the seeded ``random.Random``). ``fn(spec)`` and zero-argument callables
(polyfactory's style, e.g. ``cls.__faker__.pyint``) are accepted too, told apart by how many
arguments they require.

Lookup walks the column type's class hierarchy, most specific class first; at each class
``Meta.type_generators`` wins over the factory's ``get_sqlalchemy_types()``, which wins over
the built-in table. So ``{String: fn}`` also serves ``Text`` and ``VARCHAR``, while ``Enum`` —
itself a ``String`` — keeps its own built-in generator unless ``Enum`` is named. A
``TypeDecorator`` that matches nothing is generated as its ``python_type`` when that differs
from its ``impl``'s (a UUID stored as ``CHAR(32)`` gets UUIDs), otherwise as its ``impl``.
"""

from __future__ import annotations

import datetime as dt
import enum
import inspect
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from random import Random
from typing import Any

from sqlalchemy import (
    BINARY,
    JSON,
    VARBINARY,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    Integer,
    Interval,
    LargeBinary,
    Numeric,
    PickleType,
    String,
    Time,
    TypeDecorator,
    Uuid,
)
from sqlalchemy.types import TypeEngine

from ..exceptions import ConfigurationError
from . import generators as g
from .columns import ColumnSpec
from .dialects import dialect_generators, dialect_unique_generators, use_for_items
from .unique import next_number, remember

__all__ = [
    "Generator",
    "UniqueGenerator",
    "builtin_generators",
    "builtin_unique_value",
    "builtin_value",
    "producer",
    "resolve",
]

Generator = Callable[[ColumnSpec, Random], Any]
UniqueGenerator = Callable[[ColumnSpec, Random, int], Any]
Producer = Callable[[Random], Any]


def _table() -> tuple[dict[type, Generator], dict[Generator, UniqueGenerator]]:
    plain: dict[type, Generator] = {
        String: g.string, Enum: g.enum, Integer: g.integer, Numeric: g.numeric, Float: g.float_,
        Boolean: g.boolean, Date: g.date, DateTime: g.datetime, Time: g.time, Interval: g.interval,
        Uuid: g.uuid_, JSON: g.json, LargeBinary: g.binary, BINARY: g.binary, VARBINARY: g.binary,
        PickleType: g.pickled,
    }  # fmt: skip
    twins: dict[Generator, UniqueGenerator] = {
        g.string: g.unique_string, g.enum: g.unique_enum, g.integer: g.unique_integer,
        g.numeric: g.unique_numeric, g.float_: g.unique_float, g.boolean: g.unique_boolean,
        g.date: g.unique_date, g.datetime: g.unique_datetime, g.time: g.unique_time,
        g.interval: g.unique_interval, g.uuid_: g.unique_uuid, g.json: g.unique_json, g.binary: g.unique_binary,
    }  # fmt: skip
    try:
        from sqlalchemy.dialects.postgresql import INTERVAL
    except ImportError:  # pragma: no cover - part of SQLAlchemy
        pass
    else:
        plain[INTERVAL] = g.interval
    extra = dialect_generators()
    plain.update(extra)
    unique_extra = dialect_unique_generators()
    twins.update({extra[type_]: fn for type_, fn in unique_extra.items() if type_ in extra})
    return plain, twins


_BUILTIN, _TWINS = _table()
_BUILTIN_FUNCTIONS = frozenset(_BUILTIN.values())


def builtin_generators() -> dict[type, Generator]:
    """A copy of the built-in ``type -> generator`` table (what ``get_sqlalchemy_types()`` returns)."""
    return dict(_BUILTIN)


def adapt(fn: Callable[..., Any]) -> Generator:
    """Make ``fn`` callable as ``fn(spec, random)``, whatever it requires of those two."""
    if fn in _BUILTIN_FUNCTIONS:
        return fn
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):  # builtins without a signature: assume the documented form
        return fn
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    required = [p for p in parameters if p.kind in positional and p.default is p.empty]
    if len(required) >= 2 or any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters):
        return fn
    if len(required) == 1:
        return lambda spec, random: fn(spec)
    return lambda spec, random: fn()


#: The generic type standing for a decorator's ``python_type`` (looked up along its MRO).
_PYTHON_TYPES: dict[type, Callable[[], TypeEngine[Any]]] = {
    uuid.UUID: Uuid, bool: Boolean, int: Integer, float: Float, Decimal: Numeric, str: String,
    dt.datetime: DateTime, dt.date: Date, dt.time: Time, dt.timedelta: Interval, bytes: LargeBinary,
    dict: JSON, list: JSON,
}  # fmt: skip


def _python_type(type_: TypeEngine[Any]) -> type | None:
    try:
        found = type_.python_type
    except NotImplementedError:  # SQLAlchemy 2.0's default; 2.1 returns object
        return None
    return found if isinstance(found, type) and found is not object else None


def _as_python_type(decorator: TypeDecorator[Any]) -> TypeEngine[Any] | None:
    """The generic type of the decorator's ``python_type``, if it differs from its impl's."""
    python_type = _python_type(decorator)
    if python_type is None or python_type is _python_type(decorator.impl_instance):
        return None
    if issubclass(python_type, enum.Enum):
        return Enum(python_type)
    for klass in python_type.__mro__:
        make = _PYTHON_TYPES.get(klass)
        if make is not None:
            return make()
    return None


def _types(type_: TypeEngine[Any]) -> Iterator[TypeEngine[Any]]:
    yield type_
    if isinstance(type_, TypeDecorator):
        as_python = _as_python_type(type_)
        if as_python is not None:
            yield as_python
        yield from _types(type_.impl_instance)


def resolve(
    type_: TypeEngine[Any], tables: Sequence[Mapping[type, Callable[..., Any]]]
) -> tuple[Generator, TypeEngine[Any]] | None:
    """The generator for ``type_`` (adapted to ``fn(spec, random)``) and the type it matched
    (``type_`` itself or a decorator's impl)."""
    for candidate in _types(type_):
        for klass in type(candidate).__mro__:
            for table in tables:
                found = table.get(klass)
                if found is not None:
                    return adapt(found), candidate
    return None


def factory_tables(factory: Any) -> list[Mapping[type, Callable[..., Any]]]:
    """``Meta.type_generators``, then ``get_sqlalchemy_types()``, then the built-ins."""
    tables: list[Mapping[type, Callable[..., Any]]] = [getattr(factory._meta, "type_generators", None) or {}]
    get_types = getattr(factory, "get_sqlalchemy_types", None)
    if callable(get_types):
        tables.append(get_types())
    tables.append(_BUILTIN)
    return tables


def producer(factory: Any, spec: ColumnSpec, tables: Sequence[Mapping[type, Callable[..., Any]]]) -> Producer:
    """A function of the seeded ``Random`` giving one value for ``spec`` (unique if it must be)."""
    match = resolve(spec.type, tables)
    if match is None:
        return _missing(factory, spec)
    generate, matched = match
    if matched is not spec.type:
        spec = spec.for_type(matched, unique=spec.unique)
    if not spec.unique:
        return lambda random: generate(spec, random)
    twin = _TWINS.get(generate)
    key = spec.unique_key
    if twin is not None:
        return lambda random: twin(spec, random, next_number(key))
    return lambda random: remember(key, lambda: generate(spec, random))


def _missing(factory: Any, spec: ColumnSpec) -> Producer:
    type_name = type(spec.type).__name__

    def fail(random: Random) -> Any:
        raise ConfigurationError(
            f"{factory.__name__}: no value generator for column {spec.table}.{spec.name} of type {type_name}; "
            f"declare {spec.key!r} on the factory, or add Meta.type_generators = "
            f"{{{type_name}: lambda spec, random: ...}}"
        )

    return fail


def builtin_value(spec: ColumnSpec, random: Random) -> Any:
    """One value from the built-in generators (for ``ARRAY`` items)."""
    match = resolve(spec.type, [_BUILTIN])
    if match is None:
        raise ConfigurationError(f"no built-in value generator for {type(spec.type).__name__} items")
    generate, matched = match
    return generate(spec.for_type(matched) if matched is not spec.type else spec, random)


def builtin_unique_value(spec: ColumnSpec, random: Random, n: int) -> Any:
    """The built-in ``n``-th unique value for ``spec`` (for ``ARRAY`` items)."""
    match = resolve(spec.type, [_BUILTIN])
    twin = _TWINS.get(match[0]) if match is not None else None
    if match is None or twin is None:
        return builtin_value(spec, random)
    return twin(spec.for_type(match[1], unique=True), random, n)


use_for_items(builtin_value, builtin_unique_value)  # ARRAY items, without dialects importing this module
