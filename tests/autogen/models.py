"""Models for the zero-config tests: the ``ag_`` tables, portable to SQLite, PostgreSQL and MariaDB.

``AgBase`` holds the ordinary models (every generic column type, relationships, inheritance,
composite keys, association objects); ``AgDataBase`` the ``MappedAsDataclass`` ones. The
PostgreSQL- and MySQL-only types live in ``PG_METADATA`` / ``MYSQL_METADATA``, created only on
their database; ``CYCLE_METADATA`` (required foreign keys in a loop) is never created.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    Interval,
    LargeBinary,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column, relationship


class AgBase(DeclarativeBase):
    pass


class Status(enum.Enum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class AgAccount(AgBase):
    """One column of every generic type, realistic names, unique columns, defaults."""

    __tablename__ = "ag_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(60), unique=True)
    username: Mapped[str] = mapped_column(String(24), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    first_name: Mapped[str] = mapped_column(String(40))
    last_name: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str] = mapped_column(String(30))
    url: Mapped[str] = mapped_column(String(120))
    city: Mapped[str] = mapped_column(String(50))
    country: Mapped[str] = mapped_column(String(60))
    country_code: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(12))
    code: Mapped[str] = mapped_column(String(3), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="user")
    bio: Mapped[str | None] = mapped_column(Text)
    status: Mapped[Status] = mapped_column(Enum(Status, name="ag_status"))
    tier: Mapped[str] = mapped_column(Enum("free", "pro", "team", name="ag_tier"))
    active: Mapped[bool] = mapped_column(Boolean)
    age: Mapped[int] = mapped_column(SmallInteger)
    visits: Mapped[int] = mapped_column(Integer)
    big: Mapped[int] = mapped_column(BigInteger)
    price: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    ratio: Mapped[float] = mapped_column(Float)
    birthday: Mapped[dt.date] = mapped_column(Date)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    seen_at_tz: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    wakes_at: Mapped[dt.time] = mapped_column(Time)
    session_length: Mapped[dt.timedelta] = mapped_column(Interval)
    token: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    score: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())


class AgBlob(AgBase):
    """Bytes, apart: aiomysql 0.3.2 cannot send them with PyMySQL >= 1.2.3 (aio-libs/aiomysql#1080)."""

    __tablename__ = "ag_blobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    avatar: Mapped[bytes] = mapped_column(LargeBinary(32))
    fingerprint: Mapped[bytes] = mapped_column(LargeBinary(8), unique=True)


class AgOrg(AgBase):
    __tablename__ = "ag_orgs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)

    teams: Mapped[list[AgTeam]] = relationship(back_populates="org")


class AgTeam(AgBase):
    __tablename__ = "ag_teams"
    __table_args__ = (UniqueConstraint("org_id", "slot", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    slot: Mapped[int] = mapped_column(Integer)
    kind: Mapped[bool] = mapped_column(Boolean)
    org_id: Mapped[int] = mapped_column(ForeignKey("ag_orgs.id"))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("ag_accounts.id"))

    org: Mapped[AgOrg] = relationship(back_populates="teams")
    lead: Mapped[AgAccount | None] = relationship()
    players: Mapped[list[AgPlayer]] = relationship(back_populates="team")


class AgPlayer(AgBase):
    __tablename__ = "ag_players"

    id: Mapped[int] = mapped_column(primary_key=True)
    nickname: Mapped[str] = mapped_column(String(40))
    team_id: Mapped[int] = mapped_column(ForeignKey("ag_teams.id"))

    team: Mapped[AgTeam] = relationship(back_populates="players")


class AgSlot(AgBase):
    """A composite primary key, no part of it autoincrement or a foreign key."""

    __tablename__ = "ag_slots"

    room: Mapped[str] = mapped_column(String(20), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    note: Mapped[str] = mapped_column(String(50))


class AgGroup(AgBase):
    __tablename__ = "ag_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))

    memberships: Mapped[list[AgMembership]] = relationship(back_populates="group")


class AgMembership(AgBase):
    """An association object: a composite primary key made of two foreign keys."""

    __tablename__ = "ag_memberships"

    account_id: Mapped[int] = mapped_column(ForeignKey("ag_accounts.id"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("ag_groups.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))

    account: Mapped[AgAccount] = relationship()
    group: Mapped[AgGroup] = relationship(back_populates="memberships")


ag_article_labels = Table(
    "ag_article_labels",
    AgBase.metadata,
    Column("article_id", ForeignKey("ag_articles.id"), primary_key=True),
    Column("label_id", ForeignKey("ag_labels.id"), primary_key=True),
)


class AgArticle(AgBase):
    __tablename__ = "ag_articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))

    labels: Mapped[list[AgLabel]] = relationship(secondary=ag_article_labels, back_populates="articles")


class AgLabel(AgBase):
    __tablename__ = "ag_labels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)

    articles: Mapped[list[AgArticle]] = relationship(secondary=ag_article_labels, back_populates="labels")


class AgEmployee(AgBase):
    """Joined table inheritance: the discriminator is SQLAlchemy's to set."""

    __tablename__ = "ag_employees"

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(60))

    __mapper_args__: ClassVar[dict[str, Any]] = {"polymorphic_on": "type", "polymorphic_identity": "employee"}


class AgEngineer(AgEmployee):
    __tablename__ = "ag_engineers"

    id: Mapped[int] = mapped_column(ForeignKey("ag_employees.id"), primary_key=True)
    language: Mapped[str] = mapped_column(String(30))

    __mapper_args__: ClassVar[dict[str, Any]] = {"polymorphic_identity": "engineer"}


class AgVehicle(AgBase):
    """Single table inheritance."""

    __tablename__ = "ag_vehicles"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    wheels: Mapped[int] = mapped_column(Integer)
    seats: Mapped[int | None] = mapped_column(Integer)

    __mapper_args__: ClassVar[dict[str, Any]] = {"polymorphic_on": "kind", "polymorphic_identity": "vehicle"}


class AgCar(AgVehicle):
    __mapper_args__: ClassVar[dict[str, Any]] = {"polymorphic_identity": "car"}


class AgCategory(AgBase):
    """A self-referential optional parent."""

    __tablename__ = "ag_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("ag_categories.id"))

    parent: Mapped[AgCategory | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[AgCategory]] = relationship(back_populates="parent")


class AgDataBase(MappedAsDataclass, DeclarativeBase):
    pass


class AgNote(AgDataBase):
    """``MappedAsDataclass``: ``init=False`` fields (one required, no default) and default factories."""

    __tablename__ = "ag_notes"

    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    title: Mapped[str] = mapped_column(String(80))
    slug: Mapped[str] = mapped_column(String(80), init=False, unique=True)
    tags: Mapped[list[str]] = mapped_column(JSON, default_factory=list)
    priority: Mapped[int] = mapped_column(Integer, default=3)
    author_id: Mapped[int] = mapped_column(ForeignKey("ag_note_authors.id"), init=False)
    author: Mapped[AgNoteAuthor] = relationship(default=None)


class AgNoteAuthor(AgDataBase):
    __tablename__ = "ag_note_authors"

    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    name: Mapped[str] = mapped_column(String(60))


PG_METADATA = MetaData()

ag_pg_types = Table(
    "ag_pg_types",
    PG_METADATA,
    Column("id", Integer, primary_key=True),
    Column("numbers", postgresql.ARRAY(Integer), nullable=False),
    Column("words", postgresql.ARRAY(String(20)), nullable=False),
    Column("doc", postgresql.JSONB, nullable=False),
    Column("address", postgresql.INET, nullable=False, unique=True),
    Column("network", postgresql.CIDR, nullable=False),
    Column("mac", postgresql.MACADDR, nullable=False),
    Column("wait", postgresql.INTERVAL, nullable=False),
    Column("span", postgresql.INT4RANGE, nullable=False),
    Column("days", postgresql.DATERANGE, nullable=False),
    Column("ident", postgresql.UUID(as_uuid=True), nullable=False),
)

MYSQL_METADATA = MetaData()

ag_mysql_types = Table(
    "ag_mysql_types",
    MYSQL_METADATA,
    Column("id", Integer, primary_key=True),
    Column("tiny", mysql.TINYINT(unsigned=True), nullable=False),
    Column("tiny_unique", mysql.TINYINT, nullable=False, unique=True),
    Column("medium", mysql.MEDIUMINT, nullable=False),
    Column("year", mysql.YEAR, nullable=False),
    Column("flags", mysql.SET("red", "green", "blue"), nullable=False),
    Column("colour", mysql.ENUM("red", "green", "blue"), nullable=False),
    Column("bits", mysql.BIT(4), nullable=False),
    Column("short", mysql.TINYTEXT, nullable=False),
    Column("amount", mysql.DECIMAL(5, 2, unsigned=True), nullable=False),
)


class AgPgTypes(AgBase):
    __table__ = ag_pg_types


class AgMysqlTypes(AgBase):
    __table__ = ag_mysql_types


class AgCycleBase(DeclarativeBase):
    pass


class AgChicken(AgCycleBase):
    """Required foreign keys in a loop: buildable, never insertable (not created anywhere)."""

    __tablename__ = "ag_chickens"

    id: Mapped[int] = mapped_column(primary_key=True)
    egg_id: Mapped[int] = mapped_column(ForeignKey("ag_eggs.id"))
    egg: Mapped[AgEgg] = relationship(foreign_keys=[egg_id])


class AgEgg(AgCycleBase):
    __tablename__ = "ag_eggs"

    id: Mapped[int] = mapped_column(primary_key=True)
    chicken_id: Mapped[int] = mapped_column(ForeignKey("ag_chickens.id", use_alter=True))
    chicken: Mapped[AgChicken] = relationship(foreign_keys=[chicken_id])


CYCLE_METADATA = AgCycleBase.metadata
