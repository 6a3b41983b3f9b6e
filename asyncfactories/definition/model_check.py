"""The model check (docs/guides/defining.md#the-model-check): every declaration, trait key and call keyword must name
something the model accepts.

Valid names are the model's mapped attributes, its constructor arguments, the factory's
``Params`` entries and post-generation hooks, plus names the factory itself handles
(``Meta.exclude``, the old names of ``Meta.rename``). Declarations and ``Params`` traits are
checked when the class is defined, without configuring SQLAlchemy's mappers: configuring them
before every related model is imported would fail and break them for good. A name that only a
``backref`` may add, while the mappers are not configured yet, is judged on first use.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from factory.declarations import SubFactory, Trait

from .._mapping import KeywordNames, backref_names, keyword_names, model_info
from ..exceptions import UnknownFieldError

__all__ = ["check_factory", "check_keywords", "check_names", "model_factory_of", "valid_names"]

_CHAIN = "__"
_CACHE_ATTRIBUTE = "_asyncfactories_valid_names"

#: Factories naming a possible backref before the mappers are configured: checked on first use.
_deferred: weakref.WeakSet[type] = weakref.WeakSet()


def _root(name: str) -> str:
    return name.split(_CHAIN, 1)[0]


def _accepted(factory: Any) -> KeywordNames:
    """The model's keyword names plus those the factory itself handles (cached per class)."""
    cached: KeywordNames | None = factory.__dict__.get(_CACHE_ATTRIBUTE)
    if cached is not None:
        return cached
    meta = factory._meta
    model = keyword_names(meta.model)
    names = set(model.names) | set(meta.parameters) | set(meta.exclude) | set(meta.rename)
    names |= set(meta.post_declarations.declarations)
    accepted = replace(model, names=frozenset(names))
    if accepted.final:
        setattr(factory, _CACHE_ATTRIBUTE, accepted)
    return accepted


def valid_names(factory: Any) -> frozenset[str]:
    """Every name a declaration, trait key or keyword of ``factory`` may use."""
    return _accepted(factory).names


def _unknown(factory: Any, names: list[str]) -> list[str]:
    accepted = _accepted(factory).names
    return [_root(name) for name in names if _root(name) not in accepted]


def _check_names(
    factory: Any, names: Iterable[str], where: str, *, may_configure: bool, via: tuple[str, str] | None = None
) -> bool:
    """Raise ``UnknownFieldError`` for an unknown name; False if the verdict needs the mappers."""
    names = list(names)
    unknown = _unknown(factory, names)
    if unknown and not _accepted(factory).final:
        maybe_backrefs = backref_names(factory._meta.model)
        unknown = [name for name in unknown if name not in maybe_backrefs] or unknown
        if unknown[0] in maybe_backrefs:
            if not may_configure:
                return False
            model_info(factory._meta.model)  # first use: configure the mappers, adding the backrefs
            unknown = _unknown(factory, names)
    if unknown:
        shown = f" (given to {via[0]} as {via[1]}{unknown[0]})" if via else ""
        raise UnknownFieldError(factory.__name__, unknown[0], valid_names(factory), where, via=shown)
    return True


def check_names(factory: Any, names: Iterable[str], where: str) -> None:
    """Raise ``UnknownFieldError`` for the first of ``names`` the model does not accept."""
    if factory._meta.check_model:
        _check_names(factory, names, where, may_configure=True)


def check_factory(factory: Any, *, at_definition: bool = True) -> None:
    """Check a concrete factory's declarations and traits (when the class is defined)."""
    meta = factory._meta
    if meta.abstract or not meta.check_model:
        return
    checks: list[tuple[Iterable[str], str]] = [
        (parameter.overrides, f"Params.{name} sets")
        for name, parameter in meta.parameters.items()
        if isinstance(parameter, Trait)
    ]
    checks.append(([name for name in meta.base_declarations if name not in meta.parameters], "declaration"))
    checks.append((meta.sqlalchemy_get_or_create, "Meta.sqlalchemy_get_or_create field"))
    for names, where in checks:
        if not _check_names(factory, names, where, may_configure=not at_definition):
            _deferred.add(factory)
            return
    _deferred.discard(factory)


def check_keywords(factory: Any, keywords: Iterable[str], *, via: tuple[str, str] | None = None) -> None:
    """Check call keywords (and run a deferred class check first).

    ``author__nmae`` is also checked as ``nmae`` against the factory of the ``author`` SubFactory;
    ``via`` is then the factory called and the path so far, for the message.
    """
    if factory in _deferred:
        check_factory(factory, at_definition=False)
    if not factory._meta.check_model:
        return
    keywords = list(keywords)
    _check_names(factory, keywords, "keyword", may_configure=True, via=via)
    for root, rests in _paths(keywords).items():
        sub = _sub_factory(factory, root)
        if sub is not None:
            caller, prefix = via or (factory.__name__, "")
            check_keywords(sub, rests, via=(caller, f"{prefix}{root}{_CHAIN}"))


def _paths(keywords: list[str]) -> dict[str, list[str]]:
    """``{"author": ["name", ...]}`` for each ``author__name`` whose root the call does not set."""
    given = {name for name in keywords if _CHAIN not in name}
    paths: dict[str, list[str]] = {}
    for name in keywords:
        root, _, rest = name.partition(_CHAIN)
        if rest and root not in given:
            paths.setdefault(root, []).append(rest)
    return paths


def _sub_factory(factory: Any, name: str) -> Any:
    """The model factory of ``factory``'s SubFactory declaration ``name``, if it has one."""
    declaration = factory._meta.pre_declarations.declarations.get(name)
    return model_factory_of(declaration) if isinstance(declaration, SubFactory) else None


def model_factory_of(declaration: Any) -> Any:
    """The asyncfactories factory a SubFactory / RelatedFactory builds, or None (another kind of
    factory, or an import path that does not resolve: factory_boy raises it where it always did)."""
    try:
        target = declaration.get_factory()
    except Exception:
        return None
    return target if getattr(target, "_asyncfactories_model_factory", False) else None
