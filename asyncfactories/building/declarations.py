"""Declarations: factory_boy's, re-exported, and polyfactory's, rebuilt on factory_boy.

``from asyncfactories import Sequence`` and ``from factory import Sequence`` give the very
same class at run time, so factories written for factory_boy keep working unchanged. For type
checkers the re-exports are subclasses whose type parameters default to ``Any``, so a user's
``name = Faker("name")`` passes ``mypy --strict`` without annotations.

polyfactory's declarations are ordinary factory_boy declarations here:

- ``Use(fn, *args, **kwargs)``: ``fn(*args, **kwargs)`` per instance.
- ``Ignore()``: the field is left unset (not passed to the model).
- ``Require()``: the field must be given as a keyword, else ``MissingRequiredFieldError``.
- ``PostGenerated(fn, *args, **kwargs)``: ``fn(name, values, *args, **kwargs)`` once every
  other field is generated, ``values`` holding them all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from factory.declarations import SKIP, BaseDeclaration

from ..exceptions import MissingRequiredFieldError

if TYPE_CHECKING:
    from factory import declarations as _declarations
    from factory import faker as _faker
    from factory import helpers as _helpers
    from typing_extensions import TypeVar

    T = TypeVar("T", default=Any)
    V = TypeVar("V", default=Any)
    S = TypeVar("S", default=Any)
    KT = TypeVar("KT", default=Any)
    VT = TypeVar("VT", default=Any)

    class Dict(_declarations.Dict[T, KT, VT]): ...
    class Faker(_faker.Faker[T, V]): ...
    class Iterator(_declarations.Iterator[S, V]): ...
    class LazyAttribute(_declarations.LazyAttribute[T, V]): ...
    class LazyAttributeSequence(_declarations.LazyAttributeSequence[T, V]): ...
    class LazyFunction(_declarations.LazyFunction[V]): ...
    class List(_declarations.List[T, V]): ...
    class Maybe(_declarations.Maybe[T, V]): ...
    class PostGeneration(_declarations.PostGeneration[T, V]): ...
    class RelatedFactory(_declarations.RelatedFactory[T, V]): ...
    class RelatedFactoryList(_declarations.RelatedFactoryList[T, V]): ...
    class SelfAttribute(_declarations.SelfAttribute[T, V]): ...
    class Sequence(_declarations.Sequence[V]): ...
    class SubFactory(_declarations.SubFactory[T, V]): ...
    class Trait(_declarations.Trait[T]): ...

    class Transformer(_declarations.BaseDeclaration[T, V]):
        """factory_boy's ``Transformer`` (missing from types-factory-boy 0.4)."""

        def __init__(self, default: Any, *, transform: Callable[[Any], Any]) -> None: ...

    post_generation = _helpers.post_generation
else:
    from factory.declarations import (
        Dict,
        Iterator,
        LazyAttribute,
        LazyAttributeSequence,
        LazyFunction,
        List,
        Maybe,
        PostGeneration,
        RelatedFactory,
        RelatedFactoryList,
        SelfAttribute,
        Sequence,
        SubFactory,
        Trait,
        Transformer,
    )
    from factory.faker import Faker
    from factory.helpers import post_generation

__all__ = [
    "Dict",
    "Faker",
    "Ignore",
    "Iterator",
    "LazyAttribute",
    "LazyAttributeSequence",
    "LazyFunction",
    "List",
    "Maybe",
    "PostGenerated",
    "PostGeneration",
    "RelatedFactory",
    "RelatedFactoryList",
    "Require",
    "SelfAttribute",
    "Sequence",
    "SubFactory",
    "Trait",
    "Transformer",
    "Use",
    "post_generation",
]

if TYPE_CHECKING:
    _Declaration = BaseDeclaration[Any, Any]
else:
    _Declaration = BaseDeclaration


class Use(_Declaration):
    """polyfactory's ``Use``: the field's value is ``fn(*args, **kwargs)``, called per instance.

    Whatever ``fn`` raises propagates from the build.
    """

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs

    def evaluate(self, instance: Any, step: Any, extra: dict[str, Any]) -> Any:
        return self.fn(*self.args, **self.kwargs)


class Ignore(_Declaration):
    """polyfactory's ``Ignore``: the field is not passed to the model (it keeps its default).

    A keyword for the field still sets it. Raises nothing.
    """

    def evaluate(self, instance: Any, step: Any, extra: dict[str, Any]) -> Any:
        return SKIP


class Require(_Declaration):
    """polyfactory's ``Require``: the field must be passed as a keyword.

    Building without it raises ``MissingRequiredFieldError`` naming the factory and field.
    """

    name = "a Require() field"

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def evaluate(self, instance: Any, step: Any, extra: dict[str, Any]) -> Any:
        raise MissingRequiredFieldError(step.builder.factory_meta.factory.__name__, self.name)


class PostGenerated(_Declaration):
    """polyfactory's ``PostGenerated``: ``fn(name, values, *args, **kwargs)`` after the other fields.

    ``values`` is a dict of every other generated field of the instance. Whatever ``fn``
    raises propagates from the build.
    """

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs

    def evaluate(self, instance: Any, step: Any, extra: dict[str, Any]) -> Any:
        return _Pending(self)


class _Pending:
    """A ``PostGenerated`` value waiting for the other fields of its instance."""

    __slots__ = ("declaration",)

    def __init__(self, declaration: PostGenerated) -> None:
        self.declaration = declaration


def resolve_post_generated(values: dict[str, Any]) -> dict[str, Any]:
    """Replace pending ``PostGenerated`` values, each computed from the fields generated before it.

    Fields left unset (``Ignore()``, factory_boy's ``SKIP``) are not shown to the function.
    """
    if not any(isinstance(value, _Pending) for value in values.values()):
        return values
    ready = {name: value for name, value in values.items() if not isinstance(value, _Pending)}
    for name, value in values.items():
        if isinstance(value, _Pending):
            declaration = value.declaration
            generated = {key: found for key, found in ready.items() if found is not SKIP}
            ready[name] = declaration.fn(name, generated, *declaration.args, **declaration.kwargs)
    return ready
