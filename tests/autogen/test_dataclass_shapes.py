"""``MappedAsDataclass`` models whose ``__init__`` requires what the factory leaves unset (SPEC §6.4).

Issue #12, section 4: ``build()`` failed with ``__init__() missing 4 required positional
arguments: 'id', 'note', 'created_at', and 'steps'``. The primary key, the foreign key, the
server-filled and the nullable column and the relationships are now supplied as a plain model
would have them when never given, so the database and SQLAlchemy still fill them.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from asyncfactories import ModelFactory, Sequence, post_generation

from ..readback import fetch_all
from .shape_models import AgPlan, AgStep


class PlanFactory(ModelFactory[AgPlan]):
    name = Sequence(lambda n: f"plan {n}")


class StepFactory(ModelFactory[AgStep]):
    title = Sequence(lambda n: f"step {n}")


class HookedStepFactory(StepFactory):
    """A post-generation hook: each step goes through the unit of work, not the bulk path."""

    @post_generation
    def touched(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        pass


def test_build_supplies_the_required_arguments_left_to_the_database() -> None:
    plan = PlanFactory.build()
    assert (plan.id, plan.note, plan.created_at, plan.steps) == (None, None, None, [])
    step = StepFactory.build()
    assert isinstance(step.plan, AgPlan) and step.plan.steps == [step] and step.plan_id is None


def test_values_given_for_required_arguments_are_kept() -> None:
    plan = PlanFactory.build(id=7, note="given", steps=[AgStep(id=None, title="t", plan_id=None, plan=None)])
    assert (plan.id, plan.note, len(plan.steps)) == (7, "given", 1)
    filled = ModelFactory.create_factory(AgPlan, __set_relationships__=True, __min_collection_length__=2).build()
    assert len(filled.steps) == 2 and all(step.plan is filled for step in filled.steps)


def test_build_stubbed_gives_required_keys_fake_values() -> None:
    step = StepFactory.build_stubbed()
    assert step.id and step.plan.id and step.plan_id == step.plan.id


async def test_dataclass_models_requiring_their_keys_are_created(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    plans = [await PlanFactory.create(session=session), *await PlanFactory.create_many(3, session=session)]
    steps = [await StepFactory.create(session=session), *await StepFactory.create_many(3, session=session)]
    await session.commit()
    assert all(plan.id and plan.created_at is not None for plan in plans)  # key and server default loaded
    rows = {row.id: row for row in await fetch_all(fresh_session, select(AgPlan).options(selectinload(AgPlan.steps)))}
    assert len(rows) == 8 and all(rows[plan.id].note is None and rows[plan.id].created_at for plan in plans)
    assert all([s.id for s in rows[step.plan_id].steps] == [step.id] for step in steps)


@pytest.mark.parametrize("factory", [StepFactory, HookedStepFactory], ids=["bulk", "unit_of_work"])
async def test_a_foreign_key_keyword_is_not_cleared_by_the_required_relationship_argument(
    session: AsyncSession, fresh_session: AsyncSession, factory: type[StepFactory]
) -> None:
    plan = await PlanFactory.create(session=session)
    steps = [await factory.create(session=session, plan_id=plan.id)]
    steps += await factory.create_many(2, session=session, plan_id=plan.id)
    await session.commit()
    rows = await fetch_all(fresh_session, select(AgStep))
    assert sorted(row.id for row in rows) == sorted(step.id for step in steps)
    assert {row.plan_id for row in rows} == {plan.id}
    assert [row.id for row in await fetch_all(fresh_session, select(AgPlan))] == [plan.id]
