"""Zero-config values (SPEC §6.1, §6.2): what a factory that declares nothing builds."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal

import pytest

from asyncfactories import ModelFactory, Sequence, Trait
from asyncfactories.autogen import words
from asyncfactories.autogen.generators import integer_range

from .models import AgAccount, AgBlob, AgCar, AgEmployee, AgEngineer, AgMysqlTypes, AgPgTypes, AgTeam, Status


class AccountFactory(ModelFactory[AgAccount]):
    pass


def test_a_factory_declaring_nothing_fills_every_required_column() -> None:
    account = AccountFactory.build()
    for key in AgAccount.__table__.columns.keys():  # noqa: SIM118  # a ColumnCollection
        if key in ("id", "bio", "score", "created_at"):
            continue
        assert getattr(account, key) is not None, key


def test_values_fit_their_column_types() -> None:
    for account in AccountFactory.build_batch(200):
        assert len(account.name) <= 80 and len(account.code) <= 3 and len(account.country_code) == 2
        assert len(account.label) <= 12 and len(account.label) > 0
        assert isinstance(account.status, Status)
        assert account.tier in ("free", "pro", "team")
        assert isinstance(account.active, bool)
        low, high = integer_range(AgAccount.__table__.c.age.type)
        assert low <= account.age <= high and (low, high) == (-(2**15), 2**15 - 1)
        assert isinstance(account.visits, int) and isinstance(account.big, int)
        assert isinstance(account.price, Decimal) and account.price.as_tuple().exponent == -2
        assert abs(account.price) < Decimal("10000")  # Numeric(6, 2): four digits before the point
        assert isinstance(account.ratio, float)
        assert isinstance(account.birthday, dt.date) and not isinstance(account.birthday, dt.datetime)
        assert account.seen_at.tzinfo is None
        assert account.seen_at_tz.tzinfo is not None
        assert isinstance(account.wakes_at, dt.time) and isinstance(account.session_length, dt.timedelta)
        assert isinstance(account.token, uuid.UUID) and isinstance(account.settings, dict)

    for blob in ModelFactory.create_factory(AgBlob).build_batch(200):
        assert isinstance(blob.avatar, bytes) and len(blob.avatar) <= 32 and len(blob.fingerprint) <= 8


def test_dates_and_times_come_from_a_fixed_range_not_the_clock() -> None:
    for account in AccountFactory.build_batch(200):
        assert dt.date(2000, 1, 1) <= account.birthday <= dt.date(2030, 12, 31)
        assert dt.datetime(2000, 1, 1) <= account.seen_at < dt.datetime(2031, 1, 1)
        assert account.seen_at.microsecond == 0  # MariaDB's DATETIME keeps no fraction


def test_realistic_values_for_well_known_column_names() -> None:
    for account in AccountFactory.build_batch(50):
        assert re.fullmatch(r"[a-z]+\.[a-z]+\d+@example\.com", account.email), account.email
        first, last = account.name.split(" ")
        assert first in words.FIRST_NAMES and last in words.LAST_NAMES
        assert account.first_name in words.FIRST_NAMES and account.last_name in words.LAST_NAMES
        assert account.city in words.CITIES and account.country in words.COUNTRIES
        assert account.country_code in words.COUNTRY_CODES
        assert re.fullmatch(r"\+1 555-\d{3}-\d{4}", account.phone)
        assert account.url.startswith("https://www.example.")
        assert account.description.endswith(".") and len(account.description.split()) >= 6
        assert all(word in words.WORDS for word in account.label.split())


def test_other_strings_are_readable_words() -> None:
    labels = [AccountFactory.build().title for _ in range(20)]
    assert all(set(label.lower()) <= set("abcdefghijklmnopqrstuvwxyz ") for label in labels)


def test_nullable_columns_stay_none_unless_fill_optionals() -> None:
    assert AccountFactory.build().bio is None

    class FilledFactory(ModelFactory[AgAccount]):
        class Meta:
            fill_optionals = True

    class AliasFactory(ModelFactory[AgAccount]):
        __allow_none_optionals__ = False

    assert isinstance(FilledFactory.build().bio, str)
    assert isinstance(AliasFactory.build().bio, str)


def test_python_scalar_defaults_are_on_built_instances() -> None:
    assert AccountFactory.build().role == "user"
    assert AccountFactory.attributes()["role"] == "user"


def test_without_use_defaults_defaulted_columns_are_generated_too() -> None:
    class NoDefaultsFactory(ModelFactory[AgAccount]):
        __use_defaults__ = False

    roles = {NoDefaultsFactory.build().role for _ in range(10)}
    assert "user" not in roles and all(isinstance(role, str) and len(role) <= 20 for role in roles)


def test_database_filled_and_foreign_key_columns_are_never_generated() -> None:
    attributes = AccountFactory.attributes()
    assert not {"id", "score", "created_at"} & set(attributes)  # autoincrement key, server defaults
    team = ModelFactory.create_factory(AgTeam).build()
    assert team.org_id is None and team.org is not None  # set through the relationship when flushed
    assert team.lead_id is None and team.lead is None  # optional: left unset


def test_the_polymorphic_discriminator_is_left_to_sqlalchemy() -> None:
    engineer = ModelFactory.create_factory(AgEngineer).build()
    assert engineer.type == "engineer" and isinstance(engineer.language, str)
    assert "type" not in ModelFactory.create_factory(AgEmployee).attributes()
    assert ModelFactory.create_factory(AgCar).build().kind == "car"


def test_unique_columns_never_repeat_within_a_factory_and_its_subclasses() -> None:
    class SubAccountFactory(AccountFactory):
        pass

    built = AccountFactory.build_batch(300) + SubAccountFactory.build_batch(300)
    for key in ("email", "username", "code", "token"):
        values = [getattr(account, key) for account in built]
        assert len(set(values)) == len(values), key
    assert all(len(account.code) <= 3 for account in built)


def test_declarations_states_and_keywords_replace_generated_values() -> None:
    class DeclaringFactory(ModelFactory[AgAccount]):
        name = Sequence(lambda n: f"Name {n}")

        class Params:
            vip = Trait(title="VIP")

        @classmethod
        def defaults(cls) -> dict[str, object]:
            return {"city": "Atlantis"}

    account = DeclaringFactory.build(country="Narnia")
    assert account.name.startswith("Name ") and account.city == "Atlantis" and account.country == "Narnia"
    assert DeclaringFactory.state("vip").build().title == "VIP"
    assert DeclaringFactory.build().title != "VIP"  # the trait off: the generated value


def test_attributes_includes_generated_columns_only() -> None:
    attributes = ModelFactory.create_factory(AgTeam).attributes()
    assert {"name", "slot", "kind"} <= set(attributes)
    assert "org" not in attributes and "org_id" not in attributes


def test_auto_fields_off_generates_nothing_but_keeps_defaults() -> None:
    class ManualFactory(ModelFactory[AgAccount]):
        __check_model__ = True

        class Meta:
            auto_fields = False

    account = ManualFactory.build()
    assert account.name is None and account.role == "user"


def test_postgresql_types_have_generators() -> None:
    row = ModelFactory.create_factory(AgPgTypes).build()
    assert isinstance(row.numbers, list) and all(isinstance(n, int) for n in row.numbers)
    assert all(isinstance(w, str) and len(w) <= 20 for w in row.words)
    assert isinstance(row.doc, dict) and row.address.startswith("10.") and row.network.endswith("/24")
    assert isinstance(row.wait, dt.timedelta) and isinstance(row.ident, uuid.UUID)
    assert row.span.lower < row.span.upper and row.days.lower < row.days.upper


def test_mysql_types_have_generators() -> None:
    for row in ModelFactory.create_factory(AgMysqlTypes).build_batch(100):
        assert 0 <= row.tiny <= 255 and -128 <= row.tiny_unique <= 127 and -(2**23) <= row.medium < 2**23
        assert 1901 <= row.year <= 2155 and row.flags <= {"red", "green", "blue"} and row.flags
        assert row.colour in ("red", "green", "blue") and 0 <= row.bits < 16 and len(row.short) <= 255
        assert Decimal(0) <= row.amount < Decimal(1000)


@pytest.mark.parametrize("key", ["email", "username", "code"])
def test_unique_strings_differ_case_insensitively(key: str) -> None:
    values = [getattr(account, key).lower() for account in AccountFactory.build_batch(200)]
    assert len(set(values)) == len(values)
