"""The one error type the command line reports: one line on stderr, exit status 2."""

from __future__ import annotations

__all__ = ["CliError", "SeedFailedError"]


class CliError(Exception):
    """Bad input or an unreachable database: shown as one line, never a traceback."""

    exit_status = 2


class SeedFailedError(CliError):
    """A factory failed in the database while seeding: one line, exit status 1."""

    exit_status = 1
