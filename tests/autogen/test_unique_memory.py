"""Memory stays flat: the values a custom generator gave a unique column are remembered only up
to a bound, however many objects are made (tracemalloc counts what is still held)."""

from __future__ import annotations

import tracemalloc
from random import Random

import pytest
from sqlalchemy import String

import asyncfactories.autogen.unique as unique
from asyncfactories import ModelFactory
from asyncfactories.autogen import reset_unique_values

from ..models import User

WINDOW = 400  # the bound, lowered so the test makes few objects (tracemalloc slows building)


def _email(spec: object, random: Random) -> str:
    return f"{random.getrandbits(64):016x}@custom.example"


class CustomEmailFactory(ModelFactory[User]):
    """``email`` is unique and not declared: the custom String generator fills it."""

    name = "Ada"

    class Meta:
        type_generators = {String: _email}  # noqa: RUF012  # read once by the options, never mutated


def _held_by_remember() -> int:
    """Bytes still allocated under ``remember()``: the remembered values and their bookkeeping."""
    snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(True, unique.__file__, all_frames=True)])
    return sum(stat.size for stat in snapshot.statistics("filename"))


@pytest.fixture
def small_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(unique, "REMEMBERED", WINDOW)
    reset_unique_values()


@pytest.mark.usefixtures("small_window")
def test_memory_held_for_custom_unique_values_stays_flat() -> None:
    tracemalloc.start(4)  # deep enough to see remember() above the generator's allocations
    try:
        for _ in range(2):  # fill the window, and let its bookkeeping reach its size
            CustomEmailFactory.build_batch(WINDOW)
        full = _held_by_remember()
        for _ in range(6):
            CustomEmailFactory.build_batch(WINDOW)
        later = _held_by_remember()
    finally:
        tracemalloc.stop()
    # Remembering every value would hold six windows more (about 6 x 400 x 120 bytes).
    assert full > 20_000, "the window holds the latest values"
    assert later - full < 0.1 * full, f"held {full} bytes after 800 objects, {later} after 3,200"


@pytest.mark.usefixtures("small_window")
def test_a_repeat_within_the_window_is_drawn_again() -> None:
    values = iter(["a@x", "b@x", "a@x", "c@x"])
    drawn = [unique.remember("users.email", lambda: next(values)) for _ in range(3)]
    assert drawn == ["a@x", "b@x", "c@x"]


@pytest.mark.usefixtures("small_window")
def test_a_value_older_than_the_window_may_come_again() -> None:
    """The documented limit: the database's unique constraint reports such a repeat."""
    first = unique.remember("users.email", lambda: "first@x")
    for n in range(WINDOW):
        unique.remember("users.email", lambda n=n: f"{n}@x")  # type: ignore[misc]  # n bound per call
    assert unique.remember("users.email", lambda: "first@x") == first
