"""Each test's own copy of shared data: every mapped instance merged into the test's session."""

from __future__ import annotations

import dataclasses
import types
from typing import Any

from sqlalchemy.orm import Session

__all__ = ["copy_into"]


def copy_into(session: Session, value: Any) -> Any:
    """``value`` with every mapped instance in it (in lists, tuples, dicts, sets, namespaces and
    dataclasses, at any depth) replaced by its copy in ``session``.

    ``merge(load=False)`` sends no SQL: the copy gets the loaded attributes, relationships
    included, and the session treats it as a row it already holds. The same instance gives the
    same copy.
    """
    if isinstance(value, (str, bytes, int, float, bool, type(None))):
        return value
    if hasattr(value, "_sa_instance_state") and not isinstance(value, type):  # a mapped instance
        return session.merge(value, load=False)
    if isinstance(value, dict):
        return type(value)({key: copy_into(session, item) for key, item in value.items()})
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a NamedTuple
        return type(value)(*(copy_into(session, item) for item in value))
    if isinstance(value, (list, tuple, set, frozenset)):
        return type(value)(copy_into(session, item) for item in value)
    if isinstance(value, types.SimpleNamespace):
        return types.SimpleNamespace(**{key: copy_into(session, item) for key, item in vars(value).items()})
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = [field.name for field in dataclasses.fields(value) if field.init]
        return dataclasses.replace(value, **{key: copy_into(session, getattr(value, key)) for key in fields})
    return value
