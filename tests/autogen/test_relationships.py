"""Relationships of zero-config factories (SPEC §6.3)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories import ModelFactory, SelfAttribute, Sequence, SubFactory
from asyncfactories.autogen.relationships import default_factory, registered_factory

from .models import AgArticle, AgCategory, AgChicken, AgEgg, AgGroup, AgOrg, AgPlayer, AgTeam


def test_a_required_parent_comes_from_an_automatic_factory_when_none_is_defined() -> None:
    player = ModelFactory.create_factory(AgPlayer).build()
    assert isinstance(player.team, AgTeam) and isinstance(player.team.org, AgOrg)
    automatic = default_factory(AgOrg, ModelFactory.create_factory(AgTeam))
    assert automatic.__name__ == "AutomaticAgOrgFactory" and automatic._meta.model is AgOrg


def test_the_factory_marked_default_for_a_model_builds_its_parents() -> None:
    class PlainOrgFactory(ModelFactory[AgOrg]):
        name = "plain"

    class MarkedOrgFactory(ModelFactory[AgOrg]):
        __set_as_default_factory_for_type__ = True
        name = Sequence(lambda n: f"Marked {n}")

    team = ModelFactory.create_factory(AgTeam).build()
    assert team.org.name.startswith("Marked ")
    assert registered_factory(AgOrg) is MarkedOrgFactory
    assert PlainOrgFactory.build().name == "plain"


def test_the_only_factory_defined_for_a_model_is_its_default() -> None:
    class GroupFactory(ModelFactory[AgGroup]):
        name = "the only one"

    class SpecialGroupFactory(GroupFactory):  # derives from it: still unambiguous
        name = "special"

    assert registered_factory(AgGroup) is GroupFactory

    class OtherGroupFactory(ModelFactory[AgGroup]):
        name = "other"

    assert registered_factory(AgGroup) is None  # two unrelated factories: automatic instead


def test_a_keyword_for_the_foreign_key_replaces_the_automatic_parent() -> None:
    team = ModelFactory.create_factory(AgTeam).build(org_id=42)
    assert team.org is None and team.org_id == 42


def test_a_declared_relationship_or_foreign_key_is_left_to_the_declaration() -> None:
    class OrgFactory(ModelFactory[AgOrg]):
        name = "declared"

    class TeamWithOrgFactory(ModelFactory[AgTeam]):
        org = SubFactory(OrgFactory)

    class TeamWithKeyFactory(ModelFactory[AgTeam]):
        org_id = 7

    assert TeamWithOrgFactory.build().org.name == "declared"
    team = TeamWithKeyFactory.build()
    assert team.org is None and team.org_id == 7


def test_deep_keywords_reach_an_automatic_parent() -> None:
    player = ModelFactory.create_factory(AgPlayer).build(team__name="Reds", team__org__name="Club")
    assert player.team.name == "Reds" and player.team.org.name == "Club"


def test_collections_stay_empty_without_set_relationships() -> None:
    org = ModelFactory.create_factory(AgOrg).build()
    assert org.teams == []


def _collections_factory(**meta: Any) -> Any:
    attrs = {f"__{key}__": value for key, value in meta.items()}
    return ModelFactory.create_factory(AgOrg, __set_relationships__=True, **attrs)


def test_set_relationships_fills_collections_with_the_minimum_length() -> None:
    org = _collections_factory(min_collection_length=2).build()
    assert len(org.teams) == 2 and all(team.org is org for team in org.teams)
    assert all(len(team.players) == 2 and team.players[0].team is team for team in org.teams)


def test_randomized_collection_lengths_stay_between_min_and_max() -> None:
    factory = _collections_factory(randomize_collection_length=True, min_collection_length=1, max_collection_length=4)
    lengths = {len(factory.build().teams) for _ in range(40)}
    assert lengths <= {1, 2, 3, 4} and len(lengths) > 1


def test_max_depth_stops_nesting() -> None:
    org = _collections_factory().build()  # max_depth 2: org -> teams -> players
    player = org.teams[0].players[0]
    assert player.team.org is org

    class ShallowOrgFactory(ModelFactory[AgOrg]):
        __set_relationships__ = True

        class Meta:
            max_depth = 1

    shallow = ShallowOrgFactory.build()
    assert len(shallow.teams) == 1 and shallow.teams[0].players == []


def test_many_to_many_collections_are_filled() -> None:
    article = ModelFactory.create_factory(AgArticle, __set_relationships__=True).build()
    assert len(article.labels) == 1 and article.labels[0].articles == [article]


def test_self_referential_optional_parents_stop_at_max_depth() -> None:
    class CategoryFactory(ModelFactory[AgCategory]):
        __allow_none_optionals__ = False

    category = CategoryFactory.build()
    chain = [category]
    while chain[-1].parent is not None:
        chain.append(chain[-1].parent)
    assert len(chain) == 3  # the instance, then parents at depths 1 and 2


def test_a_cycle_of_required_parents_stops_without_error() -> None:
    chicken = ModelFactory.create_factory(AgChicken).build()
    depth, current = 0, chicken
    while current is not None:
        current = current.egg if isinstance(current, AgChicken) else current.chicken
        depth += 1
    assert 3 <= depth < 10
    assert isinstance(ModelFactory.create_factory(AgEgg).build().chicken, AgChicken)


async def test_created_children_get_their_parents_in_the_same_session(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    players = await ModelFactory.create_factory(AgPlayer).create_many(5, session=session)
    await session.commit()
    assert all(player.team_id == player.team.id and player.team.org_id for player in players)
    assert await fresh_session.scalar(select(func.count()).select_from(AgTeam)) == 5
    assert await fresh_session.scalar(select(func.count()).select_from(AgOrg)) == 5


async def test_created_collections_are_persisted(session: AsyncSession, fresh_session: AsyncSession) -> None:
    orgs = await _collections_factory(min_collection_length=2).create_many(3, session=session)
    await session.commit()
    assert all(team.id and team.org_id == org.id for org in orgs for team in org.teams)
    assert await fresh_session.scalar(select(func.count()).select_from(AgTeam)) == 6
    assert await fresh_session.scalar(select(func.count()).select_from(AgPlayer)) == 12


async def test_a_default_factory_reading_its_parents_key_gets_it_through_an_automatic_parent(
    session: AsyncSession,
) -> None:
    class OrgFactory(ModelFactory[AgOrg]):
        pass

    class TeamFactory(ModelFactory[AgTeam]):
        org = SubFactory(OrgFactory)
        slot = SelfAttribute("org.id")  # the database's key: the org must be flushed first

    players = await ModelFactory.create_factory(AgPlayer).create_many(3, session=session)
    assert all(player.team.slot == player.team.org.id for player in players)


def test_build_stubbed_gives_automatic_parents_and_children_keys() -> None:
    player = ModelFactory.create_factory(AgPlayer).build_stubbed()
    assert player.team_id == player.team.id and player.team.org_id == player.team.org.id
    org = _collections_factory().build_stubbed()
    assert all(team.org_id == org.id and team.id for team in org.teams)
