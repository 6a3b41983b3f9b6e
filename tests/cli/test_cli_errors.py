"""Bad input to the command line: one clear line on stderr, exit status 2, no traceback, and
passwords never shown (SPEC §9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_cli_seed import run

SECRET = "s3cr3t-pw"

CASES = {
    "unknown module": (["seed", "no_such_module:Factory"], "cannot import module 'no_such_module'"),
    "unknown factory": (["seed", "cli_factories:NoSuchFactory"], "has no factory 'NoSuchFactory'"),
    "target without factory": (["seed", "cli_factories"], "write it as module:Factory"),
    "bad =N": (["seed", "cli_factories:AuthorFactory=many"], "must be a non-negative integer, got 'many'"),
    "unknown state": (["seed", "cli_factories:AuthorFactory", "--state", "vip"], "has no state 'vip'; valid states"),
    "unreachable database": (
        ["seed", "cli_factories:AuthorFactory", "--url", f"postgresql://app:{SECRET}@127.0.0.1:9/app"],
        "cannot connect to postgresql+asyncpg://app:***@127.0.0.1:9/app",
    ),
    "malformed URL": (
        ["seed", "cli_factories:AuthorFactory", "--url", f"not a url:{SECRET}@"],
        "malformed database URL",
    ),
    "unknown driver": (["seed", "cli_factories:AuthorFactory", "--url", "postgresql+nodriver://x@h/db"], "cannot use"),
    "unknown database": (
        ["seed", "cli_factories:AuthorFactory", "--url", f"foo://u:{SECRET}@127.0.0.1/db"],
        "unknown database 'foo' in foo://u:***@127.0.0.1/db: use postgresql://, mysql://, mariadb:// or "
        "sqlite:///path (with an async driver, e.g. postgresql+asyncpg://)",
    ),
    "port not a number": (
        ["seed", "cli_factories:AuthorFactory", "--url", f"postgresql+asyncpg://u:{SECRET}@127.0.0.1:notaport/db"],
        "malformed database URL: the port must be a number; expected e.g. "
        "postgresql://user:password@host:5432/dbname",
    ),
    "password in the query": (
        ["seed", "cli_factories:AuthorFactory", "--url", f"postgresql://app@127.0.0.1:9/app?password={SECRET}"],
        "cannot connect to postgresql+asyncpg://app@127.0.0.1:9/app?password=***",
    ),
    "lint: no factories": (
        ["lint", "cli_empty"],
        "asyncfactories: error: no factories found in cli_empty: lint checks the ModelFactory subclasses "
        "with a model that a module defines or imports",
    ),
    "scaffold: no models": (
        ["scaffold", "cli_empty"],
        "asyncfactories: error: no mapped models in cli_empty: scaffold writes factories for the mapped "
        "classes defined in the module itself; name the module that defines them",
    ),
    "lint unknown module": (["lint", "no_such_module"], "cannot import module 'no_such_module'"),
    "lint unreachable": (
        ["lint", "cli_factories", "--url", f"mysql://root:{SECRET}@127.0.0.1:9/x"],
        "cannot connect to mysql+asyncmy://root:***@127.0.0.1:9/x",
    ),
    "scaffold unknown module": (["scaffold", "no_such_module"], "cannot import module 'no_such_module'"),
    "missing target": (["seed"], "Missing argument 'TARGETS...'"),
    "bad option value": (["seed", "cli_factories:AuthorFactory", "--chunk-size", "0"], "--chunk-size"),
    "unknown option": (["lint", "cli_factories", "--colour"], "No such option '--colour'"),
    "unknown command": (["grow"], "No such command 'grow'"),
}


@pytest.mark.parametrize(("argv", "expected"), list(CASES.values()), ids=list(CASES))
def test_bad_input_is_one_line_on_stderr_with_status_2(
    argv: list[str], expected: str, in_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(argv, capsys)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert expected in lines[0]
    assert lines[0].startswith("asyncfactories")
    assert "Traceback" not in err
    assert SECRET not in err
