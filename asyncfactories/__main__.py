"""``python -m asyncfactories``: the same command line as the ``asyncfactories`` script."""

from __future__ import annotations

import sys

try:
    from .cli import main
except ModuleNotFoundError as error:  # the cli extra (Click, Rich) is not installed
    if (error.name or "").partition(".")[0] not in {"click", "rich"}:
        raise
    sys.stderr.write(
        f'asyncfactories: the command line needs the cli extra ({error.name} is not installed): '
        f'pip install "asyncfactories[cli]"\n'
    )
    raise SystemExit(2) from None

if __name__ == "__main__":
    main()
