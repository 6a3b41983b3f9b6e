"""The model check (SPEC §2.6): every declaration, trait key and call keyword must name
something the model accepts.

Valid names are the model's mapped attributes, its constructor arguments, the factory's
``Params`` entries and post-generation hooks, plus names the factory itself handles
(``Meta.exclude``, the old names of ``Meta.rename``). Declarations and ``Params`` traits are
checked when the class is defined — or on first use, when the model's mappers cannot be
configured yet because a related model has not been imported.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from factory.declarations import Trait
from sqlalchemy.exc import InvalidRequestError

from ._mapping import model_info
from .exceptions import UnknownFieldError

__all__ = ["check_factory", "check_keywords", "check_names", "valid_names"]

_CHAIN = "__"

#: Factories whose check waits until their model's mappers can be configured.
_deferred: set[type] = set()


def _root(name: str) -> str:
    return name.split(_CHAIN, 1)[0]


def valid_names(factory: Any) -> frozenset[str]:
    """Every name a declaration, trait key or keyword of ``factory`` may use."""
    cached: frozenset[str] | None = factory.__dict__.get("_asyncfactories_valid_names")
    if cached is not None:
        return cached
    meta = factory._meta
    info = model_info(meta.model)
    names = set(info.field_names) | set(meta.parameters) | set(meta.exclude) | set(meta.rename)
    names |= set(meta.post_declarations.declarations)
    result = frozenset(names)
    factory._asyncfactories_valid_names = result
    return result


def _check_names(factory: Any, names: Iterable[str], where: str) -> None:
    valid = valid_names(factory)
    if model_info(factory._meta.model).accepts_any_keyword:
        return
    for name in names:
        if _root(name) not in valid:
            raise UnknownFieldError(factory.__name__, _root(name), valid, where)


def check_names(factory: Any, names: Iterable[str], where: str) -> None:
    """Raise ``UnknownFieldError`` for the first of ``names`` the model does not accept."""
    if factory._meta.check_model:
        _check_names(factory, names, where)


def check_factory(factory: Any) -> None:
    """Check a concrete factory's declarations and traits (when the class is defined)."""
    meta = factory._meta
    if meta.abstract or not meta.check_model:
        return
    try:
        model_info(meta.model)
    except InvalidRequestError:
        _deferred.add(factory)
        return
    _deferred.discard(factory)
    for param_name, parameter in meta.parameters.items():
        if isinstance(parameter, Trait):
            _check_names(factory, parameter.overrides, f"Params.{param_name} sets")
    own = [name for name in meta.base_declarations if name not in meta.parameters]
    _check_names(factory, own, "declaration")


def check_keywords(factory: Any, keywords: Iterable[str]) -> None:
    """Check call keywords (and run a deferred class check first)."""
    if factory in _deferred:
        check_factory(factory)
    if factory._meta.check_model:
        _check_names(factory, keywords, "keyword")
