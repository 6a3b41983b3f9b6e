"""Run every benchmark case, one process per (library, case, database, size), and print the tables.

    .venv/bin/python benchmarks/run.py --databases sqlite,postgres --sizes 1000,10000 --repeat 5

Needs polyfactory, async-factory-boy and pyinstrument next to the package (``benchmarks/requirements.txt``).
PostgreSQL / MariaDB URLs come from ``BENCH_POSTGRES_URL`` / ``BENCH_MYSQL_URL`` (defaults:
the loopback servers of ``.ci/run``); SQLite uses a file under ``/dev/shm/asyncfactories-bench``
(tmpfs; ``BENCH_SQLITE_PATH`` overrides). Tables are named ``bench_users`` / ``bench_posts`` and
dropped when each process ends.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(ROOT))

from benchmarks import databases as bench_databases  # noqa: E402
from benchmarks import environment, report  # noqa: E402
from benchmarks.matrix import CASES, LIBRARIES  # noqa: E402


@dataclass(frozen=True)
class Job:
    library: str
    case: str
    database: str
    size: int

    def label(self) -> str:
        where = "no database" if self.database == "none" else self.database
        return f"{where:<11} N={self.size:<6,} {CASES[self.case].title:<36} {LIBRARIES[self.library].title}"


def plan(databases: list[str], sizes: list[int], cases: list[str], libraries: list[str], args: argparse.Namespace
         ) -> list[Job]:
    """Every job, grouped by database so its server stays warm."""
    chosen = [key for key in LIBRARIES if key in libraries]
    jobs = [Job(lib, "build", "none", size) for size in sizes if "build" in cases for lib in chosen
            if "build" in LIBRARIES[lib].cases]
    for database in databases:
        for size in sizes:
            at_size = [lib for lib in chosen if args.full or size == min(sizes) or not LIBRARIES[lib].per_row]
            jobs += [Job(lib, case, database, size) for case in cases if case not in ("build", "single")
                     for lib in at_size if case in LIBRARIES[lib].cases]
        if "single" in cases:
            jobs += [Job(lib, "single", database, args.calls) for lib in chosen if "single" in LIBRARIES[lib].cases]
    return jobs


def carry_per_row(results: dict[tuple[str, str, str, int], dict[str, Any]], sizes: list[int]) -> None:
    """Show a per-row library's rate at the smallest size in the tables of the larger sizes."""
    for (library, case, database, size), result in list(results.items()):
        if size == min(sizes) and LIBRARIES[library].per_row and case not in ("build", "single"):
            for larger in sizes:
                results.setdefault((library, case, database, larger), {**result, "size": larger})


def snapshot(ref: str | None) -> Path:
    """Copy ``benchmarks/`` and ``asyncfactories/`` (from the working tree, or as committed in
    ``ref``) aside: every process of the run imports the same code, even if the working tree is
    edited while the run goes on."""
    target = Path(tempfile.mkdtemp(prefix="asyncfactories-bench-"))
    shutil.copytree(ROOT / "benchmarks", target / "benchmarks", ignore=shutil.ignore_patterns("__pycache__"))
    if ref is None:
        shutil.copytree(ROOT / "asyncfactories", target / "asyncfactories",
                        ignore=shutil.ignore_patterns("__pycache__"))
        return target
    archive = subprocess.run(["git", "archive", ref, "asyncfactories"], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def run_job(job: Job, args: argparse.Namespace, code: Path) -> dict[str, Any]:
    options = {"library": job.library, "case": job.case, "database": job.database, "size": job.size,
               "repeat": args.repeat, "budget": args.budget, "min-runs": args.min_runs, "calls": args.calls,
               "max-run": args.max_run}
    command = [sys.executable, "-m", "benchmarks.worker"]
    command += [part for name, value in options.items() for part in (f"--{name}", str(value))]
    failure = {"library": job.library, "case": job.case, "database": job.database, "size": job.size,
               "status": "error", "runs": [], "median": 0.0, "counts": {}}
    try:
        done = subprocess.run(command, cwd=code, capture_output=True, text=True, timeout=args.timeout, check=False)
    except subprocess.TimeoutExpired:
        return {**failure, "reason": f"timed out after {args.timeout:.0f} s"}
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            result: dict[str, Any] = json.loads(line[len("RESULT "):])
            return result
    last = (done.stderr.strip().splitlines() or ["no output"])[-1]
    return {**failure, "status": "ROWS MISSING" if done.returncode == 2 else "error", "reason": last[:300]}


def run_all(jobs: list[Job], args: argparse.Namespace, code: Path) -> dict[tuple[str, str, str, int], dict[str, Any]]:
    results = {}
    for number, job in enumerate(jobs, 1):
        job_started = time.perf_counter()
        result = run_job(job, args, code)
        results[(job.library, job.case, job.database, job.size)] = result
        took = time.perf_counter() - job_started
        print(f"[{number:>3}/{len(jobs)}] {job.label():<95} {describe(result)} [{took:.0f} s]", file=sys.stderr,
              flush=True)
    return results


def describe(result: dict[str, Any]) -> str:
    if result["status"] != "ok":
        return f"{result['status']}: {result.get('reason', '')}"
    if result["case"] == "single":
        return f"{result['median']:,.0f} µs per create"
    return f"{report.speed(result):,.0f} rows/s, {len(result['runs'])} runs"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="sqlite,postgres", help="comma-separated: sqlite,postgres,mysql")
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated object counts")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per measurement (after a warm-up)")
    parser.add_argument("--budget", type=float, default=3.0, help="seconds of timed runs after which to stop early")
    parser.add_argument("--min-runs", type=int, default=3, help="timed runs made whatever the budget")
    parser.add_argument("--full", action="store_true", help="measure per-row libraries at every size too")
    parser.add_argument("--max-run", type=float, default=15.0,
                        help="write fewer objects per run where one run is projected to take longer (seconds)")
    parser.add_argument("--calls", type=int, default=500, help="create() calls per run of the single case")
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated: " + ",".join(CASES))
    parser.add_argument("--libraries", default=",".join(LIBRARIES), help="comma-separated: " + ",".join(LIBRARIES))
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds before a measurement is abandoned")
    parser.add_argument("--ref", help="measure asyncfactories/ as committed in this git revision (e.g. HEAD)")
    parser.add_argument("--in-place", action="store_true", help="import the working tree, not a copy taken at start")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--from-json", type=Path, help="only render the tables of an earlier --json file")
    parser.add_argument("--markdown", type=Path, help="also write the tables here")
    return parser.parse_args(argv)


def rerender(args: argparse.Namespace) -> int:
    """Print (and write) the tables of an earlier run from its ``--json`` file."""
    saved = json.loads(args.from_json.read_text())
    results = {(r["library"], r["case"], r["database"], r["size"]): r for r in saved["results"]}
    settings = saved["settings"]
    tables = report.render(results, settings["databases"], settings["sizes"], settings["repeat"], settings["calls"])
    print(saved["header"] + "\n" + tables)
    if args.markdown:
        args.markdown.write_text(saved["header"] + "\n" + tables + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    if args.from_json:
        return rerender(args)
    databases, cases = args.databases.split(","), args.cases.split(",")
    sizes = [int(size) for size in args.sizes.split(",")]
    jobs = plan(databases, sizes, cases, args.libraries.split(","), args)
    if args.ref:  # pin it: HEAD may move while the run goes on
        args.ref = subprocess.run(["git", "rev-parse", args.ref], cwd=ROOT, capture_output=True, text=True,
                                  check=True).stdout.strip()
    started, code = time.perf_counter(), ROOT if args.in_place else snapshot(args.ref)
    state = environment.code_state(ROOT, code, args.ref)
    try:
        results = run_all(jobs, args, code)
    finally:
        if code != ROOT:
            shutil.rmtree(code)
        bench_databases.remove_default_sqlite()  # its tables are dropped already
    elapsed = time.perf_counter() - started
    if not args.full:
        carry_per_row(results, sizes)
    tables = report.render(results, databases, sizes, args.repeat, args.calls)
    header = environment.describe(databases, sys.argv, elapsed, state)
    print(header + "\n" + tables)
    if args.markdown:
        args.markdown.write_text(header + "\n" + tables + "\n")
    if args.json:
        settings = {"databases": databases, "sizes": sizes, "repeat": args.repeat, "calls": args.calls}
        saved = {"header": header, "settings": settings, "results": list(results.values())}
        args.json.write_text(json.dumps(saved, indent=1) + "\n")
    broken = [result for result in results.values() if result["status"] in ("error", "ROWS MISSING")]
    for result in broken:
        print(f"FAILED: {result['library']} {result['case']} {result['database']} N={result['size']}: "
              f"{result['status']}: {result.get('reason', '')}", file=sys.stderr)
    return 1 if any(result["status"] == "ROWS MISSING" for result in broken) else 0


if __name__ == "__main__":
    sys.exit(main())
