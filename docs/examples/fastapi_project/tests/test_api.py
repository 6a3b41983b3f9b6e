import httpx
from factories import PostFactory
from myapp.models import User
from sqlalchemy.ext.asyncio import AsyncSession


async def test_lists_the_posts_of_one_user(client: httpx.AsyncClient, user: User) -> None:
    posts = await PostFactory.create_many(2, author=user)  # no session= : bound to af_session
    await PostFactory.create()  # another author's post

    response = await client.get(f"/users/{user.id}/posts")

    assert response.status_code == 200
    assert response.json() == [{"id": post.id, "title": post.title} for post in posts]


async def test_creating_a_user_commits(client: httpx.AsyncClient, af_session: AsyncSession) -> None:
    response = await client.post("/users", json={"name": "Ann", "email": "ann@example.com"})

    assert response.status_code == 201
    created = await af_session.get(User, response.json()["id"])
    assert created is not None and created.email == "ann@example.com"
