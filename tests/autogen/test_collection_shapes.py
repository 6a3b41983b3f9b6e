"""Collections that are not lists, write-only and dynamic relationships (SPEC §6.3, §6.4, §5.4, §4.4).

Issue #12, section 4: ``Meta.set_relationships`` on a ``set`` or keyed-dict collection failed
with ``AttributeError: 'InstrumentedSet' object has no attribute 'append'``; a child of a
``WriteOnlyMapped`` or ``lazy="dynamic"`` collection created through a SubFactory failed in
the bulk path with ``TypeError: 'bool' object is not iterable``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import get_history

from asyncfactories import ModelFactory, Sequence, SubFactory

from ..readback import fetch_all, fetch_one
from .shape_models import AgBook, AgEntry, AgEvent, AgFeed, AgPin, AgReader, AgShelf, AgSticker, AgTag


def _shelves(**meta: Any) -> Any:
    attrs = {f"__{key}__": value for key, value in meta.items()}
    return ModelFactory.create_factory(AgShelf, __set_relationships__=True, __min_collection_length__=2, **attrs)


async def _count(session: AsyncSession, model: type[Any]) -> int:
    try:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        await session.rollback()


def _assert_filled(shelf: AgShelf) -> None:
    assert isinstance(shelf.books, set) and len(shelf.books) == 2
    assert all(book.shelf is shelf for book in shelf.books)
    assert len(shelf.stickers) == 2 and all(key == s.label for key, s in shelf.stickers.items())
    assert len(shelf.pins) == 2 and all(key == pin.code and pin.shelf is shelf for key, pin in shelf.pins.items())
    assert len(shelf.tags) == 2 and all(key == tag.word.upper() for key, tag in shelf.tags.items())
    assert isinstance(shelf.readers, set) and len(shelf.readers) == 2
    assert all(reader.shelves == {shelf} for reader in shelf.readers)


def test_set_relationships_fills_sets_and_keyed_dicts_when_building() -> None:
    _assert_filled(_shelves().build())


async def test_sets_and_keyed_dicts_filled_by_set_relationships_are_persisted(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    created = [await _shelves().create(session=session), *await _shelves().create_many(3, session=session)]
    await session.commit()
    for shelf in created:
        _assert_filled(shelf)
    loads = [selectinload(getattr(AgShelf, key)) for key in ("books", "stickers", "pins", "tags", "readers")]
    rows = {row.id: row for row in await fetch_all(fresh_session, select(AgShelf).options(*loads))}
    assert sorted(rows) == sorted(shelf.id for shelf in created)
    for shelf in created:
        row = rows[shelf.id]
        assert {book.title for book in row.books} == {book.title for book in shelf.books}
        assert set(row.stickers) == set(shelf.stickers) and set(row.pins) == set(shelf.pins)
        assert set(row.tags) == set(shelf.tags) and {r.name for r in row.readers} == {r.name for r in shelf.readers}


def test_build_stubbed_links_the_children_of_sets_and_keyed_dicts() -> None:
    shelf = _shelves().build_stubbed()
    children = [*shelf.books, *shelf.stickers.values(), *shelf.pins.values(), *shelf.tags.values()]
    assert len(children) == 8 and all(child.shelf_id == shelf.id for child in children)


class ShelfFactory(ModelFactory[AgShelf]):
    name = Sequence(lambda n: f"shelf {n}")


class StickerFactory(ModelFactory[AgSticker]):
    label = Sequence(lambda n: f"sticker {n}")


class BookFactory(ModelFactory[AgBook]):
    title = Sequence(lambda n: f"book {n}")


async def test_has_adds_children_to_sets_and_keyed_dicts(session: AsyncSession, fresh_session: AsyncSession) -> None:
    shelves = await ShelfFactory.has(StickerFactory, 3).has(BookFactory, 2).create_many(2, session=session)
    await session.commit()
    assert all(len(shelf.stickers) == 3 and len(shelf.books) == 2 for shelf in shelves)
    query = select(AgShelf).options(selectinload(AgShelf.stickers), selectinload(AgShelf.books))
    rows = {row.id: row for row in await fetch_all(fresh_session, query)}
    for shelf in shelves:
        assert set(rows[shelf.id].stickers) == set(shelf.stickers)
        assert {book.id for book in rows[shelf.id].books} == {book.id for book in shelf.books}


async def test_for_links_to_a_parent_through_a_set_collection(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    shelf = await ShelfFactory.create(session=session)
    readers = await ModelFactory.create_factory(AgReader).for_(shelf).create_many(2, session=session)
    await session.commit()
    assert all(reader.shelves == {shelf} for reader in readers) and shelf.readers == set(readers)
    row = await fetch_one(fresh_session, select(AgShelf).options(selectinload(AgShelf.readers)))
    assert {reader.id for reader in row.readers} == {reader.id for reader in readers}


class FeedFactory(ModelFactory[AgFeed]):
    title = Sequence(lambda n: f"feed {n}")


class EntryFactory(ModelFactory[AgEntry]):
    feed = SubFactory(FeedFactory)


class EventFactory(ModelFactory[AgEvent]):
    feed = SubFactory(FeedFactory)


async def _assert_linked(fresh_session: AsyncSession, model: type[Any], created: list[Any]) -> None:
    rows = {row.id: row for row in await fetch_all(fresh_session, select(model))}
    assert sorted(rows) == sorted(child.id for child in created)
    assert all(rows[child.id].feed_id == child.feed.id for child in created)


async def test_children_of_write_only_and_dynamic_collections_are_created_through_a_subfactory(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    entries = [await EntryFactory.create(session=session), *await EntryFactory.create_many(3, session=session)]
    events = [await EventFactory.create(session=session), *await EventFactory.create_many(3, session=session)]
    automatic = await ModelFactory.create_factory(AgEntry).create_many(2, session=session)  # automatic parent
    await session.commit()
    await _assert_linked(fresh_session, AgEntry, entries + automatic)
    await _assert_linked(fresh_session, AgEvent, events)
    assert await _count(fresh_session, AgFeed) == 10


async def test_set_relationships_and_has_fill_write_only_and_dynamic_collections(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    filled = ModelFactory.create_factory(AgFeed, __set_relationships__=True, __min_collection_length__=2)
    feeds = await filled.create_many(2, session=session)
    feeds += await FeedFactory.has(EntryFactory, 3).has(EventFactory, 1).create_many(2, session=session)
    await session.commit()
    entries = await fetch_all(fresh_session, select(AgEntry))
    events = await fetch_all(fresh_session, select(AgEvent))
    per_feed = {feed.id: (sum(e.feed_id == feed.id for e in entries), sum(e.feed_id == feed.id for e in events))
                for feed in feeds}  # fmt: skip
    assert list(per_feed.values()) == [(2, 2), (2, 2), (3, 1), (3, 1)]
    assert await _count(fresh_session, AgPin) == 0 and await _count(fresh_session, AgTag) == 0


def test_build_stubbed_links_the_children_of_write_only_and_dynamic_collections() -> None:
    feed = ModelFactory.create_factory(AgFeed, __set_relationships__=True).build_stubbed()
    children = [*get_history(feed, "entries").added, *get_history(feed, "events").added]
    assert len(children) == 2 and all(child.feed_id == feed.id for child in children)
