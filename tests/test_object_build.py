"""A batch's objects made without the constructor's events are the objects the constructor makes.

``objects.instantiator`` writes columns and new parents straight into a new object and records
their history itself. The equivalence table builds the same objects both ways — the model's
constructor plus ``init_collection`` as ``ModelFactory._instantiate`` does, and the
instantiator — and compares everything SQLAlchemy keeps of them: each object's values, its
committed state and history, its "modified" flag, its parents' tracking, its parents'
collections. The qualification table pins which relationships are written so; the last tests
show the unit of work saving such objects when the bulk path is off.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy import ForeignKey, String, event, inspect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, make_transient_to_detached, mapped_column, relationship, validates
from sqlalchemy.orm.attributes import init_collection

from asyncfactories import ModelFactory, Sequence, SubFactory
from asyncfactories.building.objects import _parents, instantiator

from .models import Account, Comment, Post, Transfer, User
from .persistence_helpers import column_values, tables_of


class _Base(DeclarativeBase):
    pass


class Person(_Base):
    __tablename__ = "object_people"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    passport: Mapped[Passport | None] = relationship(back_populates="holder")


class Passport(_Base):
    """One-to-one: the backref holds one object, not a collection."""

    __tablename__ = "object_passports"
    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("object_people.id"))
    holder: Mapped[Person] = relationship(back_populates="passport")


class Folder(_Base):
    __tablename__ = "object_folders"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    files: Mapped[list[File]] = relationship(back_populates="folder", cascade="all, delete-orphan")


class File(_Base):
    """The parent's collection deletes orphans: SQLAlchemy tracks each file's parent."""

    __tablename__ = "object_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    folder_id: Mapped[int] = mapped_column(ForeignKey("object_folders.id"))
    folder: Mapped[Folder] = relationship(back_populates="files")


class Note(_Base):
    """A validator on the relationship: the constructor must run it."""

    __tablename__ = "object_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    folder_id: Mapped[int] = mapped_column(ForeignKey("object_folders.id"))
    folder: Mapped[Folder] = relationship()

    @validates("folder")
    def _check(self, key: str, value: Folder) -> Folder:
        return value


class Label(_Base):
    """A ``set`` listener of the user's on the relationship."""

    __tablename__ = "object_labels"
    id: Mapped[int] = mapped_column(primary_key=True)
    folder_id: Mapped[int] = mapped_column(ForeignKey("object_folders.id"))
    folder: Mapped[Folder] = relationship()


label_sets: list[str] = []


@event.listens_for(Label.folder, "set")
def _record_set(target: Label, value: Folder, old: Any, initiator: Any) -> None:
    label_sets.append(value.name)


Make = Callable[..., Any]


def _by_constructor(model: type[Any], **kwargs: Any) -> Any:
    """What ``ModelFactory._instantiate`` makes: the model called, then its empty collections."""
    instance = model(**kwargs)
    for rel in inspect(model).relationships:
        if rel.uselist and rel.key not in instance.__dict__:
            init_collection(instance, rel.key)
    return instance


def _by_instantiator(model: type[Any], **kwargs: Any) -> Any:
    return instantiator(model)(kwargs)


def _detached(user: User) -> User:
    user.id = 1
    make_transient_to_detached(user)
    return user


#: Each row makes objects with ``make`` and returns them all, parents first.
OBJECTS: list[tuple[str, Callable[[Make], list[Any]]]] = [
    ("a post and its new author", lambda make: [
        u := make(User, name="a", email="a@x"), make(Post, title="t", author=u),
    ]),
    ("two posts of one author", lambda make: [
        u := make(User, name="a", email="a@x"), make(Post, title="1", author=u), make(Post, title="2", author=u),
    ]),
    ("a comment: a parent with a backref, one without", lambda make: [
        u := make(User, name="a", email="a@x"), p := make(Post, title="t", author=u),
        make(Comment, text="b", post=p, author=u),
    ]),
    ("one account at both ends of a transfer", lambda make: [
        a := make(Account, name="a"), make(Transfer, amount=5, source=a, target=a),
    ]),
    ("a collection that deletes orphans", lambda make: [f := make(Folder, name="f"), make(File, name="x", folder=f)]),
    ("no parent", lambda make: [make(Post, title="t", author=None)]),
    ("a parent already in the database", lambda make: [
        u := _detached(make(User, name="a", email="a@x")), make(Post, title="t", author=u),
    ]),
    ("a one-to-one backref", lambda make: [p := make(Person, name="p"), make(Passport, holder=p)]),
    ("a validator on the relationship", lambda make: [f := make(Folder, name="f"), make(Note, folder=f)]),
    ("a set listener on the relationship", lambda make: [f := make(Folder, name="f"), make(Label, folder=f)]),
]  # fmt: skip


def _snapshot(objects: list[Any]) -> list[dict[str, Any]]:
    """Everything SQLAlchemy keeps of each object, related objects named by their position.

    Columns written into ``__dict__`` have no history (``test_batch_build.py`` shows the unit of
    work saving them all the same): their values are compared, the history of relationships."""
    names = {id(instance): index for index, instance in enumerate(objects)}

    def name(value: Any) -> Any:
        if isinstance(value, list | tuple):
            return [name(item) for item in value]
        return ("object", names[id(value)]) if hasattr(value, "_sa_instance_state") else value

    snapshot = []
    for instance in objects:
        state = inspect(instance)
        links = state.mapper.relationships.keys()
        snapshot.append({
            "values": {key: name(value) for key, value in instance.__dict__.items() if key != "_sa_instance_state"},
            "committed": {key: name(value) for key, value in state.committed_state.items() if key in links},
            "history": {key: tuple(name(list(part)) for part in state.attrs[key].history) for key in links},
            "modified": state.modified,
            "parents": {key: name(parent.obj()) if parent else parent for key, parent in state.parents.items()},
            "empty collections": dict(state._empty_collections),
        })  # fmt: skip
    return snapshot


@pytest.mark.parametrize("make_objects", [row[1] for row in OBJECTS], ids=[row[0] for row in OBJECTS])
def test_the_instantiator_makes_what_the_constructor_makes(make_objects: Callable[[Make], list[Any]]) -> None:
    label_sets.clear()
    expected = _snapshot(make_objects(_by_constructor))
    listened = list(label_sets)
    assert _snapshot(make_objects(_by_instantiator)) == expected
    assert label_sets == listened * 2  # the user's listener heard both


@pytest.mark.parametrize(
    ("model", "written"),
    [
        (Post, {"author"}),
        (Comment, {"post", "author"}),
        (Transfer, {"source", "target"}),
        (File, {"folder"}),
        (Passport, set()),  # its backref holds one object
        (Note, set()),  # a validator
        (Label, set()),  # a listener of the user's
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_which_parents_are_written_without_events(model: type[Any], written: set[str]) -> None:
    assert set(_parents(inspect(model))) == written


class _UserFactory(ModelFactory[User]):
    name = "Author"
    email = Sequence(lambda n: f"author{n}@test.example")


class _PostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Post {n}")
    author = SubFactory(_UserFactory)


async def test_each_new_author_holds_its_post(session: AsyncSession, fresh_session: AsyncSession) -> None:
    posts = await _PostFactory.create_many(3, session=session)
    await session.commit()

    assert [post.author.posts for post in posts] == [[post] for post in posts]
    written = await column_values(fresh_session, Post.title, Post.author_id)
    assert written == sorted((post.title, post.author.id) for post in posts)


async def test_the_unit_of_work_links_parents_written_without_events(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    """A flush listener keeps the batch off the bulk path: the flush must still see each new
    author as the post's parent, and write its key into the post."""
    event.listen(session.sync_session, "before_flush", lambda s, context, instances: None)
    posts = await _PostFactory.create_many(3, session=session)
    await session.commit()

    written = await column_values(fresh_session, Post.title, Post.author_id)
    assert written == sorted((post.title, post.author.id) for post in posts)
    assert all(post.author_id is not None for post in posts)


@pytest.fixture
async def folder_tables(engine: AsyncEngine) -> AsyncIterator[None]:
    async with tables_of(engine, _Base.metadata):
        yield


class _FolderFactory(ModelFactory[Folder]):
    name = Sequence(lambda n: f"folder {n}")


class _FileFactory(ModelFactory[File]):
    name = Sequence(lambda n: f"file {n}")
    folder = SubFactory(_FolderFactory)


async def test_an_orphan_of_a_written_parent_is_deleted(folder_tables: None, engine: AsyncEngine) -> None:
    """SQLAlchemy's record of each file's parent, which delete-orphan needs, is kept."""
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        files = await _FileFactory.create_many(2, session=session)
        await session.commit()
        files[0].folder.files.remove(files[0])
        await session.commit()
    async with async_sessionmaker(engine)() as reader:
        assert await column_values(reader, File.name) == [(files[1].name,)]


@pytest.mark.parametrize("event_name", ["after_attach", "detached_to_persistent", "before_attach"])
async def test_session_attach_listeners_hear_every_written_object(session: AsyncSession, event_name: str) -> None:
    """The bulk path joins objects to the session without the attach events only where nothing
    listens to them; a listener hears each post and each author, as after ``add_all`` + flush."""
    heard: list[object] = []
    event.listen(session.sync_session, event_name, lambda s, state_or_instance: heard.append(state_or_instance))
    posts = await _PostFactory.create_many(3, session=session)

    objects = {id(inspect(item).obj()) for item in heard}
    assert objects >= {id(post) for post in posts} | {id(post.author) for post in posts}
    assert all(inspect(post).persistent and inspect(post.author).persistent for post in posts)
