"""The profiler behind ``pytest --af-prof``: events collected per test, summed per factory, shown as
text or JSON (see docs/guides/pytest.md#where-the-time-goes-af-prof). Free of pytest hooks.

A `Profile` is an ``events`` listener. Per factory it counts the objects created by the code's
own calls (``created``) and by cascades (``cascaded``: a ``SubFactory``, an automatic parent, a
``RelatedFactory``, a ``has()`` child), the creates a ``default()`` block or ``recycle()`` saved
(``reused``), the objects built without a database (``built``), and for its own calls the rows
they wrote, their cascades' included (``rows``), and the time they took (``seconds``). Per test it
sums the time of the calls made while the test ran (setup and teardown included), and per
factory it keeps the tree of what its calls cascaded into; the report shows the heaviest.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from ..events import FactoryEvent

__all__ = ["Profile", "render", "write_json"]

#: How many tests the report names.
TOP_TESTS = 10
ARROW = " → "
LEGEND = (
    "created: by the code's own calls; cascaded: by SubFactory, automatic parents, RelatedFactory, has();",
    "reused: creates that default() and recycle() saved; rows, time: of the factory's own calls, cascades included.",
)


@dataclass
class FactoryTotals:
    """What one factory did over the run."""

    created: int = 0
    cascaded: int = 0
    reused: int = 0
    built: int = 0
    rows: int = 0
    seconds: float = 0.0
    calls: int = 0

    def add(self, other: FactoryTotals) -> None:
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


@dataclass
class PerTestTotals:
    """The factory calls one test made."""

    seconds: float = 0.0
    calls: int = 0


@dataclass
class Node:
    """One path of a cascade tree: how many objects were made (or reused) there."""

    created: int = 0
    built: int = 0
    reused: int = 0


class Profile:
    """An ``events`` listener summing what the factories did, per factory and per test."""

    def __init__(self) -> None:
        self.factories: dict[str, FactoryTotals] = {}
        self.tests: dict[str, PerTestTotals] = {}
        #: top factory -> path of factory names (the top one first) -> counts
        self.trees: dict[str, dict[tuple[str, ...], Node]] = {}
        self.current_test: str | None = None

    @contextlib.contextmanager
    def test(self, nodeid: str) -> Iterator[None]:
        """Attribute the calls made in the block to the test ``nodeid``."""
        self.current_test = nodeid
        try:
            yield
        finally:
            self.current_test = None

    def __call__(self, event: FactoryEvent) -> None:
        name = event.factory.__name__
        totals = self.factories.setdefault(name, FactoryTotals())
        made = "reused" if event.action == "reuse" else "created" if event.action == "create" else "built"
        if event.depth == 0:
            totals.calls += 1
            totals.seconds += event.duration
            totals.rows += event.rows
            if self.current_test is not None:
                test = self.tests.setdefault(self.current_test, PerTestTotals())
                test.seconds += event.duration
                test.calls += 1
        counted = "cascaded" if made == "created" and event.depth > 0 else made
        setattr(totals, counted, getattr(totals, counted) + event.count)
        path = (*(factory.__name__ for factory in event.chain), name)
        node = self.trees.setdefault(path[0], {}).setdefault(path, Node())
        setattr(node, made, getattr(node, made) + event.count)

    # ------------------------------------------------------------- between processes

    def to_data(self) -> dict[str, Any]:
        """Everything collected, as JSON-ready data another `Profile` can `merge` (pytest-xdist)."""
        return {
            "factories": {name: asdict(totals) for name, totals in self.factories.items()},
            "tests": {nodeid: asdict(totals) for nodeid, totals in self.tests.items()},
            "trees": {
                top: [[list(path), asdict(node)] for path, node in tree.items()] for top, tree in self.trees.items()
            },
        }

    def merge(self, data: dict[str, Any]) -> None:
        """Add what another process collected (its `to_data`)."""
        for name, values in data["factories"].items():
            self.factories.setdefault(name, FactoryTotals()).add(FactoryTotals(**values))
        for nodeid, values in data["tests"].items():
            test = self.tests.setdefault(nodeid, PerTestTotals())
            test.seconds += values["seconds"]
            test.calls += values["calls"]
        for top, entries in data["trees"].items():
            tree = self.trees.setdefault(top, {})
            for path, values in entries:
                node = tree.setdefault(tuple(path), Node())
                for key, value in values.items():
                    setattr(node, key, getattr(node, key) + value)

    # ------------------------------------------------------------- the report

    def report(self) -> dict[str, Any]:
        """The report as JSON-ready data: the factories (most time first), the ten tests that spent
        most time in factories, and the heaviest cascade (see `heaviest`)."""
        order = sorted(self.factories.items(), key=lambda item: (-item[1].seconds, item[0]))
        slowest = sorted(self.tests.items(), key=lambda item: (-item[1].seconds, item[0]))[:TOP_TESTS]
        return {
            "factories": [{"factory": name, **asdict(totals)} for name, totals in order],
            "tests": [{"test": nodeid, **asdict(totals)} for nodeid, totals in slowest],
            "heaviest": self.heaviest(),
        }

    def heaviest(self) -> dict[str, Any] | None:
        """The tree of the factory whose calls made the most objects through cascades (ties: the
        one whose calls took longer), or None when no factory cascaded."""
        below = {
            top: sum(n.created + n.built for path, n in tree.items() if len(path) > 1)
            for top, tree in self.trees.items()
        }
        called = [name for name, totals in self.factories.items() if totals.calls and below.get(name)]
        if not called:
            return None
        name = max(called, key=lambda top: (below[top], self.factories[top].seconds))
        totals = self.factories[name]
        tree = [{"path": list(path), **asdict(node)} for path, node in sorted(self.trees[name].items())]
        return {
            "factory": name,
            "seconds": totals.seconds,
            "calls": totals.calls,
            "cascaded": below[name],
            "tree": tree,
        }


def _calls(count: int) -> str:
    return f"{count} call" if count == 1 else f"{count} calls"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


_COLUMNS = ("created", "cascaded", "reused", "built", "rows")


def _factory_table(factories: list[dict[str, Any]]) -> list[str]:
    width = max([len("factory"), *(len(row["factory"]) for row in factories)])
    header = f"{'factory':<{width}}" + "".join(f"  {column:>8}" for column in _COLUMNS) + f"  {'time':>10}"
    lines = [header]
    for row in factories:
        counts = "".join(f"  {row[column]:>8}" for column in _COLUMNS)
        lines.append(f"{row['factory']:<{width}}{counts}  {_ms(row['seconds']):>10}")
    return lines


def _counts(node: dict[str, Any]) -> str:
    return ", ".join(f"{node[key]} {key}" for key in ("created", "built", "reused") if node[key])


def _tree(heaviest: dict[str, Any]) -> list[str]:
    name, made, calls = heaviest["factory"], heaviest["cascaded"], _calls(heaviest["calls"])
    lines = [f"Heaviest cascade: {name}, {made} objects made by cascades of {calls} ({_ms(heaviest['seconds'])})"]
    shown = [(ARROW.join(node["path"]), _counts(node)) for node in heaviest["tree"]]
    width = max(len(path) for path, _ in shown)
    lines += [f"  {path:<{width}}  {counts}" for path, counts in shown]
    return lines


def render(report: dict[str, Any]) -> list[str]:
    """The report as lines of plain text, aligned for a terminal and for captured output."""
    if not report["factories"]:
        return ["No factory built or created anything."]
    lines = _factory_table(report["factories"])
    lines += LEGEND
    if report["tests"]:
        lines += ["", f"The {len(report['tests'])} tests that spent most time in factories:"]
        lines += [f"  {_ms(test['seconds']):>10}  {test['test']} ({_calls(test['calls'])})" for test in report["tests"]]
    if report["heaviest"] is not None:
        lines += ["", *_tree(report["heaviest"])]
    return lines


def write_json(profile: Profile, path: str | Path) -> None:
    """Write ``profile``'s report to ``path`` as JSON (times in seconds)."""
    Path(path).write_text(json.dumps(profile.report(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
