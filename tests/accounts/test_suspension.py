"""Suspending a member: for a period or until further notice, with a reason they see on every
page; they read but cannot post, comment or report; lifting it; moderators' group and the
command line."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import (
    MODERATOR_GROUP,
    SUSPENDED_INDEFINITELY,
    user_set_moderator,
    user_suspend,
    user_unsuspend,
)
from practices.models import ModerationAction, Notification, Practice, Report
from practices.services.comments import CommentError, comment_create
from practices.services.practices import practice_create
from practices.services.reports import report_create
from tests.practices.moderation_fixtures import log_entries

pytestmark = pytest.mark.django_db


def test_a_suspension_for_a_period_is_recorded_told_and_broadcast(
    member, moderator, broadcasts, django_capture_on_commit_callbacks
):
    until = timezone.now() + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        user_suspend(user=member, moderator=moderator, until=until, reason=" Repeated spam. ")
    member.refresh_from_db()
    assert member.is_suspended and not member.can_post
    assert member.suspended_until == until and member.suspension_reason == "Repeated spam."
    assert broadcasts == [
        (f"user.{member.pk}", {"type": "user.suspended", "until": until.isoformat()})
    ]
    assert log_entries() == [(moderator.pk, "user.suspend", "user", member.pk, "Repeated spam.")]
    assert "Repeated spam." in Notification.objects.get(recipient=member).message


def test_an_indefinite_suspension_has_no_end(
    member, moderator, broadcasts, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user_suspend(user=member, moderator=moderator, reason="Threats")
    member.refresh_from_db()
    assert member.suspended_until == SUSPENDED_INDEFINITELY and member.is_suspended
    assert broadcasts[0][1] == {"type": "user.suspended", "until": None}
    assert ModerationAction.objects.get().data["until"] is None


def test_bad_suspensions_are_refused_and_change_nothing(member, moderator, user_factory):
    other_moderator = user_factory(moderator=True)
    cases = [
        ({"user": member, "reason": ""}, ValidationError),
        ({"user": member, "reason": "x" * 501}, ValidationError),
        (
            {"user": member, "reason": "Late", "until": timezone.now() - timedelta(hours=1)},
            ValidationError,
        ),
        ({"user": moderator, "reason": "Myself"}, ValidationError),
        ({"user": other_moderator, "reason": "A colleague"}, ValidationError),
    ]
    for kwargs, error in cases:
        with pytest.raises(error):
            user_suspend(moderator=moderator, **kwargs)
    with pytest.raises(PermissionDenied):
        user_suspend(user=moderator, moderator=member, reason="Revenge")
    assert not User.objects.filter(suspended_until__isnull=False).exists()
    assert not ModerationAction.objects.exists()


def test_lifting_a_suspension(member, moderator):
    user_suspend(user=member, moderator=moderator, reason="Spam")
    user_unsuspend(user=member, moderator=moderator, reason="Apologised")
    member.refresh_from_db()
    assert not member.is_suspended and member.can_post
    assert member.suspended_until is None and member.suspension_reason == ""
    assert [e[1] for e in log_entries()] == ["user.suspend", "user.unsuspend"]
    unsuspend = ModerationAction.objects.get(action="user.unsuspend")
    assert unsuspend.reason == "Apologised" and unsuspend.data["suspension_reason"] == "Spam"
    with pytest.raises(ValidationError, match="not suspended"):
        user_unsuspend(user=member, moderator=moderator)


def test_a_suspension_ends_by_itself(member, moderator):
    user_suspend(
        user=member,
        moderator=moderator,
        reason="Cool down",
        until=timezone.now() + timedelta(seconds=1),
    )
    User.objects.filter(pk=member.pk).update(suspended_until=timezone.now() - timedelta(seconds=1))
    member.refresh_from_db()
    assert not member.is_suspended and member.can_post


def test_a_suspended_member_cannot_post_comment_or_report(
    suspended_member, practice_factory, writers_practice
):
    with pytest.raises(PermissionDenied):
        practice_create(author=suspended_member, data={"title": "x", "description": "y"})
    with pytest.raises(CommentError) as refused:
        comment_create(practice=writers_practice, author=suspended_member, body="Hello")
    assert refused.value.code == "suspended"
    with pytest.raises(PermissionDenied):
        report_create(reporter=suspended_member, practice=writers_practice, reason="spam")
    assert not Practice.objects.filter(author=suspended_member).exists()
    assert not Report.objects.exists()


def test_a_suspended_member_sees_why_and_until_when_on_every_page(
    client_for, suspended_member, writers_practice
):
    client = client_for(suspended_member)
    for url in ("/", "/practices/", writers_practice.get_absolute_url(), "/tags/"):
        html = client.get(url).content.decode()
        assert "Your account is suspended until" in html, url
        assert "Repeated advertising." in html
    page = client.get(writers_practice.get_absolute_url()).content.decode()
    assert 'id="comment-form"' not in page
    response = client.post(
        reverse("practices:comment_create", args=[writers_practice.pk]), {"body": "Hi"}
    )
    assert response.status_code == 403


def test_an_indefinite_suspension_reads_until_further_notice(client_for, member, moderator):
    user_suspend(user=member, moderator=moderator, reason="Threats <b>to</b> members")
    html = client_for(member).get("/").content.decode()
    assert "Your account is suspended until further notice" in html
    assert "Threats &lt;b&gt;to&lt;/b&gt; members" in html
    assert "9999" not in html


def test_others_see_no_suspension_notice(client_for, member, suspended_member):
    assert "Your account is suspended" not in client_for(member).get("/").content.decode()


# --- Through the moderators' pages ---------------------------------------------------------------


def test_a_moderator_suspends_and_reinstates_from_the_members_page(client_for, moderator, member):
    client = client_for(moderator)
    listing = client.get(reverse("moderation:members"), {"q": "amira"}).content.decode()
    page_url = reverse("moderation:member", args=[member.pk])
    assert page_url in listing
    page = client.get(page_url).content.decode()
    assert "Suspend this member" in page and 'type="date"' in page
    response = client.post(
        reverse("moderation:member_suspend", args=[member.pk]),
        {
            "duration": "date",
            "until": (timezone.localdate() + timedelta(days=10)).isoformat(),
            "reason": "Spam",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_suspended
    assert timezone.localtime(member.suspended_until).date() == timezone.localdate() + timedelta(
        days=10
    )
    suspended_list = client.get(
        reverse("moderation:members"), {"status": "suspended"}
    ).content.decode()
    assert member.display_name in suspended_list
    response = client.post(
        reverse("moderation:member_unsuspend", args=[member.pk]), {"reason": "Ok"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.is_suspended
    history = client.get(page_url).content.decode()
    assert "Suspended a member" in history and "Lifted a suspension" in history


def test_the_suspend_form_explains_what_is_wrong(client_for, moderator, member):
    client = client_for(moderator)
    url = reverse("moderation:member_suspend", args=[member.pk])
    for data, message in (
        ({"duration": "date", "reason": "Spam"}, "Choose the day the suspension ends."),
        (
            {"duration": "date", "until": "2001-01-01", "reason": "Spam"},
            "Choose a day after today.",
        ),
        ({"duration": "forever", "reason": "Spam"}, "Select a valid choice"),
        ({"duration": "7", "reason": ""}, "This field is required"),
    ):
        response = client.post(url, data)
        assert response.status_code == 400
        assert message in response.content.decode()
    member.refresh_from_db()
    assert not member.is_suspended
    moderator_page = client.post(
        reverse("moderation:member_suspend", args=[moderator.pk]), {"duration": "7", "reason": "x"}
    )
    assert moderator_page.status_code == 400
    assert "You cannot suspend yourself." in moderator_page.content.decode()


def test_moderators_reach_a_member_from_their_profile(client_for, moderator, member, client):
    profile = member.get_absolute_url()
    assert (
        reverse("moderation:member", args=[member.pk])
        in client_for(moderator).get(profile).content.decode()
    )
    assert "/moderation/" not in client.get(profile).content.decode()


def test_the_members_page_costs_the_same_queries_at_two_sizes(
    client_for, moderator, user_factory, django_assert_num_queries
):
    client = client_for(moderator)
    url = reverse("moderation:members")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(60):
        user_factory(suspended_until=timezone.now() + timedelta(days=1))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url, {"status": "suspended", "q": "member"})


# --- The moderators' group and the command line -------------------------------------------------


def test_granting_moderation_keeps_the_flag_and_the_group_in_step(member):
    user_set_moderator(user=member, moderator=True)
    group = Group.objects.get(name=MODERATOR_GROUP)
    assert member.groups.filter(pk=group.pk).exists() and member.moderator
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"view_moderationaction", "change_practice", "view_report", "change_user"} <= codenames
    assert "delete_moderationaction" not in codenames and "change_moderationaction" not in codenames
    user_set_moderator(user=member, moderator=False)
    member.refresh_from_db()
    assert not member.moderator and not member.groups.exists()
    assert [e[1] for e in log_entries()] == ["user.grant_moderation", "user.revoke_moderation"]
    assert ModerationAction.objects.filter(actor__isnull=True).count() == 2


def test_only_an_administrator_grants_moderation_through_the_service(
    member, moderator, user_factory
):
    with pytest.raises(PermissionDenied):
        user_set_moderator(user=member, moderator=True, actor=moderator)
    assert not User.objects.get(pk=member.pk).moderator
    root = user_factory(is_staff=True, is_superuser=True)
    user_set_moderator(user=member, moderator=True, actor=root)
    assert ModerationAction.objects.get().actor_id == root.pk


def test_the_moderator_command_grants_revokes_and_lists(member):
    out = StringIO()
    call_command("moderator", "grant", member.email.upper(), stdout=out)
    assert "is now a moderator" in out.getvalue()
    assert User.objects.get(pk=member.pk).is_moderator
    call_command("moderator", "grant", member.email, stdout=out)
    assert "nothing changed" in out.getvalue()
    listing = StringIO()
    call_command("moderator", "list", stdout=listing)
    assert member.email in listing.getvalue()
    call_command("moderator", "revoke", member.email, stdout=out)
    assert not User.objects.get(pk=member.pk).is_moderator
    with pytest.raises(CommandError, match="No member"):
        call_command("moderator", "grant", "nobody@example.org", stdout=out)
    with pytest.raises(CommandError):
        call_command("moderator", "grant", stdout=out)
    assert [e[1] for e in log_entries()] == ["user.grant_moderation", "user.revoke_moderation"]
