"""``coverage()`` (SPEC §6.6): every state, every Enum / boolean value, None and set for nullables."""

from __future__ import annotations

from typing import Any

from asyncfactories import ModelFactory, Trait

from .models import AgAccount, AgTeam, Status


class AccountFactory(ModelFactory[AgAccount]):
    class Params:
        closed = Trait(status=Status.CLOSED, active=False)

    @classmethod
    def state_vip(cls) -> dict[str, Any]:
        return {"tier": "team", "bio": "A very important person."}


def test_coverage_uses_every_state_and_every_value() -> None:
    accounts = AccountFactory.coverage()
    assert all(isinstance(account, AgAccount) for account in accounts)
    assert any(account.status is Status.CLOSED and account.active is False for account in accounts)  # state
    assert any(account.tier == "team" and account.bio == "A very important person." for account in accounts)
    assert {account.status for account in accounts} == set(Status)
    assert {account.tier for account in accounts} == {"free", "pro", "team"}
    assert {account.active for account in accounts} == {True, False}
    assert {account.bio is None for account in accounts} == {True, False}
    assert len(accounts) <= 5  # two states, then only what they left uncovered


def test_coverage_keywords_apply_to_every_instance_and_are_not_varied() -> None:
    accounts = AccountFactory.coverage(tier="pro")
    assert {account.tier for account in accounts} == {"pro"}
    assert {account.status for account in accounts} == set(Status)


def test_a_nullable_foreign_key_is_covered_through_its_relationship() -> None:
    teams = ModelFactory.create_factory(AgTeam).coverage()
    assert {team.lead is None for team in teams} == {True, False}
    assert {team.kind for team in teams} == {True, False}
