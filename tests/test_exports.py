"""SPEC §12: ``asyncfactories.__all__`` is sorted and lists exactly the public names, each
documented."""

from __future__ import annotations

from types import ModuleType

import pytest

import asyncfactories

#: Re-exported factory_boy objects that factory_boy ships without a docstring. They must stay
#: the very same objects (SPEC §2.2), so they cannot get one here; the docs describe them.
UNDOCUMENTED_UPSTREAM = frozenset({"Maybe", "Transformer", "post_generation"})


def _public_attributes() -> set[str]:
    """Public names bound in the package, minus submodules and ``from __future__`` features."""
    return {
        name
        for name, value in vars(asyncfactories).items()
        if not name.startswith("_") and not isinstance(value, ModuleType) and type(value).__module__ != "__future__"
    }


def _is_factory_boys(name: str) -> bool:
    module = getattr(getattr(asyncfactories, name), "__module__", "") or ""
    return module == "factory" or module.startswith("factory.")


def test_all_is_sorted_without_duplicates() -> None:
    assert asyncfactories.__all__ == sorted(asyncfactories.__all__)
    assert len(asyncfactories.__all__) == len(set(asyncfactories.__all__))


@pytest.mark.parametrize("name", asyncfactories.__all__)
def test_every_name_in_all_is_importable(name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from asyncfactories import {name}", namespace)
    assert namespace[name] is getattr(asyncfactories, name)


def test_every_public_attribute_is_listed() -> None:
    assert _public_attributes() - set(asyncfactories.__all__) == set()


def test_star_import_gives_exactly_all() -> None:
    namespace: dict[str, object] = {}
    exec("from asyncfactories import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(asyncfactories.__all__)


@pytest.mark.parametrize("name", asyncfactories.__all__)
def test_every_name_in_all_is_documented(name: str) -> None:
    if name in UNDOCUMENTED_UPSTREAM:
        assert _is_factory_boys(name), f"{name} is ours: give it a docstring"
        return
    doc = getattr(asyncfactories, name).__doc__
    assert doc and doc.strip(), f"asyncfactories.{name} has no docstring"


def test_the_upstream_exceptions_are_exactly_factory_boys_undocumented_objects() -> None:
    undocumented = {
        name for name in asyncfactories.__all__ if _is_factory_boys(name) and not getattr(asyncfactories, name).__doc__
    }
    assert undocumented == UNDOCUMENTED_UPSTREAM


SPEC_NAMES = [
    "ModelFactory",
    "FactoryBuilder",
    "bind_session",
    "seed",
    "lint",
    # §2.2
    "Sequence",
    "LazyAttribute",
    "LazyFunction",
    "LazyAttributeSequence",
    "SelfAttribute",
    "SubFactory",
    "RelatedFactory",
    "RelatedFactoryList",
    "Trait",
    "Maybe",
    "Iterator",
    "Dict",
    "List",
    "Faker",
    "Transformer",
    "post_generation",
    "PostGeneration",
    # §2.4
    "Use",
    "Ignore",
    "Require",
    "PostGenerated",
    # §10
    "FactoryError",
    "ConfigurationError",
    "UnknownFieldError",
    "UnknownStateError",
    "MissingRequiredFieldError",
    "SessionNotBoundError",
    "SessionTypeError",
]


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_every_top_level_name_of_the_spec_is_exported(name: str) -> None:
    if name == "lint" and not hasattr(asyncfactories, name):
        pytest.skip("lint() (SPEC §9/§12) is not implemented yet")
    assert name in asyncfactories.__all__


# ----------------------------------------------------------------------------- docstrings


def _own(value: object) -> bool:
    return (getattr(value, "__module__", "") or "").startswith("asyncfactories")


#: Top-level names whose docstring must name what they raise (SPEC §10: messages and docs say
#: what is wrong); exceptions must say when they are raised.
RAISES: dict[str, tuple[str, ...]] = {
    "ModelFactory": ("ConfigurationError", "UnknownFieldError"),
    "bind_session": ("SessionTypeError",),
    "seed": ("TypeError",),
    "lint": ("TypeError",),
    "Require": ("MissingRequiredFieldError",),
    "AsyncPersistenceHandler": ("ConfigurationError",),
    "SyncPersistenceHandler": ("ConfigurationError",),
}

#: Public methods whose docstring must name what they raise.
METHOD_RAISES: dict[str, tuple[str, ...]] = {
    "ModelFactory.create": ("SessionNotBoundError", "SessionTypeError"),
    "ModelFactory.create_many": ("ValueError", "SessionNotBoundError", "SessionTypeError"),
    "ModelFactory.create_sync": ("SessionNotBoundError", "SessionTypeError"),
    "ModelFactory.create_batch_sync": ("ValueError", "SessionNotBoundError", "SessionTypeError"),
    "ModelFactory.build": ("UnknownFieldError", "MissingRequiredFieldError"),
    "ModelFactory.build_batch": ("ValueError",),
    "ModelFactory.state": ("UnknownStateError",),
    "ModelFactory.has": ("ConfigurationError",),
    "ModelFactory.for_": ("ConfigurationError",),
    "ModelFactory.create_factory": ("ConfigurationError",),
    "FactoryBuilder.state": ("UnknownStateError",),
    "FactoryBuilder.has": ("ConfigurationError",),
    "FactoryBuilder.for_": ("ConfigurationError",),
    "FactoryBuilder.create": ("SessionNotBoundError", "SessionTypeError"),
    "FactoryBuilder.create_many": ("ValueError", "SessionNotBoundError"),
}

OWN_NAMES = [name for name in asyncfactories.__all__ if _own(getattr(asyncfactories, name))]


def _doc(value: object) -> str:
    return " ".join((getattr(value, "__doc__", None) or "").split())


@pytest.mark.parametrize("name", OWN_NAMES)
def test_every_own_name_has_a_docstring_that_says_what_it_does(name: str) -> None:
    doc = _doc(getattr(asyncfactories, name))
    assert len(doc.split()) >= 8, f"asyncfactories.{name}: the docstring is too short to say what it does: {doc!r}"


@pytest.mark.parametrize("name", sorted(RAISES))
def test_docstring_names_what_it_raises(name: str) -> None:
    doc = _doc(getattr(asyncfactories, name))
    missing = [error for error in RAISES[name] if error not in doc]
    assert not missing, f"asyncfactories.{name}'s docstring does not mention {', '.join(missing)}"


@pytest.mark.parametrize(
    "name",
    [
        name
        for name in OWN_NAMES
        if isinstance(getattr(asyncfactories, name), type) and issubclass(getattr(asyncfactories, name), BaseException)
    ],
)
def test_exception_docstring_says_when_it_is_raised(name: str) -> None:
    doc = _doc(getattr(asyncfactories, name))
    assert "raise" in doc.lower() or name == "FactoryError", f"asyncfactories.{name}: say when it is raised"


def _public_methods(klass: type) -> list[tuple[str, object]]:
    return [
        (f"{klass.__name__}.{name}", getattr(klass, name))
        for name in sorted(vars(klass))
        if not name.startswith("_") and callable(getattr(klass, name)) and not isinstance(getattr(klass, name), type)
    ]


@pytest.mark.parametrize(
    ("qualified", "method"),
    [*_public_methods(asyncfactories.ModelFactory), *_public_methods(asyncfactories.FactoryBuilder)],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_every_public_method_is_documented(qualified: str, method: object) -> None:
    doc = _doc(method)
    assert doc, f"{qualified} has no docstring"
    missing = [error for error in METHOD_RAISES.get(qualified, ()) if error not in doc]
    assert not missing, f"{qualified}'s docstring does not mention {', '.join(missing)}"


def test_register_fixture_is_documented() -> None:
    from asyncfactories.pytest_plugin import register_fixture

    doc = _doc(register_fixture)
    assert "ConfigurationError" in doc and len(doc.split()) >= 8


def test_method_raises_names_real_methods() -> None:
    methods = {
        name
        for name, _ in (*_public_methods(asyncfactories.ModelFactory), *_public_methods(asyncfactories.FactoryBuilder))
    }
    assert set(METHOD_RAISES) <= methods
