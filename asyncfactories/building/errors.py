"""Errors raised while a declaration is evaluated, re-raised naming the factory and the field.

factory_boy lets them through as they are: an exhausted ``Iterator(cycle=False)`` is a bare
``StopIteration`` (which Python turns into ``RuntimeError: coroutine raised StopIteration``
once it crosses an ``await``), and a misspelt name in a ``LazyAttribute`` or ``SelfAttribute``
is an ``AttributeError`` that names neither. The field is read from the traceback: the
innermost frame of factory_boy's ``Resolver`` that was evaluating a declaration.
"""

from __future__ import annotations

import difflib
from types import TracebackType
from typing import Any, NamedTuple

from factory.builder import Resolver
from factory.declarations import Iterator

from ..exceptions import ConfigurationError, UnknownFieldError

__all__ = ["translated"]


class UnknownAttributeError(UnknownFieldError, AttributeError):
    """A declaration read a name that does not exist: an ``UnknownFieldError`` that is also
    the ``AttributeError`` factory_boy raised, so a migrated ``pytest.raises`` keeps passing."""

    def __init__(self, factory_name: str, field: str, message: str) -> None:
        self.factory_name = factory_name
        self.field = field
        self.valid_names = []
        ConfigurationError.__init__(self, message)


class _Evaluating(NamedTuple):
    """The declaration being evaluated when the error was raised."""

    factory: Any
    field: str
    declaration: Any
    #: The name the resolver was asked for and did not have (a ``LazyAttribute`` typo), if any.
    unknown: str | None
    known: tuple[str, ...]


def translated(error: BaseException) -> BaseException | None:
    """The error to raise instead of ``error``, or None to let it through as it is."""
    if not isinstance(error, StopIteration | AttributeError) or isinstance(error, UnknownFieldError):
        return None
    evaluating = _evaluating(error.__traceback__)
    if evaluating is None:
        return None
    where = f"{evaluating.factory.__name__}.{evaluating.field}"
    if isinstance(error, StopIteration):
        if not isinstance(evaluating.declaration, Iterator):
            return ConfigurationError(f"{where} raised StopIteration; a declaration must return a value")
        return ConfigurationError(
            f"{where}: its Iterator(cycle=False) has run out of values; give it more values, "
            f"let it cycle (Iterator(values), the default), or build fewer objects"
        )
    if evaluating.unknown is not None:
        hint = _hint(evaluating.unknown, evaluating.known)
        message = f"{where} reads {evaluating.unknown!r}, which the factory does not declare; {hint}"
        return UnknownAttributeError(evaluating.factory.__name__, evaluating.unknown, message)
    name = getattr(error, "name", None)
    obj = getattr(error, "obj", None)
    known = tuple(n for n in dir(obj) if not n.startswith("_")) if obj is not None else ()
    hint = _hint(name, known) if name else "check the names it reads"
    message = f"{where}: {error}; {hint}"
    return UnknownAttributeError(evaluating.factory.__name__, name or evaluating.field, message)


def _hint(name: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(name, known, n=3)
    if close:
        return f"did you mean {', '.join(repr(n) for n in close)}?"
    return f"the names it can read are {', '.join(sorted(known))}" if known else "check the spelling"


def _evaluating(traceback: TracebackType | None) -> _Evaluating | None:
    """The innermost ``Resolver.__getattr__`` frame that was evaluating a declaration."""
    found: _Evaluating | None = None
    unknown: str | None = None
    while traceback is not None:
        frame = traceback.tb_frame
        resolver = frame.f_locals.get("self")
        if frame.f_code.co_name == "__getattr__" and isinstance(resolver, Resolver):
            declarations = resolver._Resolver__declarations  # name-mangled: the declarations it resolves
            name = str(frame.f_locals.get("name"))
            if name in declarations:
                factory = resolver._Resolver__step.builder.factory_meta.factory
                declaration = declarations[name].declaration
                found, unknown = _Evaluating(factory, name, declaration, None, tuple(declarations)), None
            else:
                unknown = name
        traceback = traceback.tb_next
    if found is not None and unknown is not None:
        found = found._replace(unknown=unknown)
    return found
