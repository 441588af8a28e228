"""Fixtures of the moderation tests, loaded for every test by tests/conftest.py
(pytest_plugins); named so that they do not shadow any module's own fixtures."""

from __future__ import annotations

import pytest
from django.utils import timezone

from practices import broadcast
from practices.models import ModerationAction
from practices.services.comments import comment_create


@pytest.fixture
def broadcasts(monkeypatch):
    """Every (group, payload) the services hand to the channel layer wrapper."""
    calls: list[tuple[str, dict]] = []

    def record(group, payload):
        calls.append((group, payload))
        return True

    monkeypatch.setattr(broadcast, "group_send", record)
    return calls


@pytest.fixture
def suspended_member(user_factory):
    """A verified member suspended for a week."""
    return user_factory(
        display_name="Sam Suspended",
        email="suspended@example.org",
        suspended_until=timezone.now() + timezone.timedelta(days=7),
        suspension_reason="Repeated advertising.",
    )


@pytest.fixture
def writer(user_factory):
    return user_factory(display_name="Ada Author", email="author@example.org")


@pytest.fixture
def writers_practice(practice_factory, writer):
    return practice_factory(author=writer, title="Language cafés in the library")


@pytest.fixture
def writers_comment(writers_practice, writer):
    return comment_create(practice=writers_practice, author=writer, body="We met on Tuesdays.")


def log_entries(**filters) -> list[tuple]:
    """The audit log as (actor id, action, target type, target id, reason), oldest first."""
    return list(
        ModerationAction.objects.filter(**filters)
        .order_by("id")
        .values_list("actor_id", "action", "target_type", "target_id", "reason")
    )
