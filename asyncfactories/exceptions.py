"""Errors raised by asyncfactories itself.

Hierarchy::

    factory.errors.FactoryError
    └── FactoryError
        ├── ConfigurationError          (also TypeError)
        │   ├── UnknownFieldError
        │   └── SessionConflictError    (also RuntimeError)
        ├── UnknownStateError
        ├── MissingRequiredFieldError
        ├── SessionNotBoundError        (also RuntimeError)
        └── SessionTypeError            (also TypeError)

Where factory_boy raised a builtin for the same mistake, ours derives from it too, so a
migrated ``pytest.raises(TypeError)`` keeps passing. Errors coming from the database are
SQLAlchemy's own and are never wrapped (see ``persisting/failure_notes.py``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import factory.errors

__all__ = [
    "ConfigurationError",
    "FactoryError",
    "MissingRequiredFieldError",
    "SessionConflictError",
    "SessionNotBoundError",
    "SessionTypeError",
    "UnknownFieldError",
    "UnknownStateError",
]


class FactoryError(factory.errors.FactoryError):
    """Base class of every error asyncfactories raises itself.

    A subclass of ``factory.errors.FactoryError``, so ``except factory.errors.FactoryError``
    catches it too. Errors from the database are SQLAlchemy's own, not wrapped in this class.
    """


class ConfigurationError(FactoryError, TypeError):
    """A factory class is declared or configured in a way that cannot work.

    Raised when the class is defined where possible (conflicting models, an invalid
    ``Meta`` option) and otherwise when the factory is first used (an abstract factory
    asked to build).
    """


class SessionConflictError(ConfigurationError, RuntimeError):
    """A factory class sets both a session and ``Meta.sqlalchemy_session_factory``.

    Raised when the class is defined. Also a ``RuntimeError``, as factory_boy raises for the
    same mistake, and a ``ConfigurationError``.
    """

    def __init__(
        self, factory_name: str, session_option: str = "Meta.sqlalchemy_session", *, inherited: str = ""
    ) -> None:
        self.factory_name = factory_name
        self.session_option = session_option
        if inherited:  # one of the two comes from a parent factory's Meta
            sets = "sqlalchemy_session_factory" if inherited == "sqlalchemy_session" else "sqlalchemy_session"
            super().__init__(
                f"{factory_name}: sets Meta.{sets} and inherits Meta.{inherited} from a parent factory; "
                f"a factory uses one or the other: "
                f"set {inherited} = None in {factory_name}'s Meta"
            )
            return
        super().__init__(
            f"{factory_name}: set either {session_option} or Meta.sqlalchemy_session_factory, not both; "
            f"keep the session in {session_option}, or remove it and let "
            f"Meta.sqlalchemy_session_factory make one per call"
        )


class UnknownFieldError(ConfigurationError):
    """A declaration or keyword names something the model does not have.

    Raised when the class is defined (declarations, ``Trait`` contents), when a state is first
    used (``state_<name>()`` overrides) and when a factory is called (keywords), while
    ``Meta.check_model`` is on. A keyword through a ``SubFactory`` (``author__nmae=``) is
    checked against, and reported for, that SubFactory's factory. A ``ConfigurationError``
    (polyfactory's ``ConfigurationException`` for the same mistake), so also a ``TypeError``, as
    SQLAlchemy's constructor raises.
    """

    def __init__(
        self, factory_name: str, field: str, valid_names: Iterable[str], where: str, *, via: str = ""
    ) -> None:
        self.factory_name = factory_name
        self.field = field
        self.valid_names = sorted(valid_names)
        close = difflib.get_close_matches(field, self.valid_names, n=3)
        hint = f"did you mean {', '.join(repr(name) for name in close)}?" if close else (
            f"valid names are {', '.join(self.valid_names)}"
        )
        super().__init__(
            f"{factory_name}: {where} {field!r}{via} is not a mapped attribute, constructor argument, "
            f"Params entry or post-generation hook of the model; {hint} "
            f"(to allow unknown names, set Meta.check_model = False or __check_model__ = False)"
        )


class UnknownStateError(FactoryError):
    """A state name was asked for that the factory does not define.

    Raised by ``state()`` on a factory or a builder; the message lists the valid names.
    """

    def __init__(self, factory_name: str, state: str, valid_names: Iterable[str]) -> None:
        self.factory_name = factory_name
        self.state = state
        self.valid_names = sorted(valid_names)
        valid = ", ".join(self.valid_names) or "(none defined)"
        super().__init__(
            f"{factory_name} has no state {state!r}; valid states: {valid}. Define it as a Trait "
            f"in 'class Params' or as a 'state_{state}()' classmethod."
        )


class MissingRequiredFieldError(FactoryError):
    """A field declared with ``Require()`` was not given as a keyword.

    Raised when an instance is built or created without that keyword (polyfactory's
    ``MissingBuildKwargException``).
    """

    def __init__(self, factory_name: str, field: str) -> None:
        self.factory_name = factory_name
        self.field = field
        super().__init__(
            f"{factory_name}: field {field!r} is declared Require() and must be passed as a keyword, "
            f"e.g. {factory_name}.build({field}=...)"
        )


class SessionNotBoundError(FactoryError, RuntimeError):
    """No session could be found for a call that persists.

    Raised by ``create``, ``create_many``, ``create_sync`` and their aliases when no
    ``session=``, ``.using()``, ``bind_session`` or class session applies; the message lists
    those ways. Also a ``RuntimeError``, as factory_boy raises.
    """

    def __init__(self, factory_name: str, call: str) -> None:
        self.factory_name = factory_name
        sync = call.endswith("_sync")
        block, alias = ("with", "__session__") if sync else ("async with", "__async_session__")
        super().__init__(
            f"{factory_name}.{call}() has no session to persist through. Pass one as "
            f"{call}(session=...), use {factory_name}.using(session), wrap the call in "
            f"'{block} bind_session(session):', or set Meta.sqlalchemy_session "
            f"(or {alias}) / Meta.sqlalchemy_session_factory on the factory."
        )


class SessionTypeError(FactoryError, TypeError):
    """An async call got a synchronous session, or the reverse.

    Raised by ``create`` and its async twins given a ``Session``, and by ``create_sync`` /
    ``create_batch_sync`` given an ``AsyncSession``; the message names the call to use. Also a
    ``TypeError``.
    """

    def __init__(self, factory_name: str, call: str, got: object, use: str) -> None:
        self.factory_name = factory_name
        got_name = type(got).__name__
        article = "an" if got_name[:1].lower() in "aeiou" else "a"
        super().__init__(
            f"{factory_name}.{call}() got {article} {got_name}; use {factory_name}.{use}() "
            f"with that session instead."
        )
