"""``python -m asyncfactories``: the same command line as the ``asyncfactories`` script."""

from __future__ import annotations

# The script's entry point, installed beside the package: the same Ctrl-C handling and the
# same one line when the cli extra (Click, Rich) is missing.
from _asyncfactories_launcher import main

if __name__ == "__main__":
    main()
