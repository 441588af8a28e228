import pytest
from django.test import Client

from tests.factories import PracticeFactory, UserFactory

# Fixtures of the moderation tests (broadcasts, writer, writers_practice, suspended_member…).
pytest_plugins = ["tests.practices.moderation_fixtures"]


@pytest.fixture
def user_factory(db):
    """user_factory(role="city", moderator=True, email_verified=False, ...)"""

    def make(**kwargs):
        return UserFactory(**kwargs)

    return make


@pytest.fixture
def practice_factory(db):
    """practice_factory(author=..., tags=["language"], status="draft", ...)"""

    def make(**kwargs):
        return PracticeFactory(**kwargs)

    return make


@pytest.fixture
def member(user_factory):
    return user_factory(display_name="Amira Haddad", email="amira@example.org")


@pytest.fixture
def other_member(user_factory):
    return user_factory(display_name="Jonas Berg", email="jonas@example.org", role="city")


@pytest.fixture
def moderator(user_factory):
    return user_factory(display_name="Mara Moderator", email="mod@example.org", moderator=True)


@pytest.fixture
def client_for():
    """client_for(user) -> a test Client logged in as that user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def member_client(client_for, member):
    return client_for(member)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Real password hashing costs half a second a member; the tests are not about it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Counts, presence and rate limits live in the cache; no test sees another's."""
    from django.core.cache import cache

    from practices.caching.fragments import process_parts_clear

    cache.clear()
    process_parts_clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_to_start():
    """A request in French leaves French active in this thread (LocaleMiddleware activates,
    nothing deactivates outside a server); every test starts from the default language."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")
