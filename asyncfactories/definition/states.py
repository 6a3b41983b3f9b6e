"""Named states and the precedence merge (see docs/guides/states.md).

A state is a ``Trait`` in ``class Params`` or a ``state_<name>()`` classmethod returning an
override dict. Values for one instance are layered, lowest first:

1. class declarations (and auto-generated values),
2. ``defaults()``,
3. states in the order given — a trait switched on by a keyword (``admin=True``) counts as a
   state, applied after the named ones,
4. call keywords.

The merge runs for every instance factory_boy builds, top-level or through a ``SubFactory``
(see ``building/steps.py``), so the order holds at every depth.
"""

from __future__ import annotations

from typing import Any

from factory.declarations import SKIP, SubFactory, Trait

from .._mapping import model_info
from ..exceptions import ConfigurationError, UnknownStateError
from .model_check import check_names

__all__ = ["STATES_KEY", "check_state_definitions", "layered_params", "require_state", "state_names", "state_overrides"]

#: The extras key carrying named states into factory_boy's builder (popped before parsing).
STATES_KEY = "_asyncfactories_states"
_METHOD_PREFIX = "state_"
_NOT_STATES = frozenset({"state_names"})
_CHECKED_ATTRIBUTE = "_asyncfactories_checked_states"
_DEFAULTS_CHECKED_ATTRIBUTE = "_asyncfactories_checked_defaults"


def _trait_names(factory: Any) -> list[str]:
    return [name for name, param in factory._meta.parameters.items() if isinstance(param, Trait)]


def _method_names(factory: Any) -> list[str]:
    return [
        attribute[len(_METHOD_PREFIX) :]
        for attribute in dir(factory)
        if attribute.startswith(_METHOD_PREFIX)
        and attribute not in _NOT_STATES
        and callable(getattr(factory, attribute))
    ]


def state_names(factory: Any) -> list[str]:
    """Every state of ``factory``, inherited ones included, traits first."""
    return _trait_names(factory) + [name for name in _method_names(factory) if name not in _trait_names(factory)]


def check_state_definitions(factory: Any) -> None:
    """A name defined both as a Trait and as ``state_<name>()`` is a ``ConfigurationError``."""
    both = sorted(set(_trait_names(factory)) & set(_method_names(factory)))
    if both:
        name = both[0]
        raise ConfigurationError(
            f"{factory.__name__}: state {name!r} is defined twice, as a Trait in 'class Params' and as "
            f"'state_{name}()'; keep one of them"
        )


def require_state(factory: Any, name: str) -> None:
    """Raise ``UnknownStateError`` (listing the valid names) unless ``name`` is a state."""
    if name not in state_names(factory):
        raise UnknownStateError(factory.__name__, name, state_names(factory))


def state_overrides(factory: Any, name: str) -> dict[str, Any]:
    """The overrides one state applies (a trait also switches its own flag on)."""
    parameter = factory._meta.parameters.get(name)
    if isinstance(parameter, Trait):
        return {name: True, **parameter.overrides}
    method = getattr(factory, _METHOD_PREFIX + name, None) if name not in _NOT_STATES else None
    if method is None or not callable(method):
        raise UnknownStateError(factory.__name__, name, state_names(factory))
    overrides = method()
    if not isinstance(overrides, dict):
        raise ConfigurationError(
            f"{factory.__name__}.state_{name}() returned {type(overrides).__name__}; it must return a "
            f"dict of field overrides, e.g. return {{'role': 'admin'}}"
        )
    _check_once(factory, name, overrides)
    return overrides


def _check_once(factory: Any, name: str, overrides: dict[str, Any]) -> None:
    checked: set[str] = factory.__dict__.get(_CHECKED_ATTRIBUTE) or set()
    if name in checked:
        return
    check_names(factory, overrides, f"state_{name}() sets")
    setattr(factory, _CHECKED_ATTRIBUTE, checked | {name})


def _skip_replaced_parents(factory: Any, merged: dict[str, Any]) -> None:
    """A keyword for a foreign-key column (``author_id=1``) replaces that relationship's parent."""
    for key, local_keys in model_info(factory._meta.model).parents:
        if key not in merged and not local_keys.isdisjoint(merged):
            merged[key] = SKIP


def layered_params(factory: Any, keywords: dict[str, Any], states: tuple[str, ...]) -> dict[str, Any]:
    """``defaults()`` < states < keywords, as one dict of factory_boy extras."""
    merged: dict[str, Any] = _checked_defaults(factory)
    traits = _trait_names(factory)
    # Traits switched on by keyword follow the named states, in the order of the keywords.
    flags = tuple(name for name, value in keywords.items() if value is True and name in traits and name not in states)
    for name in states + flags:
        merged.update(state_overrides(factory, name))
    merged.update(keywords)
    _skip_replaced_parents(factory, merged)
    _expand_dict_overrides(factory, merged)
    return merged


def _checked_defaults(factory: Any) -> dict[str, Any]:
    """``factory.defaults()``, its keys checked against the model the first time."""
    values = factory.defaults()
    if not isinstance(values, dict):
        raise ConfigurationError(
            f"{factory.__name__}.defaults() returned {type(values).__name__}; it must return a dict of "
            f"field values, e.g. return {{'name': 'Ada'}}"
        )
    if values and not factory.__dict__.get(_DEFAULTS_CHECKED_ATTRIBUTE):
        check_names(factory, values, "defaults() sets")
        setattr(factory, _DEFAULTS_CHECKED_ATTRIBUTE, True)
    return dict(values)


def _expand_dict_overrides(factory: Any, merged: dict[str, Any]) -> None:
    """polyfactory's ``address={"city": "Boston"}`` for a SubFactory field: its keywords."""
    declarations = factory._meta.pre_declarations.declarations
    for key, value in list(merged.items()):
        declaration = declarations.get(key)
        if isinstance(value, dict) and type(declaration) is SubFactory:
            del merged[key]
            merged.update({f"{key}__{name}": field_value for name, field_value in value.items()})
