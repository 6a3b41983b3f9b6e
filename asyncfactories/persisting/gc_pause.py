"""Pause Python's cyclic garbage collector for the length of one batch call.

A batch call makes many long-lived objects quickly (instances, their states, rows). Each time
enough of them pile up, CPython's collector walks every tracked object of the process, and over a
batch of 10,000 users that walking took about a third of the whole call (and as much of the same
batch written by hand with ``session.add_all``). Reference counting still frees everything
that is not part of a cycle at once; cycles made during the call wait for the collector, which
runs again as soon as the call ends. A collector that was already paused (by the application,
or by another call still running) is left as it was.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["garbage_collection_paused"]


@contextlib.contextmanager
def garbage_collection_paused() -> Iterator[None]:
    """Disable ``gc`` in the block; enable it again after if this block disabled it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
