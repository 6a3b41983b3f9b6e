"""``CallPlan``: what a ``FactoryBuilder`` adds to one call, handed down the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from .relations import ChildSpec

__all__ = ["EMPTY_PLAN", "CallPlan"]


@dataclass(frozen=True)
class CallPlan:
    """What a builder adds to a call: states, a session, recycled parents, children, links."""

    states: tuple[str, ...] = ()
    session: AsyncSession | Session | None = None
    recycled: tuple[Any, ...] = ()
    children: tuple[ChildSpec, ...] = ()
    links: dict[str, Any] = field(default_factory=dict)


EMPTY_PLAN = CallPlan()
