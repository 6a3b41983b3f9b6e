"""Which libraries and cases exist, and which library runs which case."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BASELINE", "CASES", "LIBRARIES", "Case", "Library", "baseline_for"]


@dataclass(frozen=True)
class Case:
    key: str
    title: str
    #: Rows written per object of the case (a post brings its author).
    rows_per_object: int = 1
    uses_database: bool = True


CASES: dict[str, Case] = {
    case.key: case
    for case in (
        Case("users", "(a) users, cheap declarations"),
        Case("faker", "(b) users, Faker name"),
        Case("posts", "(c) posts, each with a new author", rows_per_object=2),
        Case("zero", "(d) users, zero-config"),
        Case("build", "(e) build only, no database", uses_database=False),
        Case("single", "(f) single create() + flush"),
    )
}

_WRITES = ("users", "faker", "posts")


@dataclass(frozen=True)
class Library:
    key: str
    title: str
    module: str
    variant: str
    cases: tuple[str, ...]
    #: Sends statements (or commits) per object, so its rate hardly depends on N: by default it is
    #: measured at the smallest size only, and that rate is shown for the larger ones.
    per_row: bool = False


_ALL = (*_WRITES, "zero", "build", "single")
_NO_ZERO = (*_WRITES, "build", "single")

LIBRARIES: dict[str, Library] = {
    library.key: library
    for library in (
        Library("asyncfactories", "asyncfactories", "asyncfactories_cases", "", _ALL),
        Library("asyncfactories-unisolated", "asyncfactories, isolate_failures=False", "asyncfactories_cases",
                "unisolated", ("single",)),
        Library("factory_boy-none", "factory_boy, persistence None", "factory_boy_cases", "none", (*_WRITES, "build")),
        Library("factory_boy-flush", 'factory_boy, "flush"', "factory_boy_cases", "flush", (*_WRITES, "single"),
                per_row=True),
        Library("factory_boy-commit", 'factory_boy, "commit"', "factory_boy_cases", "commit", _WRITES, per_row=True),
        Library("polyfactory-sync", "polyfactory, sync", "polyfactory_cases", "sync", _ALL),
        Library("polyfactory-async", "polyfactory, async", "polyfactory_cases", "async", (*_WRITES, "zero", "single"),
                per_row=True),
        Library("async-factory-boy", "async-factory-boy", "async_factory_boy_cases", "", _NO_ZERO, per_row=True),
        Library("seedgraph", "seedgraph", "seedgraph_cases", "", (*_WRITES, "zero", "single")),
        Library("orm-sync", "hand-written ORM, sync", "handwritten", "sync", (*_WRITES, "single")),
        Library("orm-async", "hand-written ORM, async", "handwritten", "async", _NO_ZERO),
        Library("core-async", "Core executemany, async", "core", "async", (*_WRITES, "single")),
    )
}

#: Every ratio is taken against this library on the same database, case and size.
BASELINE = "orm-async"


def baseline_for(case: str) -> str:
    """The baseline's case: the zero-config case has no hand-written form, so cheap users stand in."""
    return "users" if case == "zero" else case
