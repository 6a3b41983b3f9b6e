"""Every ``class Meta`` option of a ``ModelFactory``, and the polyfactory-style aliases.

Each option is declared once, as factory_boy's ``OptionDefault`` with a checker that raises
:class:`~asyncfactories.ConfigurationError` when the class is defined. The dunder aliases
(``__model__``, ``__async_session__``, …) are resolved here and read nowhere else.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, cast

from factory.alchemy import SQLAlchemyOptions
from factory.base import OptionDefault

from .exceptions import ConfigurationError

__all__ = [
    "CLASS_ALIASES",
    "PERSISTENCE_MODES",
    "SESSION_ALIASES",
    "ModelFactoryOptions",
    "meta_from_class_body",
]

PERSISTENCE_MODES: tuple[str | None, ...] = (None, "flush", "commit")

#: Aliases read once, when the class is defined: ``alias -> (Meta option, value transform)``.
CLASS_ALIASES: dict[str, str] = {
    "__model__": "model",
    "__is_base_factory__": "abstract",
    "__check_model__": "check_model",
}

#: Aliases of ``Meta.sqlalchemy_session``, read at call time (see ``session.py``).
SESSION_ALIASES: tuple[str, ...] = ("__async_session__", "__session__")

_sequence_lock = threading.Lock()


def _factory_name(meta: Any) -> str:
    return str(getattr(meta, "_factory_name", "the factory"))


def _check_persistence(meta: Any, value: object) -> None:
    if value not in PERSISTENCE_MODES:
        raise ConfigurationError(
            f"{_factory_name(meta)}: Meta.sqlalchemy_session_persistence must be one of "
            f"None, 'flush' or 'commit', got {value!r}"
        )


def _check_session_factory(meta: Any, value: object) -> None:
    if value is not None and getattr(meta, "sqlalchemy_session", None) is not None:
        raise ConfigurationError(
            f"{_factory_name(meta)}: set either Meta.sqlalchemy_session or "
            f"Meta.sqlalchemy_session_factory, not both"
        )


def _check_handler(meta: Any, value: object) -> None:
    if value is None:
        return
    missing = [name for name in ("save", "save_many") if not callable(getattr(value, name, None))]
    if missing:
        raise ConfigurationError(
            f"{_factory_name(meta)}: Meta.persistence_handler {value!r} has no "
            f"{' or '.join(missing)}() method; give it 'async def save(session, instance)' and "
            f"'async def save_many(session, instances)' (or their sync twins)"
        )
    if getattr(meta, "sqlalchemy_get_or_create", ()):
        raise ConfigurationError(
            f"{_factory_name(meta)}: Meta.persistence_handler cannot be combined with "
            f"Meta.sqlalchemy_get_or_create; look the row up in the handler instead"
        )


def _check_bool(name: str) -> Any:
    def check(meta: Any, value: object) -> None:
        if not isinstance(value, bool):
            raise ConfigurationError(
                f"{_factory_name(meta)}: Meta.{name} must be True or False, got {value!r}"
            )

    return check


if TYPE_CHECKING:
    # types-factory-boy declares the options generic; at run time they are not subscriptable.
    _OptionsBase = SQLAlchemyOptions[Any]
else:
    _OptionsBase = SQLAlchemyOptions


class ModelFactoryOptions(_OptionsBase):
    """factory_boy's SQLAlchemy options plus asyncfactories' own.

    The attributes below are set by factory_boy from ``class Meta`` when the class is defined.
    """

    model: Any
    abstract: bool
    exclude: tuple[str, ...]
    rename: dict[str, str]
    sqlalchemy_session: Any
    sqlalchemy_session_factory: Any
    sqlalchemy_session_persistence: str | None
    sqlalchemy_get_or_create: tuple[str, ...]
    persistence_handler: Any
    check_model: bool

    def _build_default_options(self) -> list[OptionDefault[Any]]:
        ours: list[OptionDefault[Any]] = [
            OptionDefault("sqlalchemy_session_persistence", "flush", inherit=True, checker=_check_persistence),
            OptionDefault("sqlalchemy_session_factory", None, inherit=True, checker=_check_session_factory),
            OptionDefault("persistence_handler", None, inherit=True, checker=_check_handler),
            OptionDefault("check_model", True, inherit=True, checker=_check_bool("check_model")),
        ]
        replaced = {option.name for option in ours}
        # _build_default_options is factory_boy's documented extension point, missing from the stubs.
        inherited: list[OptionDefault[Any]] = cast(Any, super())._build_default_options()
        return [option for option in inherited if option.name not in replaced] + ours

    def next_sequence(self) -> int:
        """factory_boy's counter, made safe to call from several threads at once."""
        with _sequence_lock:
            value: int = super().next_sequence()
        return value


def meta_from_class_body(factory_name: str, attrs: dict[str, Any], model: object | None) -> type:
    """Build the ``Meta`` class factory_boy will read, merging the dunder aliases into it.

    A dunder alias and a ``Meta`` option that disagree raise ``ConfigurationError``.
    """
    user_meta = attrs.get("Meta")
    values: dict[str, Any] = {}
    if user_meta is not None:
        values = {key: value for key, value in vars(user_meta).items() if not key.startswith("__")}
    for alias, option in CLASS_ALIASES.items():
        if alias not in attrs or alias == "__model__":
            continue
        value = attrs[alias]
        if option in values and values[option] != value:
            raise ConfigurationError(
                f"{factory_name}: {alias} = {value!r} disagrees with Meta.{option} = "
                f"{values[option]!r}; set only one of them"
            )
        values[option] = value
    if model is not None:
        values["model"] = model
    values["_factory_name"] = factory_name
    return type("Meta", (), values)
