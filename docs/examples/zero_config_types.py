"""Zero configuration: replacing a column type's generator, and coverage()."""

from __future__ import annotations

import asyncio
import enum
import random
from typing import Any, ClassVar

from sqlalchemy import Enum, String, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncfactories import ModelFactory, Trait
from asyncfactories.autogen import ColumnSpec


class Base(DeclarativeBase):
    pass


class Colour(TypeDecorator[str]):
    """A custom type: a ``#rrggbb`` string, stored as ``String(7)``."""

    impl = String(7)
    cache_ok = True


class Status(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Badge(Base):
    __tablename__ = "badges"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(30))
    colour: Mapped[str] = mapped_column(Colour)
    motto: Mapped[str] = mapped_column(Text)
    status: Mapped[Status] = mapped_column(Enum(Status))
    shiny: Mapped[bool]
    note: Mapped[str | None] = mapped_column(String(50))


# --8<-- [start:type-generators]
def hex_colour(spec: ColumnSpec, rnd: random.Random) -> str:
    """A generator: the column's spec (name, type, length, ...) and the seeded random source."""
    return f"#{rnd.randrange(0x1000000):06x}"


class BadgeFactory(ModelFactory[Badge]):
    class Meta:
        type_generators: ClassVar[dict[type, Any]] = {
            Colour: hex_colour,
            Text: lambda spec, rnd: f"{spec.key} #{rnd.randint(1, 99)}",  # every Text column
        }

    class Params:
        launched = Trait(status=Status.PUBLISHED, shiny=True)
# --8<-- [end:type-generators]


# --8<-- [start:polyfactory]
class PolyBadgeFactory(ModelFactory[Badge]):
    @classmethod
    def get_sqlalchemy_types(cls) -> dict[Any, Any]:
        # polyfactory's hook: zero-argument callables work too.
        return {**super().get_sqlalchemy_types(), Colour: lambda: "#000000"}
# --8<-- [end:polyfactory]


async def main() -> None:
    # --8<-- [start:use]
    badge = BadgeFactory.build()
    assert badge.colour.startswith("#") and len(badge.colour) == 7
    assert badge.motto.startswith("motto #")
    assert PolyBadgeFactory.build().colour == "#000000"
    # Without a generator of its own, a TypeDecorator is generated as its impl (String(7) here).
    assert len(ModelFactory.create_factory(Badge).build().colour) <= 7
    # --8<-- [end:use]

    # --8<-- [start:coverage]
    badges = BadgeFactory.coverage()
    assert any(b.status is Status.PUBLISHED and b.shiny for b in badges)  # every state
    assert {b.status for b in badges} == set(Status)  # every Enum member
    assert {b.shiny for b in badges} == {True, False}  # both booleans
    assert {b.note is None for b in badges} == {True, False}  # None and a value
    # --8<-- [end:coverage]


if __name__ == "__main__":
    asyncio.run(main())
