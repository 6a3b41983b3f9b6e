"""Turning ``module:Factory=N`` and module names into imported factory classes."""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from ..factory import ModelFactory
from ..integrations.linting import discover_factories
from .errors import CliError

__all__ = ["Target", "import_module", "parse_target"]


@dataclass(frozen=True)
class Target:
    """One factory to seed, and how many rows (None: use ``--count``)."""

    text: str
    factory: type[ModelFactory[Any]]
    count: int | None


def import_module(name: str) -> ModuleType:
    """Import ``name`` the way ``python -m`` would, with the current folder on ``sys.path``."""
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise CliError(f"cannot import module {name!r}: {error}") from error
    except Exception as error:  # a module that fails while importing
        raise CliError(f"importing module {name!r} failed: {type(error).__name__}: {error}") from error


def _parse_count(text: str, raw: str) -> int:
    if not raw.isdigit():
        raise CliError(f"bad target {text!r}: the count after '=' must be a non-negative integer, got {raw!r}")
    return int(raw)


def parse_target(text: str) -> Target:
    """``module:Factory`` or ``module:Factory=N`` → the imported factory and its count."""
    spec, equals, raw_count = text.partition("=")
    module_name, colon, factory_name = spec.partition(":")
    if not colon or not module_name or not factory_name:
        raise CliError(f"bad target {text!r}: write it as module:Factory or module:Factory=N")
    count = _parse_count(text, raw_count) if equals else None
    module = import_module(module_name)
    factory = getattr(module, factory_name, None)
    if factory is None or not isinstance(factory, type) or not issubclass(factory, ModelFactory):
        available = ", ".join(f.__name__ for f in discover_factories(module)) or "none"
        raise CliError(f"module {module_name!r} has no factory {factory_name!r} (factories there: {available})")
    if factory._meta.abstract:
        raise CliError(f"{factory_name} in {module_name!r} is an abstract base factory; name a concrete one")
    return Target(text, factory, count)
