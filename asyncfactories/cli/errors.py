"""The one error type the command line reports: one line on stderr, exit status 2."""

from __future__ import annotations

__all__ = ["CliError"]


class CliError(Exception):
    """Bad input or an unreachable database: shown as one line, never a traceback."""
