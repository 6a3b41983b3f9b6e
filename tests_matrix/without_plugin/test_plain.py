"""A suite that never uses asyncfactories' fixtures: the plugin must not break it."""

import asyncio

import pytest


def test_sync() -> None:
    assert 1 + 1 == 2


@pytest.mark.asyncio
async def test_async() -> None:
    await asyncio.sleep(0)
