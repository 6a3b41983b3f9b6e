"""Attribute pyinstrument samples to the phases of a persisting call (used by profile_create_many).

Each sample's stack is read root to leaf; the innermost frame that names a *phase* (factory_boy's
builder, our layering, model_check, session.add, the ORM flush, load_unloaded…) owns the sample,
and the innermost frame below it that names a *layer* (driver, SQLAlchemy Core, ORM, greenlet…)
says where inside that phase the time went.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

__all__ = ["PHASES", "attribute", "hottest", "layer_of", "phase_of"]

Rule = tuple[str, Callable[[str, str], bool]]


def _file(*suffixes: str) -> Callable[[str, str], bool]:
    return lambda function, path: path.endswith(suffixes)


def _under(*parts: str) -> Callable[[str, str], bool]:
    return lambda function, path: any(part in path for part in parts)


def _named(path_part: str, *functions: str) -> Callable[[str, str], bool]:
    return lambda function, path: function in functions and path_part in path


#: First match wins for one frame; the innermost frame with a match wins for the sample.
PHASES: list[Rule] = [
    ("load_unloaded (SELECT of server defaults)", _named("asyncfactories/persisting/persistence.py", "load_unloaded")),
    ("expire_collections_joined_by_key",
     _named("asyncfactories/persisting/persistence.py", "expire_collections_joined_by_key")),
    ("failure isolation (savepoint check)", _named("asyncfactories/persisting/persistence.py", "isolate_failures",
                                                   "protective_savepoint", "_nothing_to_protect")),
    ("initialise_collections", _named("asyncfactories/persisting/persistence.py", "initialise_collections")),
    ("model constructor (SQLAlchemy instrumented __init__)", lambda function, path: (
        function in ("_instantiate", "_initialize_instance", "_declarative_constructor")
        or (function == "__init__" and path.startswith("<string>")))),
    ("session.add (+ cascade)", _named("sqlalchemy/orm/session.py", "add", "add_all")),
    ("ORM flush (unit of work + INSERT)", _named("sqlalchemy/orm/session.py", "flush")),
    ("commit", _named("sqlalchemy/", "commit")),
    ("bulk write (Core INSERT batches, keys written back: bulk.py)", _file("asyncfactories/persisting/bulk.py")),
    ("lean build (fastbuild.py)", _file("asyncfactories/building/fastbuild.py")),
    ("zero-config values (autogen)", _under("asyncfactories/autogen/")),
    ("layering (LayeredStepBuilder, layered_params)",
     _file("asyncfactories/building/steps.py", "asyncfactories/definition/states.py")),
    ("recycling / relations", _file("asyncfactories/building/relations.py")),
    ("model_check", _file("asyncfactories/definition/model_check.py")),
    ("eager check (_flushes_each_instance)", _file("asyncfactories/persisting/eager.py")),
    ("record_built (stubbing)", _file("asyncfactories/building/stubbing.py")),
    ("resolve_post_generated (_adjust_kwargs)", _file("asyncfactories/building/declarations.py")),
    ("Faker", _under("/faker/")),
    ("factory_boy builder (declarations, BuildStep)", _under("/factory/")),
    ("asyncfactories plumbing (factory.py, persist_call, session lock)", _under("asyncfactories/")),
    ("session close (identity map teardown)", _named("sqlalchemy/", "close")),
    ("benchmark harness (session open, gc)", _under("benchmarks/")),
    ("awaiting in greenlet_spawn (driver I/O, greenlet switches)", _named("sqlalchemy/util/concurrency.py",
                                                                          "greenlet_spawn")),
    ("event loop (idle: waiting for the server)", _under("asyncio/")),
]

LAYERS: list[Rule] = [
    ("driver + dialect adapter", _under("/asyncpg/", "/aiosqlite/", "/sqlite3/", "/psycopg/", "/pymysql/",
                                        "/aiomysql/", "sqlalchemy/dialects/", "sqlalchemy/connectors/")),
    ("greenlet switch (await_)", _under("sqlalchemy/util/concurrency.py", "/greenlet/")),
    ("SQLAlchemy Core (compile, insertmanyvalues, RETURNING rows)", _under("sqlalchemy/engine/", "sqlalchemy/sql/")),
    ("SQLAlchemy ORM (unit of work, state, cascades, identity map)", _under("sqlalchemy/orm/")),
    ("SQLAlchemy util / events", _under("sqlalchemy/")),
]


def _match(rules: list[Rule], function: str, path: str) -> str | None:
    return next((label for label, test in rules if test(function, path)), None)


def _frames(stack: Sequence[str]) -> list[tuple[str, str]]:
    frames = []
    for identifier in stack:
        parts = identifier.split("\x00")
        frames.append((parts[0], parts[1] if len(parts) > 1 else ""))
    return frames


def phase_of(stack: Sequence[str]) -> tuple[str, str]:
    """``(phase, layer)`` of one sample."""
    phase, layer = "other", "Python / builtins"
    for function, path in _frames(stack):
        found = _match(PHASES, function, path)
        if found is not None:
            phase, layer = found, "own code"
            continue
        below = _match(LAYERS, function, path)
        if below is not None:
            layer = below
    return phase, layer


def layer_of(stack: Sequence[str]) -> str:
    return phase_of(stack)[1]


def attribute(records: Sequence[tuple[Sequence[str], float]]) -> dict[str, dict[str, float]]:
    """Seconds per phase, and per layer within each phase."""
    table: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for stack, seconds in records:
        phase, layer = phase_of(stack)
        table[phase][layer] += seconds
    return table


def hottest(records: Sequence[tuple[Sequence[str], float]], phase: str, count: int = 4) -> list[tuple[str, float]]:
    """The functions where samples of ``phase`` were taken (leaf frames), most seconds first."""
    leaves: dict[str, float] = defaultdict(float)
    for stack, seconds in records:
        if phase_of(stack)[0] == phase:
            function, path = _frames(stack)[-1]
            short = path.split("site-packages/")[-1].split("/work/main/")[-1]
            leaves[f"{function} ({short})"] += seconds
    return sorted(leaves.items(), key=lambda item: -item[1])[:count]
