"""The one schema every library writes to: users, and posts that each have an author.

Table names start with ``bench_`` so a run never touches the tables of the test suite, which
may be running against the same PostgreSQL / MariaDB databases.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Table, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = ["Base", "Post", "User", "posts_table", "users_table"]


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "bench_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    posts: Mapped[list[Post]] = relationship(back_populates="author")


class Post(Base):
    __tablename__ = "bench_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("bench_users.id"))

    author: Mapped[User] = relationship(back_populates="posts")


users_table: Table = User.__table__  # type: ignore[assignment]  # declarative types it as FromClause
posts_table: Table = Post.__table__  # type: ignore[assignment]
