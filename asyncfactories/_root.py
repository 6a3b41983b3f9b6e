"""The root factory class (``ModelFactory``), registered by ``factory.py`` when it is defined.

The layers below the public face derive automatic factories from it and compare against its
defaults; they read it here instead of importing ``factory.py``, which imports them.
"""

from __future__ import annotations

from typing import Any

__all__ = ["register_root_factory", "root_factory"]

_root: list[Any] = []


def register_root_factory(root: Any) -> None:
    """Record ``root`` as the class every factory derives from (once, from ``factory.py``)."""
    _root[:] = [root]


def root_factory() -> Any:
    """``ModelFactory`` (only ever called once it is defined, when a factory is used)."""
    return _root[0]
