"""The notes added to an error of a persisting call: which call failed, with what values, and
for a unique violation which columns repeated."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapper

from .._mapping import model_info
from ..exceptions import FactoryError
from .unique_hint import unique_violation_note

__all__ = ["add_note", "annotate", "failure_note"]


def _describe(instance: Any) -> str:
    info = model_info(type(instance))
    values = {
        key: instance.__dict__[key]
        for key in sorted(info.column_keys)
        if instance.__dict__.get(key) is not None
    }
    shown = ", ".join(f"{key}={value!r}" for key, value in values.items())
    return f"{type(instance).__name__}({shown})"


def failure_note(label: str, instances: Sequence[Any]) -> str:
    """The note added to an error of a persisting call: which call failed, and with what values."""
    if not instances:
        return f"asyncfactories: {label} failed before any instance was built"
    shown = "; ".join(_describe(instance) for instance in instances[:3])
    more = f" and {len(instances) - 3} more" if len(instances) > 3 else ""
    return f"asyncfactories: {label} failed while writing {shown}{more}"


def add_note(exc: BaseException, note: str) -> None:
    """``BaseException.add_note`` on Python 3.11+, the same attribute on 3.10."""
    if hasattr(exc, "add_note"):
        exc.add_note(note)
    else:  # pragma: no cover - Python 3.10
        # Ignored for mypy: typeshed declares __notes__ from Python 3.11 only.
        exc.__notes__ = [*getattr(exc, "__notes__", []), note]  # type: ignore[attr-defined]


def annotate(exc: Exception, label: str, created: Sequence[Any], mapper: Mapper[Any]) -> None:
    """The notes on an error of a persisting call: the call and its values, and for a unique
    violation the repeated columns. Our own errors already name the factory and the fix."""
    if isinstance(exc, FactoryError):
        return
    add_note(exc, failure_note(label, created))
    metadata = getattr(mapper.local_table, "metadata", None)
    if isinstance(exc, DBAPIError) and (hint := unique_violation_note(exc, metadata)):
        add_note(exc, hint)
