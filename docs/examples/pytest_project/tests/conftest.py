from factories import PostFactory, UserFactory

from asyncfactories.pytest_plugin import register_fixture

register_fixture(UserFactory)  # fixtures `user_factory` and `user`
register_fixture(PostFactory)  # fixtures `post_factory` and `post`
