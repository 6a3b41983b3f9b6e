"""The ``asyncfactories`` console script's entry point, kept outside the package on purpose.

Importing ``asyncfactories`` loads SQLAlchemy, factory_boy and Faker, which takes a second or
more on a cold start. This module installs a quiet Ctrl-C handler before that import, so an
early Ctrl-C exits with status 130 and no traceback, and it turns a missing ``cli`` extra
(Click, Rich) into one line with the ``pip install`` that fixes it.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType
from typing import NoReturn

__all__ = ["main"]

INTERRUPTED_EXIT = 130
MISSING_EXTRA_EXIT = 2
#: The distributions the ``cli`` extra installs, by the module name an import fails on.
CLI_EXTRA_MODULES = frozenset({"click", "rich"})


def _exit_quietly(signum: int, frame: FrameType | None) -> NoReturn:
    raise SystemExit(INTERRUPTED_EXIT)


def main() -> None:
    """Run ``asyncfactories.cli.main`` once it is imported; quiet until then."""
    previous = signal.signal(signal.SIGINT, _exit_quietly)
    try:
        from asyncfactories.cli import main as cli_main
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] not in CLI_EXTRA_MODULES:
            raise
        sys.stderr.write(
            f"asyncfactories: the command line needs the cli extra ({error.name} is not installed): "
            f'pip install "asyncfactories[cli]"\n'
        )
        raise SystemExit(MISSING_EXTRA_EXIT) from None
    signal.signal(signal.SIGINT, previous)
    try:
        cli_main()
    except KeyboardInterrupt:  # between the import and the command's own handling
        raise SystemExit(INTERRUPTED_EXIT) from None


if __name__ == "__main__":
    main()
