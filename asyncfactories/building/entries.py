"""A lean plan's entries compiled for many objects: how each one gives its value.

``fastbuild._build`` asks every declaration for its value through ``evaluate_pre``, with a step
object made per object. For a batch the question can be settled once per entry: a value the
call passed or the class declares is used as it is; a ``Sequence`` or ``LazyFunction`` calls
its function as its ``evaluate`` would (``function(sequence)``, ``function()``), a zero-config
``AutoValue`` its generator with the factory's ``__random__``; ``Ignore`` is
factory_boy's ``SKIP``; a sub-factory is whatever the caller builds for it; any other
declaration is still evaluated, and only then is a step needed. ``rows.py`` (rows for COPY) and
``batch.py`` (objects for ``create_many``) both run these entries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from random import Random
from typing import Any

from factory.declarations import SKIP, LazyFunction, Sequence

from ..autogen.declarations import AutoValue
from .declarations import Ignore, PostGenerated, resolve_post_generated
from .fastbuild import BUILD, EVALUATE

__all__ = [
    "CALL", "EVALUATED", "GIVEN", "NO_ENTRIES", "SEQUENCE", "SUB", "CompiledEntries", "compile_entries", "values_of",
]  # fmt: skip

#: How a compiled entry gives its value: the payload as it is, the payload called with the
#: sequence number, called with nothing, evaluated with a step, or the caller's sub-factory entry.
GIVEN, SEQUENCE, CALL, EVALUATED, SUB = range(5)


@dataclass(frozen=True)
class CompiledEntries:
    #: ``(name, how, payload)`` in factory_boy's order, then the call's undeclared keywords.
    entries: tuple[tuple[str, int, Any], ...]
    #: Some entry is evaluated: each object needs a step (``fastbuild.new_step``).
    needs_step: bool
    #: Some entry is a ``PostGenerated``: the values go through ``resolve_post_generated``.
    post_generated: bool


#: Before a plan is compiled.
NO_ENTRIES = CompiledEntries((), needs_step=False, post_generated=False)


def compile_entries(plan: Any, extras: dict[str, Any], sub: Callable[[str, Any], Any], factory: Any) -> CompiledEntries:
    """``plan``'s entries with ``extras`` (the call's layered keywords) winning, as ``_build``
    layers them; ``sub(name, sub_build)`` gives the payload of a sub-factory entry. ``factory``
    is the one built: its ``__random__`` feeds the zero-config values."""
    entries: list[tuple[str, int, Any]] = []
    needs_step = post_generated = False
    for name, entry, kind in plan.entries:
        if name in extras:
            entries.append((name, GIVEN, extras[name]))
        elif kind == BUILD:
            entries.append((name, SUB, sub(name, entry)))
        elif kind != EVALUATE:
            entries.append((name, GIVEN, entry))
        elif type(entry) in (Sequence, LazyFunction):
            entries.append((name, SEQUENCE if type(entry) is Sequence else CALL, entry.function))
        elif type(entry) is AutoValue:
            entries.append((name, CALL, _drawn(entry.produce, factory)))
        elif type(entry) is Ignore:
            entries.append((name, GIVEN, SKIP))
        else:
            entries.append((name, EVALUATED, entry))
            needs_step = True
            post_generated = post_generated or type(entry) is PostGenerated
    declared = {name for name, _entry, _kind in plan.entries}
    entries += [(name, GIVEN, value) for name, value in extras.items() if name not in declared]
    return CompiledEntries(tuple(entries), needs_step, post_generated)


def _drawn(produce: Callable[[Random], Any], factory: Any) -> Callable[[], Any]:
    """A zero-config value as ``AutoValue.evaluate_pre`` gives it: from the built factory's
    ``__random__``, read at each call as the declaration reads it."""
    return lambda: produce(factory.__random__)


def values_of(
    compiled: CompiledEntries, sequence: int, step: Any, sub: Callable[[Any, Any], Any], context: Any
) -> dict[str, Any]:
    """One object's values: each entry's, in order, ``PostGenerated`` ones computed last.

    ``step`` is needed only where ``compiled.needs_step``; a sub-factory entry's value is
    ``sub(context, payload)``.
    """
    values: dict[str, Any] = {}
    for name, how, payload in compiled.entries:
        if how == GIVEN:
            values[name] = payload
        elif how == SEQUENCE:
            values[name] = payload(sequence)
        elif how == CALL:
            values[name] = payload()
        elif how == EVALUATED:
            values[name] = payload.evaluate_pre(instance=None, step=step, overrides={})
        else:
            values[name] = sub(context, payload)
    return resolve_post_generated(values) if compiled.post_generated else values
