"""The permission matrix: every moderation page and action, for a visitor (sent to log in),
a member, the author of the item, a suspended member (403 for all three) and a moderator
(allowed). Whoever is refused changes nothing."""

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from practices.models import (
    Adaptation,
    Collection,
    CollectionItem,
    Comment,
    ModerationAction,
    Practice,
    Report,
    Tag,
    TagRedirect,
)
from practices.services.collections import collection_add_practice, collection_create
from practices.services.comments import comment_create
from practices.services.moderation import comment_hide
from practices.services.reports import report_create
from practices.services.transfer import adaptation_create

pytestmark = pytest.mark.django_db


@dataclass
class World:
    practice: Practice
    other: Practice
    extra: Practice
    locked: Practice
    pending: Practice
    hidden: Practice
    comment: Comment
    hidden_comment: Comment
    collection: Collection
    target: User
    suspended_target: User
    adaptation: Adaptation


@pytest.fixture
def world(practice_factory, user_factory, writer, moderator, member) -> World:
    practice = practice_factory(author=writer, tags=["alpha", "beta"])
    other = practice_factory(author=writer)
    extra = practice_factory(author=writer)
    locked = practice_factory(author=writer, locked_at=timezone.now())
    pending = practice_factory(author=writer, status="pending", published_at=None)
    hidden = practice_factory(author=writer, hidden_at=timezone.now(), hidden_reason="Spam")
    comment = comment_create(practice=practice, author=writer, body="A comment")
    hidden_comment = comment_create(practice=practice, author=writer, body="Hidden one")
    comment_hide(comment=hidden_comment, moderator=moderator, reason="Spam")
    report_create(reporter=member, practice=practice, reason="spam")
    report_create(reporter=member, comment=comment, reason="abuse")
    adaptation = adaptation_create(
        original=other,
        author=writer,
        data={
            "city": "Lyon",
            "country": "FR",
            "organisation": "Office for Newcomers",
            "organisation_type": "city",
            "changes": "Four schools instead of one.",
            "outcome": "",
            "stage": "pilot",
        },
    )
    report_create(reporter=member, adaptation=adaptation, reason="spam")
    collection = collection_create(moderator=moderator, title="Starter kit")
    collection_add_practice(collection=collection, moderator=moderator, practice=practice)
    collection_add_practice(collection=collection, moderator=moderator, practice=other)
    target = user_factory(display_name="Target Member")
    suspended_target = user_factory(
        display_name="Already Suspended",
        suspended_until=timezone.now() + timezone.timedelta(days=3),
        suspension_reason="Spam",
    )
    return World(
        practice, other, extra, locked, pending, hidden, comment, hidden_comment, collection, target,
        suspended_target, adaptation,
    )  # fmt: skip


def snapshot() -> tuple:
    """Everything a moderation action could change."""
    return (
        list(ModerationAction.objects.order_by("id").values_list("id", flat=True)),
        list(
            Practice.objects.order_by("id").values_list(
                "status", "hidden_at", "locked_at", "validated_at", "featured_at", "published_at"
            )
        ),
        list(Comment.objects.order_by("id").values_list("hidden_at", "changed_seq")),
        list(Adaptation.objects.order_by("id").values_list("hidden_at", "hidden_reason")),
        list(Report.objects.order_by("id").values_list("resolved_at", "resolution")),
        list(User.objects.order_by("id").values_list("suspended_until", "suspension_reason")),
        list(Collection.objects.order_by("id").values_list("title", "introduction", "is_public")),
        list(CollectionItem.objects.order_by("id").values_list("practice_id", "position")),
        list(Tag.objects.order_by("id").values_list("name", "slug", "description", "is_official")),
        list(TagRedirect.objects.values_list("old_slug", "tag_id")),
    )


# (name, method, url, data): every page and action of the moderators.
PAGES = [
    ("dashboard", lambda w: reverse("moderation:dashboard")),
    ("reports", lambda w: reverse("moderation:reports")),
    ("reported practice", lambda w: reverse("moderation:reported_practice", args=[w.practice.pk])),
    ("reported comment", lambda w: reverse("moderation:reported_comment", args=[w.comment.pk])),
    (
        "reported adaptation",
        lambda w: reverse("moderation:reported_adaptation", args=[w.adaptation.pk]),
    ),
    ("approvals", lambda w: reverse("moderation:approvals")),
    ("log", lambda w: reverse("moderation:log")),
    ("members", lambda w: reverse("moderation:members")),
    ("member", lambda w: reverse("moderation:member", args=[w.target.pk])),
    ("collections", lambda w: reverse("moderation:collections_manage")),
    ("new collection", lambda w: reverse("moderation:collection_create")),
    ("edit collection", lambda w: reverse("moderation:collection_edit", args=[w.collection.slug])),
    (
        "hide practice form",
        lambda w: reverse("moderation:practice_action", args=[w.practice.pk, "hide"]),
    ),
    (
        "hide comment form",
        lambda w: reverse("moderation:comment_action", args=[w.comment.pk, "hide"]),
    ),
]


def _practice_action(name, target="practice", data=None):
    return (
        f"practice {name}",
        lambda w: reverse("moderation:practice_action", args=[getattr(w, target).pk, name]),
        lambda w: data or {},
    )


ACTIONS = [
    _practice_action("hide", data={"reason": "Spam"}),
    _practice_action("restore", target="hidden"),
    _practice_action("lock"),
    _practice_action("unlock", target="locked"),
    _practice_action("approve", target="pending"),
    _practice_action("reject", target="pending", data={"reason": "Too short"}),
    _practice_action("validate"),
    _practice_action("feature"),
    (
        "practice to collection",
        lambda w: reverse("moderation:practice_collect", args=[w.extra.pk]),
        lambda w: {"collection": w.collection.pk},
    ),
    (
        "comment hide",
        lambda w: reverse("moderation:comment_action", args=[w.comment.pk, "hide"]),
        lambda w: {"reason": "Rude"},
    ),
    (
        "comment restore",
        lambda w: reverse("moderation:comment_action", args=[w.hidden_comment.pk, "restore"]),
        lambda w: {},
    ),
    (
        "resolve practice reports",
        lambda w: reverse("moderation:reported_practice", args=[w.practice.pk]),
        lambda w: {"resolution": "dismissed", "reason": "Fine"},
    ),
    (
        "resolve comment reports",
        lambda w: reverse("moderation:reported_comment", args=[w.comment.pk]),
        lambda w: {"resolution": "hidden", "reason": "Rude"},
    ),
    (
        "resolve adaptation reports",
        lambda w: reverse("moderation:reported_adaptation", args=[w.adaptation.pk]),
        lambda w: {"resolution": "hidden", "reason": "Advert"},
    ),
    (
        "adaptation hide",
        lambda w: reverse("practices:adaptation_moderate", args=[w.adaptation.pk, "hide"]),
        lambda w: {"reason": "Advert"},
    ),
    (
        "suspend",
        lambda w: reverse("moderation:member_suspend", args=[w.target.pk]),
        lambda w: {"duration": "7", "reason": "Spam"},
    ),
    (
        "unsuspend",
        lambda w: reverse("moderation:member_unsuspend", args=[w.suspended_target.pk]),
        lambda w: {"reason": "Served"},
    ),
    (
        "create collection",
        lambda w: reverse("moderation:collection_create"),
        lambda w: {"title": "New one", "introduction": "", "is_public": "on"},
    ),
    (
        "edit collection",
        lambda w: reverse("moderation:collection_edit", args=[w.collection.slug]),
        lambda w: {"title": "Renamed kit", "introduction": "Hello"},
    ),
    (
        "add to collection",
        lambda w: reverse("moderation:collection_add", args=[w.collection.slug]),
        lambda w: {"practice": str(w.extra.pk), "note": ""},
    ),
    (
        "move in collection",
        lambda w: reverse("moderation:collection_move", args=[w.collection.slug]),
        lambda w: {"practice": w.other.pk, "direction": "up"},
    ),
    (
        "remove from collection",
        lambda w: reverse("moderation:collection_remove", args=[w.collection.slug]),
        lambda w: {"practice": w.practice.pk},
    ),
    (
        "rename tag",
        lambda w: reverse("moderation:tag_rename", args=["alpha"]),
        lambda w: {"rename-name": "gamma"},
    ),
    (
        "merge tag",
        lambda w: reverse("moderation:tag_merge", args=["alpha"]),
        lambda w: {"merge-target": "beta"},
    ),
    (
        "describe tag",
        lambda w: reverse("moderation:tag_describe", args=["alpha"]),
        lambda w: {"describe-description": "About alpha"},
    ),
    (
        "official tag",
        lambda w: reverse("moderation:tag_official", args=["alpha"]),
        lambda w: {"official": "1"},
    ),
]


@pytest.fixture
def clients(client_for, member, writer, suspended_member, moderator):
    """Role name -> a client: the refused roles, then the moderator."""
    return {
        "visitor": Client(),
        "member": client_for(member),
        "author": client_for(writer),
        "suspended member": client_for(suspended_member),
        "moderator": client_for(moderator),
    }


def _check_refused(role, response):
    if role == "visitor":
        assert response.status_code == 302, role
        assert response.url.startswith(reverse("account_login")), response.url
    else:
        assert response.status_code == 403, role


@pytest.mark.parametrize(("name", "url"), PAGES, ids=[p[0] for p in PAGES])
def test_every_moderation_page_is_for_moderators_only(name, url, world, clients):
    address = url(world)
    before = snapshot()
    for role, client in clients.items():
        response = client.get(address)
        if role == "moderator":
            assert response.status_code == 200, (name, response.status_code)
        else:
            _check_refused(role, response)
    assert snapshot() == before


@pytest.mark.parametrize(("name", "url", "data"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_every_moderation_action_is_for_moderators_only(name, url, data, world, clients):
    address, payload = url(world), data(world)
    before = snapshot()
    for role, client in clients.items():
        if role == "moderator":
            continue
        _check_refused(role, client.post(address, payload))
        assert snapshot() == before, f"{role} changed something with {name}"
    response = clients["moderator"].post(address, payload)
    assert response.status_code == 302, (name, response.status_code)
    assert snapshot() != before, f"the moderator's {name} changed nothing"
    assert ModerationAction.objects.count() > len(before[0]), f"{name} wrote no log entry"


@pytest.mark.parametrize(("name", "url", "data"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_no_moderation_action_is_taken_by_a_get(name, url, data, world, clients):
    before = snapshot()
    response = clients["moderator"].get(url(world), data(world))
    assert response.status_code in (200, 405)
    assert snapshot() == before


def test_moderation_actions_need_the_csrf_token(world, moderator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    before = snapshot()
    for _name, url, data in ACTIONS:
        assert client.post(url(world), data(world)).status_code == 403
    assert snapshot() == before


def test_a_suspended_moderator_is_refused_too(world, user_factory, client_for):
    suspended_moderator = user_factory(
        moderator=True, suspended_until=timezone.now() + timezone.timedelta(days=1)
    )
    client = client_for(suspended_moderator)
    before = snapshot()
    assert client.get(reverse("moderation:dashboard")).status_code == 403
    _name, url, data = ACTIONS[0]
    assert client.post(url(world), data(world)).status_code == 403
    assert snapshot() == before


def test_the_moderation_link_is_shown_to_moderators_only(world, clients):
    dashboard = reverse("moderation:dashboard")
    for role, client in clients.items():
        page = client.get("/").content.decode()
        assert (f'href="{dashboard}"' in page) == (role == "moderator"), role


@pytest.mark.parametrize("kind", ["practice", "comment"])
def test_reporting_is_for_members_who_may_post_and_not_about_their_own_writing(
    kind, world, clients
):
    target = world.practice if kind == "practice" else world.comment
    url = reverse(f"moderation:report_{kind}", args=[target.pk])
    before = Report.objects.count()
    for role, client in clients.items():
        if role in ("member", "moderator"):
            continue
        response = client.post(url, {"reason": "spam", "note": ""})
        _check_refused(role, response)
        assert Report.objects.count() == before, role
    page = clients["suspended member"].get(url)
    assert page.status_code == 403 and "Your account is suspended" in page.content.decode()
    assert clients["moderator"].post(url, {"reason": "spam"}).status_code == 302
    assert Report.objects.count() == before + 1
