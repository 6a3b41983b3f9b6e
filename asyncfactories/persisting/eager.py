"""When a persisting call must flush each instance as it is created.

By default ``create`` / ``create_many`` add everything and flush once at the end, so parents
built by ``SubFactory`` and the rows of a batch go in one flush. That is only safe if no
declaration reads a value the database generates for a parent while the build is still
running — ``SelfAttribute("author.id")``, or a ``LazyAttribute`` that may do the same. Where
the declarations of a factory (or of any factory it reaches through ``SubFactory`` /
``RelatedFactory``) could, every instance of that call is flushed as soon as it is created,
exactly as factory_boy's ``"flush"`` mode does.
"""

from __future__ import annotations

from typing import Any, cast

from factory.declarations import (
    LazyAttribute,
    LazyAttributeSequence,
    Maybe,
    PostGeneration,
    RelatedFactory,
    SelfAttribute,
    SubFactory,
)

from ..autogen.plan import install_auto_declarations

__all__ = ["needs_unit_of_work", "reads_generated_values"]

_CACHE_ATTRIBUTE = "_asyncfactories_reads_generated_values"


def _reads_through_instance(declaration: object) -> bool:
    """A declaration that may read an attribute of a created parent instance."""
    if isinstance(declaration, SelfAttribute):
        return "." in declaration.attribute_name
    if isinstance(declaration, (LazyAttribute, LazyAttributeSequence)):
        return True
    if isinstance(declaration, Maybe):
        return any(_reads_through_instance(part) for part in (declaration.decider, declaration.yes, declaration.no))
    return False


def _related_factories(declarations: dict[str, Any]) -> list[tuple[Any, dict[str, Any], bool]]:
    """``(factory, its declared keywords, whether it is given the created parent)`` per relation."""
    found = []
    for declaration in declarations.values():
        if isinstance(declaration, SubFactory):
            # factory_boy keeps a SubFactory's keywords in ``_defaults``, which the stubs omit.
            found.append((declaration.get_factory(), cast(Any, declaration)._defaults, False))
        elif isinstance(declaration, RelatedFactory):
            found.append((declaration.get_factory(), declaration.defaults, bool(declaration.name)))
    return found


def _reads(factory: Any, extra: dict[str, Any], seen: set[tuple[type, int]], gets_parent: bool = False) -> bool:
    """Whether ``factory`` (given keywords ``extra``), or a factory it reaches, reads a created parent.

    A parent is one built by a ``SubFactory`` of the factory, or the instance a
    ``RelatedFactory(..., factory_related_name=...)`` hands to it (``gets_parent``).
    """
    if (factory, id(extra)) in seen or not hasattr(factory, "_meta"):
        return False
    seen.add((factory, id(extra)))
    declarations = {**_automatic(factory), **factory._meta.declarations, **extra}
    has_parents = gets_parent or any(isinstance(d, SubFactory) for d in declarations.values())
    if has_parents and any(_reads_through_instance(d) for d in declarations.values()):
        return True
    return any(
        _reads(related, defaults, seen, receives) for related, defaults, receives in _related_factories(declarations)
    )


def _automatic(factory: Any) -> dict[str, Any]:
    """The zero-config declarations of a model factory (its automatic parents included)."""
    if not hasattr(factory, "_asyncfactories_model_factory") or factory._meta.model is None:
        return {}
    return install_auto_declarations(factory)


def reads_generated_values(factory: Any, extra: dict[str, Any]) -> bool:
    """Whether a create of ``factory`` with call keywords ``extra`` must flush per instance."""
    if not extra:
        cached: bool | None = factory.__dict__.get(_CACHE_ATTRIBUTE)
        if cached is None:
            cached = _reads(factory, {}, set())
            setattr(factory, _CACHE_ATTRIBUTE, cached)
        return cached
    return _reads(factory, extra, set())


_UNIT_OF_WORK_ATTRIBUTE = "_asyncfactories_needs_unit_of_work"


def _needs_session(factory: Any, seen: set[type]) -> bool:
    if factory in seen or not hasattr(factory, "_meta") or getattr(factory._meta, "model", None) is None:
        return False
    seen.add(factory)
    if getattr(factory._meta, "sqlalchemy_get_or_create", ()):
        return True
    declarations = {**_automatic(factory), **factory._meta.declarations}
    if any(isinstance(d, PostGeneration) for d in declarations.values()):
        return True
    return any(_needs_session(related, seen) for related, _context, _passes in _related_factories(declarations))


def needs_unit_of_work(factory: Any) -> bool:
    """Whether a create of ``factory`` must put each instance in the session as it is built.

    True when it (or a factory it reaches) has ``post_generation`` functions, which may use
    ``object_session(instance)``, or ``sqlalchemy_get_or_create``, which flushes and queries
    mid-build. The bulk write path attaches instances only after writing them.
    """
    cached: bool | None = factory.__dict__.get(_UNIT_OF_WORK_ATTRIBUTE)
    if cached is None:
        cached = _needs_session(factory, set())
        setattr(factory, _UNIT_OF_WORK_ATTRIBUTE, cached)
    return cached
