"""Relationships: SubFactory parents, RelatedFactory children, overrides, automatic parents and
collections, and a post-generation hook that creates rows without ``await``."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import Column, ForeignKey, String, Table, event, func, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from asyncfactories import (
    Faker,
    ModelFactory,
    RelatedFactory,
    RelatedFactoryList,
    Sequence,
    SubFactory,
    post_generation,
)


# --8<-- [start:models]
class Base(DeclarativeBase):
    pass


post_tags = Table(
    "post_tags",
    Base.metadata,
    Column("post_id", ForeignKey("posts.id"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id"), primary_key=True),
)


class Address(Base):
    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    street: Mapped[str] = mapped_column(String(100))
    city: Mapped[str] = mapped_column(String(50))


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(120), unique=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("addresses.id"))

    address: Mapped[Address] = relationship()
    posts: Mapped[list[Post]] = relationship(back_populates="author")


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    author: Mapped[User] = relationship(back_populates="posts")
    comments: Mapped[list[Comment]] = relationship(back_populates="post")
    tags: Mapped[list[Tag]] = relationship(secondary=post_tags)


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(500))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))

    post: Mapped[Post] = relationship(back_populates="comments")


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
# --8<-- [end:models]


# --8<-- [start:factories]
class AddressFactory(ModelFactory[Address]):
    street = Faker("street_address")
    city = "Lisbon"


class UserFactory(ModelFactory[User]):
    name = Faker("name")
    email = Sequence(lambda n: f"user{n}@example.com")
    address = SubFactory(AddressFactory)  # a parent: created before the user


class PostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Post {n}")
    author = SubFactory(UserFactory)  # a parent with a parent of its own


class CommentFactory(ModelFactory[Comment]):
    text = Faker("sentence")
    post = SubFactory(PostFactory)


class TagFactory(ModelFactory[Tag]):
    name = Sequence(lambda n: f"tag-{n}")


class DiscussedPostFactory(PostFactory):
    # children: created after the post, pointing back at it
    comments = RelatedFactoryList(CommentFactory, factory_related_name="post", size=2)


class AuthorFactory(UserFactory):
    first_post = RelatedFactory(PostFactory, factory_related_name="author", title="Hello")
# --8<-- [end:factories]


# --8<-- [start:hook-factory]
class TaggedPostFactory(PostFactory):
    @post_generation
    def tags(self, create: bool, extracted: list[Tag] | None, **kwargs: Any) -> None:
        if extracted:  # TaggedPostFactory.create(tags=[...]): link the given tags
            self.tags.extend(extracted)
        elif create:  # otherwise create two, in the session of the running create
            self.tags.extend(TagFactory.create_many(2))  # no await: see below
# --8<-- [end:hook-factory]


# --8<-- [start:automatic]
class Category(Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))

    products: Mapped[list[Product]] = relationship(back_populates="category")


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))  # NOT NULL

    category: Mapped[Category] = relationship(back_populates="products")


class ProductFactory(ModelFactory[Product]):
    pass  # no declaration: a name and the required category are generated


class CategoryFactory(ModelFactory[Category]):
    class Meta:
        default_for_model = True  # builds the category of a generated product


class StockedCategoryFactory(CategoryFactory):
    class Meta:
        set_relationships = True  # fill one-to-many and many-to-many collections
        min_collection_length = 3
# --8<-- [end:automatic]


async def count(session: AsyncSession, model: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def main() -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)

    flushes: list[int] = []

    async with AsyncSession(engine, expire_on_commit=False) as session:
        event.listen(session.sync_session, "after_flush", lambda *_: flushes.append(1))

        # --8<-- [start:subfactory]
        comment = await CommentFactory.create(session=session)
        # one create wrote the comment, its post, the post's author and the author's address
        assert comment.post.author.address.id is not None
        assert comment.post.author in session
        assert len(flushes) == 1  # all four rows went in one flush
        # --8<-- [end:subfactory]

        # --8<-- [start:related]
        post = await DiscussedPostFactory.create(session=session)
        assert len(post.comments) == 2 and all(c.post is post for c in post.comments)

        author = await AuthorFactory.create(session=session)
        assert [p.title for p in author.posts] == ["Hello"]
        # --8<-- [end:related]

        # --8<-- [start:overrides]
        alice = await UserFactory.create(session=session, name="Alice")

        # an existing object: no new user
        post = await PostFactory.create(session=session, author=alice)
        assert post.author is alice

        # the foreign-key column: no parent is built either
        post = await PostFactory.create(session=session, author_id=alice.id)
        assert post.author_id == alice.id

        # factory_boy's double underscore reaches a field of the new parent...
        post = await PostFactory.create(session=session, author__name="Bob", author__address__city="Porto")
        assert (post.author.name, post.author.address.city) == ("Bob", "Porto")

        # ...and polyfactory's dict does the same
        post = await PostFactory.create(session=session, author={"name": "Carol", "address": {"city": "Faro"}})
        assert (post.author.name, post.author.address.city) == ("Carol", "Faro")
        # --8<-- [end:overrides]

        # --8<-- [start:hook]
        tagged = await TaggedPostFactory.create(session=session)
        assert len(tagged.tags) == 2 and all(tag.id is not None for tag in tagged.tags)

        mine = await TagFactory.create_many(3, session=session)
        chosen = await TaggedPostFactory.create(session=session, tags=mine)
        assert chosen.tags == mine
        # --8<-- [end:hook]

        # --8<-- [start:automatic-use]
        product = await ProductFactory.create(session=session)
        assert product.category.id == product.category_id  # a parent from CategoryFactory
        assert product.category.products == [product]  # with no other products

        category = await StockedCategoryFactory.create(session=session)
        assert len(category.products) == 3  # written in the same flush as the category
        assert all(product.id is not None for product in category.products)
        # --8<-- [end:automatic-use]

        await session.commit()
        assert await count(session, post_tags) == 5
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
