"""Markdown tables from worker results: rows/s, ratios to the hand-written async ORM, statements, targets."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .matrix import BASELINE, CASES, LIBRARIES, baseline_for

__all__ = ["TARGETS", "render"]

Results = dict[tuple[str, str, str, int], dict[str, Any]]
_WRITE_CASES = ("users", "faker", "posts", "zero")
_DB_TITLES = {"sqlite": "SQLite", "postgres": "PostgreSQL", "mysql": "MariaDB"}


@dataclass(frozen=True)
class Target:
    """``library`` on ``case`` must reach ``minimum`` x the speed of ``baseline`` on ``baseline_case``."""

    text: str
    database: str
    case: str
    minimum: float
    baseline: str = BASELINE
    baseline_case: str = ""
    library: str = "asyncfactories"


TARGETS = (
    Target("users, cheap declarations ≥ 0.8x hand-written ORM", "postgres", "users", 0.8),
    Target("users, cheap declarations ≥ 3x hand-written ORM", "sqlite", "users", 3.0),
    Target("posts with a new author ≥ 1.0x hand-written ORM", "postgres", "posts", 1.0),
    Target("posts with a new author ≥ 2x hand-written ORM", "sqlite", "posts", 2.0),
    Target("users with Faker name ≥ 2x factory_boy (persistence None)", "postgres", "faker", 2.0, "factory_boy-none"),
    Target("users with Faker name ≥ 2x factory_boy (persistence None)", "sqlite", "faker", 2.0, "factory_boy-none"),
    Target("users with Faker name ≥ 2x factory_boy (persistence None)", "mysql", "faker", 2.0, "factory_boy-none"),
    Target("zero-config users ≥ 0.7x hand-written ORM (cheap users)", "postgres", "zero", 0.7, BASELINE, "users"),
    Target("build_batch ≥ 1.0x factory_boy build_batch", "none", "build", 1.0, "factory_boy-none"),
    Target("single create() within 1.1x of hand-written add+flush", "postgres", "single", 1 / 1.1),
    Target("single create() within 1.1x of hand-written add+flush, with isolate_failures=False", "postgres",
           "single", 1 / 1.1, library="asyncfactories-unisolated"),
)


def speed(result: dict[str, Any] | None) -> float | None:
    """Objects (or rows) per second, or calls per second for the single-create case."""
    if not result or result["status"] != "ok" or not result["median"]:
        return None
    if result["case"] == "single":
        return 1e6 / float(result["median"])
    size = int(result.get("measured_size") or result["size"])
    return size * CASES[result["case"]].rows_per_object / float(result["median"])


def ratio(results: Results, result: dict[str, Any] | None, baseline: str = BASELINE, case: str = "") -> float | None:
    if result is None:
        return None
    key = (baseline, case or baseline_for(result["case"]), result["database"], result["size"])
    mine, theirs = speed(result), speed(results.get(key))
    return mine / theirs if mine and theirs else None


def _cell(results: Results, result: dict[str, Any] | None, repeat: int) -> str:
    if result is None:
        return "—"
    if result["status"] != "ok":
        return str(result["status"])
    value = f"{result['median']:,.0f} µs" if result["case"] == "single" else f"{speed(result):,.0f}/s"
    fewer = "†" if len(result["runs"]) < repeat else ""
    if result["case"] != "single" and result.get("measured_size", result["size"]) < result["size"]:
        fewer += f"‡{result['measured_size']:,}"
    share = ratio(results, result)
    return f"{value}{fewer} ({share:.2f}x)" if share is not None else value + fewer


def cpu_per_object(result: dict[str, Any]) -> float | None:
    """Median CPU µs of the benchmark process per object (per call in the single-create case)."""
    if not result.get("cpu"):
        return None
    objects = result["measured_size"] or result["size"]
    return float(statistics.median(result["cpu"])) * 1e6 / int(objects)


def _counts(result: dict[str, Any] | None) -> str:
    if result is None or result["status"] != "ok":
        return "—"
    counts = dict(result["counts"])
    main = "/".join(str(counts.pop(key, 0)) for key in ("INSERT", "SELECT", "COMMIT"))
    others = ", ".join(f"{key} {value}" for key, value in sorted(counts.items()))
    cpu = cpu_per_object(result)
    shown = f"{main} ({others})" if others else main
    return f"{shown} · {cpu:,.0f} µs" if cpu is not None else shown


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _libraries_for(results: Results, cases: Iterable[str], database: str, size: int) -> list[str]:
    wanted = set(cases)
    return [key for key in LIBRARIES if any((key, case, database, size) in results for case in wanted)]


def write_tables(results: Results, database: str, size: int, repeat: int) -> list[str]:
    header = ["library", *(CASES[case].title for case in _WRITE_CASES)]
    libraries = _libraries_for(results, _WRITE_CASES, database, size)
    speeds = [[LIBRARIES[key].title, *(_cell(results, results.get((key, case, database, size)), repeat)
                                       for case in _WRITE_CASES)] for key in libraries]
    counts = [[LIBRARIES[key].title, *(_counts(results.get((key, case, database, size))) for case in _WRITE_CASES)]
              for key in libraries]
    title = f"### {_DB_TITLES[database]}, N = {size:,}"
    return [title, "", "Rows per second (ratio to the hand-written async ORM):", "", *_table(header, speeds), "",
            "Statements per timed run, INSERT/SELECT/COMMIT (others) · CPU of the benchmark process per object "
            "(median; excludes the database server, steadier than wall time on a busy machine):", "",
            *_table(header, counts), ""]


def build_table(results: Results, sizes: list[int], repeat: int) -> list[str]:
    libraries = [key for key in LIBRARIES if any((key, "build", "none", size) in results for size in sizes)]
    rows = [[LIBRARIES[key].title, *(_cell(results, results.get((key, "build", "none", size)), repeat)
                                     for size in sizes)] for key in libraries]
    header = ["library", *(f"N = {size:,}" for size in sizes)]
    return ["### (e) build only, no database", "", "Objects per second (ratio to hand-written object construction):",
            "", *_table(header, rows), ""]


def single_table(results: Results, databases: list[str], calls: int, repeat: int) -> list[str]:
    libraries = [key for key in LIBRARIES if any((key, "single", db, calls) in results for db in databases)]
    header = ["library", *(_DB_TITLES[db] for db in databases)]
    rows = [[LIBRARIES[key].title, *(_cell(results, results.get((key, "single", db, calls)), repeat)
                                     for db in databases)] for key in libraries]
    counts = [[LIBRARIES[key].title, *(_counts(results.get((key, "single", db, calls))) for db in databases)]
              for key in libraries]
    return [f"### (f) one create() + flush, {calls} calls in one transaction", "",
            "Median µs per call (speed ratio to the hand-written async ORM: above 1 is faster):", "",
            *_table(header, rows), "",
            f"Statements per run of {calls} calls, INSERT/SELECT/COMMIT (others) · CPU µs per call:", "",
            *_table(header, counts), ""]


def targets_table(results: Results, size: int, calls: int) -> list[str]:
    rows = []
    for target in TARGETS:
        run_size = calls if target.case == "single" else size
        mine = results.get((target.library, target.case, target.database, run_size))
        if target.database != "none" and mine is None:
            continue
        share = ratio(results, mine, target.baseline, target.baseline_case)
        where = _DB_TITLES.get(target.database, "no database")
        if share is None:
            verdict = "not measured" if mine is None or mine["status"] == "ok" else mine["status"]
            shown = "—"
        else:
            verdict, shown = ("met" if share >= target.minimum else "missed"), f"{share:.2f}x"
        if target.case == "single" and share:
            shown = f"{1 / share:.2f}x the time"
        rows.append([target.text, where, shown, verdict])
    header = ["target (asyncfactories, N = " + f"{size:,})", "database", "measured", "verdict"]
    return ["### Targets of issue #7", "", *_table(header, rows), ""]


def notes(results: Results) -> list[str]:
    """One line per library and case that did not measure, with the first reason and where."""
    seen: dict[tuple[str, str, str], tuple[str, list[str]]] = {}
    for (library, case, database, _size), result in results.items():
        if result["status"] != "ok":
            key = (LIBRARIES[library].title, CASES[case].title, result["status"])
            where = seen.setdefault(key, (result["reason"], []))[1]
            if database not in where:
                where.append(database)
    return [f"- {library}, {case}: {status} on {', '.join(where)} — {reason}"
            for (library, case, status), (reason, where) in sorted(seen.items())]


def render(results: Results, databases: list[str], sizes: list[int], repeat: int, calls: int) -> str:
    lines: list[str] = []
    for database in databases:
        for size in sizes:
            lines += write_tables(results, database, size, repeat)
    if any(key[1] == "build" for key in results):
        lines += build_table(results, sizes, repeat)
    if any(key[1] == "single" for key in results):
        lines += single_table(results, databases, calls, repeat)
    lines += targets_table(results, max(sizes), calls)
    lines += [f"† fewer than {repeat} timed runs: the time budget per measurement was spent.",
              "‡N: measured with N objects per run. A library that sends statements (or commits) per object "
              "runs at the smallest size only, its rate hardly depending on N (`--full` runs it at every size); "
              "one whose run was projected to last over `--max-run` seconds writes fewer objects.", ""]
    skipped = notes(results)
    if skipped:
        lines += ["Not measured:", "", *skipped, ""]
    return "\n".join(lines)
