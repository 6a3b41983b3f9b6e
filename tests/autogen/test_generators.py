"""Custom generators (SPEC §6.5), unique values (§6.1) and reproducibility (§7)."""

from __future__ import annotations

import random
import subprocess
import sys
import threading
from decimal import Decimal
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Integer, String, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

import asyncfactories
from asyncfactories import ConfigurationError, ModelFactory
from asyncfactories.autogen import ColumnSpec, reset_unique_values
from asyncfactories.autogen.unique import tagged

from .models import AgAccount, AgSlot


class Shout(TypeDecorator[str]):
    """A custom type over ``String(12)``: generated as its ``impl`` unless told otherwise."""

    impl = String(12)
    cache_ok = True


class Point(TypeDecorator[tuple[int, int]]):
    impl = Text
    cache_ok = True


class _Base(DeclarativeBase):
    pass


class AgCustom(_Base):
    __tablename__ = "ag_custom"

    id: Mapped[int] = mapped_column(primary_key=True)
    shout: Mapped[str] = mapped_column(Shout)
    note: Mapped[str] = mapped_column(Text)
    count: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(10), unique=True)


class AgOpaque(_Base):
    __tablename__ = "ag_opaque"

    id: Mapped[int] = mapped_column(primary_key=True)
    where: Mapped[tuple[int, int]] = mapped_column(Point().with_variant(Text(), "mysql"))


def test_type_generators_add_and_replace_generators_and_match_subclasses() -> None:
    seen: list[ColumnSpec] = []

    def loud(spec: ColumnSpec, rnd: random.Random) -> str:
        seen.append(spec)
        return "HEY"

    class CustomFactory(ModelFactory[AgCustom]):
        class Meta:
            type_generators: ClassVar[dict[Any, Any]] = {String: loud, Integer: lambda spec, rnd: 7}

    custom = CustomFactory.build()
    assert custom.shout == "HEY" and custom.note == "HEY" and custom.count == 7  # Text is a String
    assert {spec.key for spec in seen} >= {"shout", "note"} and seen[0].table == "ag_custom"


def test_the_most_specific_type_wins_and_enum_keeps_its_own_generator() -> None:
    class TextOnlyFactory(ModelFactory[AgCustom]):
        class Meta:
            type_generators: ClassVar[dict[Any, Any]] = {
                Text: lambda spec, rnd: "text",
                String: lambda spec, rnd: "string",
            }

    custom = TextOnlyFactory.build()
    assert custom.note == "text" and custom.shout == "string"

    class StringsFactory(ModelFactory[AgAccount]):
        class Meta:
            type_generators: ClassVar[dict[Any, Any]] = {String: lambda spec, rnd: "s"}

    account = StringsFactory.build()
    assert account.name == "s" and account.tier in ("free", "pro", "team")


def test_a_type_decorator_without_a_generator_is_generated_as_its_impl() -> None:
    custom = ModelFactory.create_factory(AgCustom).build()
    assert isinstance(custom.shout, str) and len(custom.shout) <= 12


def test_get_sqlalchemy_types_overrides_the_polyfactory_way_with_zero_argument_callables() -> None:
    class PointFactory(ModelFactory[AgOpaque]):
        @classmethod
        def get_sqlalchemy_types(cls) -> dict[Any, Any]:
            return {**super().get_sqlalchemy_types(), Point: lambda: (1, 2)}

    assert PointFactory.build().where == (1, 2)
    assert String in ModelFactory.get_sqlalchemy_types()


def test_type_generators_win_over_get_sqlalchemy_types() -> None:
    class BothFactory(ModelFactory[AgOpaque]):
        class Meta:
            type_generators: ClassVar[dict[Any, Any]] = {Point: lambda spec: (spec.key, 0)}

        @classmethod
        def get_sqlalchemy_types(cls) -> dict[Any, Any]:
            return {Point: lambda: (1, 2)}

    assert BothFactory.build().where == ("where", 0)


def test_an_unknown_type_fails_with_the_fix_only_when_its_value_is_needed() -> None:
    class NoPointFactory(ModelFactory[AgOpaque]):
        class Meta:
            type_generators: ClassVar[dict[Any, Any]] = {Text: lambda spec, rnd: None}

    class UnknownFactory(ModelFactory[AgCustom]):
        @classmethod
        def get_sqlalchemy_types(cls) -> dict[Any, Any]:
            return {}  # no built-ins either: falls back to them, so everything still works

    assert UnknownFactory.build().count is not None
    assert NoPointFactory.build().where is None  # Point is a Text: the Text generator serves it


def test_custom_generators_on_unique_columns_are_redrawn_on_repeats() -> None:
    class FewCodesFactory(ModelFactory[AgCustom]):
        class Meta:
            type_generators: ClassVar[dict[Any, Any]] = {String: lambda spec, rnd: rnd.choice("abcdefghij")}

    codes = [FewCodesFactory.build().code for _ in range(10)]
    assert sorted(codes) == list("abcdefghij")
    with pytest.raises(ConfigurationError, match=r"ag_custom\.code"):
        FewCodesFactory.build()


def test_a_short_unique_column_reports_when_it_runs_out_of_values() -> None:
    class _Tiny(DeclarativeBase):
        pass

    class AgTiny(_Tiny):
        __tablename__ = "ag_tiny"
        id: Mapped[int] = mapped_column(primary_key=True)
        flag: Mapped[str] = mapped_column(String(1), unique=True)

    factory = ModelFactory.create_factory(AgTiny)
    values = [factory.build().flag for _ in range(9 + 26)]
    assert len(set(values)) == 35 and all(len(v) == 1 for v in values)
    with pytest.raises(ConfigurationError, match="no more unique values fit 1 characters"):
        factory.build()


@given(
    prefixes=st.lists(st.text(min_size=0, max_size=12), min_size=1, max_size=5),
    length=st.one_of(st.none(), st.integers(min_value=1, max_value=8)),
    suffix=st.sampled_from(["", "@example.com", ".x"]),
    start=st.integers(min_value=1, max_value=5000),
)
def test_tagged_strings_never_collide(prefixes: list[str], length: int | None, suffix: str, start: int) -> None:
    values: list[str] = []
    for n in range(start, start + 60):
        try:
            value = tagged(prefixes[n % len(prefixes)], n, length, suffix, "t.c")
        except ConfigurationError:  # every string of that length is used up
            assert length is not None and n > 10**length - 1
            break
        assert length is None or len(value) <= length
        values.append(value.lower())
    assert len(set(values)) == len(values)


def test_unique_values_never_repeat_across_threads_and_subclasses() -> None:
    class SlotFactory(ModelFactory[AgSlot]):
        pass

    class OtherSlotFactory(SlotFactory):
        pass

    rooms: list[str] = []
    lock = threading.Lock()

    def work(factory: Any) -> None:
        built = [slot.room for slot in factory.build_batch(200)]
        with lock:
            rooms.extend(built)

    threads = [threading.Thread(target=work, args=(f,)) for f in (SlotFactory, OtherSlotFactory) * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(rooms) == 1600 and len(set(rooms)) == 1600


def test_seed_makes_values_reproducible_and_reset_restarts_unique_ones() -> None:
    factory = ModelFactory.create_factory(AgAccount)

    def sample() -> list[Any]:
        reset_unique_values()
        asyncfactories.seed(1234)
        return [factory.attributes() for _ in range(3)]

    first, second = sample(), sample()
    assert first == second
    asyncfactories.seed(1234)
    again = factory.attributes()
    assert again["name"] == first[0]["name"] and again["email"] != first[0]["email"]  # counter went on


_SCRIPT = """
import asyncfactories
from asyncfactories import ModelFactory
from tests.autogen.models import AgAccount, AgTeam
asyncfactories.seed(99)
print(ModelFactory.create_factory(AgAccount).attributes())
team = ModelFactory.create_factory(AgTeam).build()
print(team.name, team.slot, team.org.name)
"""


def test_two_processes_seeded_alike_build_identical_data() -> None:
    runs = [subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=True) for _ in "ab"]
    assert runs[0].stdout == runs[1].stdout and "example.com" in runs[0].stdout


def test_generated_numbers_respect_precision_and_scale() -> None:
    class _Money(DeclarativeBase):
        pass

    from sqlalchemy import Numeric

    class AgMoney(_Money):
        __tablename__ = "ag_money"
        id: Mapped[int] = mapped_column(primary_key=True)
        tiny: Mapped[Decimal] = mapped_column(Numeric(3, 3))
        whole: Mapped[Decimal] = mapped_column(Numeric(4, 0), unique=True)
        plain: Mapped[Decimal] = mapped_column(Numeric)
        floaty: Mapped[float] = mapped_column(Numeric(5, 1, asdecimal=False))

    for row in ModelFactory.create_factory(AgMoney).build_batch(300):
        assert Decimal(0) <= row.tiny < 1 and row.tiny.as_tuple().exponent == -3
        assert 0 < row.whole < 10_000 and row.whole.as_tuple().exponent == 0
        assert row.plain.as_tuple().exponent == 0 and isinstance(row.floaty, float) and row.floaty < 10_000
