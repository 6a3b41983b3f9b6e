"""The ``asyncfactories`` command line: ``seed``, ``lint`` and ``scaffold`` (see docs/guides/cli.md).

Needs the ``cli`` extra (``pip install asyncfactories[cli]``): Click and Rich.
"""

from __future__ import annotations

from .app import main

__all__ = ["main"]
