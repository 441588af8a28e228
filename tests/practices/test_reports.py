"""Reports: members report a practice or a comment once; moderators resolve every report on
an item at once (dismiss, hide, edited) with a reason, and each reporter is told."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practices.models import (
    Comment,
    ModerationAction,
    Notification,
    NotificationKind,
    Practice,
    Report,
    ReportResolution,
)
from practices.services.comments import comment_create, comment_delete
from practices.services.moderation import comment_hide, practice_hide
from practices.services.reports import report_create, report_resolve
from tests.practices.moderation_fixtures import log_entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice(writers_practice):
    return writers_practice


@pytest.fixture
def comment(writers_comment):
    return writers_comment


# --- Reporting ------------------------------------------------------------------------------


def test_a_member_reports_a_practice_and_a_comment(member, practice, comment):
    on_practice = report_create(reporter=member, practice=practice, reason="spam", note=" Ads ")
    on_comment = report_create(reporter=member, comment=comment, reason="abuse")
    assert (on_practice.practice_id, on_practice.comment_id, on_practice.note) == (
        practice.pk,
        None,
        "Ads",
    )
    assert (on_comment.practice_id, on_comment.comment_id) == (practice.pk, comment.pk)
    assert Report.objects.filter(resolved_at__isnull=True).count() == 2


def test_reporting_the_same_item_twice_counts_once(member, practice, comment):
    report_create(reporter=member, practice=practice, reason="spam")
    report_create(reporter=member, comment=comment, reason="spam")
    for kwargs in ({"practice": practice}, {"comment": comment}):
        with pytest.raises(ValidationError, match="already reported"):
            report_create(reporter=member, reason="abuse", **kwargs)
    assert Report.objects.count() == 2
    assert set(Report.objects.values_list("reason", flat=True)) == {"spam"}


@pytest.mark.parametrize(
    ("reason", "note", "field"),
    [("nonsense", "", "reason"), ("other", "   ", "note"), ("spam", "x" * 2001, "note")],
)
def test_a_report_with_bad_input_is_refused(member, practice, reason, note, field):
    with pytest.raises(ValidationError) as refused:
        report_create(reporter=member, practice=practice, reason=reason, note=note)
    assert field in refused.value.message_dict
    assert not Report.objects.exists()


def test_nobody_reports_their_own_writing_or_what_is_gone(
    writer, member, moderator, practice, comment
):
    with pytest.raises(ValidationError, match="your own"):
        report_create(reporter=writer, practice=practice, reason="spam")
    with pytest.raises(ValidationError, match="your own"):
        report_create(reporter=writer, comment=comment, reason="spam")
    comment_hide(comment=comment, moderator=moderator, reason="Spam")
    with pytest.raises(ValidationError, match="already removed"):
        report_create(reporter=member, comment=Comment.objects.get(pk=comment.pk), reason="spam")
    assert not Report.objects.exists()


def test_suspended_and_unverified_members_cannot_report(suspended_member, user_factory, practice):
    unverified = user_factory(email_verified=False)
    for who in (suspended_member, unverified):
        with pytest.raises(PermissionDenied):
            report_create(reporter=who, practice=practice, reason="spam")
    assert not Report.objects.exists()


def test_the_report_form_reports_once_and_says_so_the_second_time(member_client, practice):
    url = reverse("moderation:report_practice", args=[practice.pk])
    page = member_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="reason"' in html and "csrfmiddlewaretoken" in html
    response = member_client.post(url, {"reason": "personal_data", "note": "A pupil's name"})
    assert response.status_code == 302 and response.url == practice.get_absolute_url()
    again = member_client.post(url, {"reason": "spam"}, follow=True)
    assert "You already reported this" in again.content.decode()
    assert Report.objects.get().reason == "personal_data"
    assert "You already reported this" in member_client.get(url).content.decode()


def test_the_report_form_shows_errors_next_to_the_fields(member_client, practice):
    url = reverse("moderation:report_practice", args=[practice.pk])
    response = member_client.post(url, {"reason": "other", "note": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "you chose “Other”" in html
    assert 'aria-describedby="id_note_helptext id_note_error"' in html
    assert 'id="id_note_error"' in html
    response = member_client.post(url, {"reason": "<script>"})
    assert response.status_code == 400
    assert "<script>" not in response.content.decode().split("<main", 1)[1]
    assert not Report.objects.exists()


def test_a_comment_is_reported_from_its_own_control(member_client, practice, comment):
    page = member_client.get(practice.get_absolute_url()).content.decode()
    url = reverse("moderation:report_comment", args=[comment.pk])
    assert f'href="{url}" data-control="report"' in page
    response = member_client.post(url, {"reason": "off_topic"})
    assert response.status_code == 302
    assert response.url == f"{practice.get_absolute_url()}#comment-{comment.pk}"
    assert Report.objects.get().comment_id == comment.pk


def test_authors_see_no_report_link_on_their_own_writing(client_for, writer, practice, comment):
    page = client_for(writer).get(practice.get_absolute_url()).content.decode()
    assert reverse("moderation:report_practice", args=[practice.pk]) not in page
    assert reverse("moderation:report_comment", args=[comment.pk]) not in page
    response = client_for(writer).post(
        reverse("moderation:report_practice", args=[practice.pk]), {"reason": "spam"}
    )
    assert response.status_code == 403
    assert not Report.objects.exists()


# --- The queue --------------------------------------------------------------------------------


def _reporters(user_factory, n):
    return [user_factory() for _ in range(n)]


def test_the_queue_groups_reports_by_item_with_counts(
    client_for, moderator, user_factory, practice, comment
):
    first, second, third = _reporters(user_factory, 3)
    report_create(reporter=first, comment=comment, reason="spam", note="An advert")
    report_create(reporter=second, comment=comment, reason="abuse")
    report_create(reporter=third, practice=practice, reason="other", note="<b>Odd</b>")
    html = client_for(moderator).get(reverse("moderation:reports")).content.decode()
    assert "2 items" in html
    assert "2 open reports" in html and "1 open report<" in html
    # The most reported item comes first.
    assert html.index(f"reported-comment-{comment.pk}") < html.index(
        f"reported-practice-{practice.pk}"
    )
    assert "An advert" in html and "&lt;b&gt;Odd&lt;/b&gt;" in html


def test_the_queue_costs_the_same_queries_at_two_sizes(
    client_for, moderator, user_factory, practice_factory, django_assert_num_queries
):
    client = client_for(moderator)
    url = reverse("moderation:reports")

    def add(n):
        for _ in range(n):
            target = practice_factory()
            reporters = _reporters(user_factory, 2)
            report_create(reporter=reporters[0], practice=target, reason="spam")
            note = comment_create(practice=target, author=target.author, body="A comment")
            report_create(reporter=reporters[1], comment=note, reason="abuse")

    add(2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(15)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('class="mod-item"') == 20


def test_the_dashboard_shows_reports_waiting_practices_and_recent_actions(
    client_for, moderator, member, practice, comment, practice_factory, writer
):
    report_create(reporter=member, comment=comment, reason="spam")
    practice_factory(author=writer, title="Waiting to be seen", status="pending", published_at=None)
    comment_hide(comment=comment, moderator=moderator, reason="Clearly spam")
    html = client_for(moderator).get(reverse("moderation:dashboard")).content.decode()
    assert "Waiting to be seen" in html
    assert "Hid a comment" in html and "Clearly spam" in html
    assert "Already hidden" in html  # the reported comment is already gone


def test_the_dashboard_costs_the_same_queries_at_two_sizes(
    client_for, moderator, user_factory, practice_factory, django_assert_num_queries
):
    client = client_for(moderator)
    url = reverse("moderation:dashboard")

    def add(n):
        for _ in range(n):
            target = practice_factory()
            report_create(reporter=user_factory(), practice=target, reason="spam")
            practice_factory(status="pending", published_at=None)
            practice_hide(practice=practice_factory(), moderator=moderator, reason="Spam")

    add(1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(25)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


# --- Resolving -------------------------------------------------------------------------------


def test_dismissing_resolves_every_report_and_tells_each_reporter(
    moderator, user_factory, practice
):
    reporters = _reporters(user_factory, 3)
    for who in reporters:
        report_create(reporter=who, practice=practice, reason="off_topic")
    resolved = report_resolve(
        moderator=moderator, practice=practice, resolution="dismissed", reason="It is on topic."
    )
    assert len(resolved) == 3
    assert not Report.objects.filter(resolved_at__isnull=True).exists()
    assert set(Report.objects.values_list("resolution", "resolved_by", "resolution_reason")) == {
        ("dismissed", moderator.pk, "It is on topic.")
    }
    notes = Notification.objects.filter(kind=NotificationKind.REPORT_RESOLVED)
    assert sorted(notes.values_list("recipient_id", flat=True)) == sorted(r.pk for r in reporters)
    assert all("left it as it is" in n.message and "It is on topic." in n.message for n in notes)
    assert Practice.objects.visible().filter(pk=practice.pk).exists()
    assert log_entries() == [
        (moderator.pk, "report.resolve", "practice", practice.pk, "It is on topic.")
    ]
    with pytest.raises(ValidationError, match="no open reports"):
        report_resolve(moderator=moderator, practice=practice, resolution="dismissed", reason="x")


def test_resolving_by_hiding_hides_the_item_and_logs_both(moderator, member, comment):
    report_create(reporter=member, comment=comment, reason="abuse")
    report_resolve(moderator=moderator, comment=comment, resolution="hidden", reason="Insulting")
    assert Comment.objects.get(pk=comment.pk).hidden_at is not None
    assert [e[1] for e in log_entries()] == ["comment.hide", "report.resolve"]
    entry = ModerationAction.objects.get(action="report.resolve")
    assert entry.data["resolution"] == "hidden" and entry.data["already_removed"] is False
    note = Notification.objects.get(recipient=member)
    assert "hid it" in note.message


def test_resolving_an_item_already_gone_says_so_and_hides_nothing_twice(
    moderator, member, other_member, comment, writer
):
    report_create(reporter=member, comment=comment, reason="spam")
    report_create(reporter=other_member, comment=comment, reason="spam")
    comment_delete(comment=comment, user=writer)
    report_resolve(moderator=moderator, comment=comment, resolution="hidden", reason="Spam")
    entry = ModerationAction.objects.get(action="report.resolve")
    assert entry.data["already_removed"] is True
    assert Comment.objects.get(pk=comment.pk).hidden_at is None
    assert [e[1] for e in log_entries()] == ["report.resolve"]


def test_resolution_needs_a_moderator_a_reason_and_a_known_outcome(
    member, writer, moderator, practice
):
    report_create(reporter=member, practice=practice, reason="spam")
    with pytest.raises(PermissionDenied):
        report_resolve(moderator=writer, practice=practice, resolution="dismissed", reason="x")
    with pytest.raises(ValidationError) as no_reason:
        report_resolve(moderator=moderator, practice=practice, resolution="dismissed", reason="")
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(ValidationError) as bad:
        report_resolve(moderator=moderator, practice=practice, resolution="deleted", reason="x")
    assert "resolution" in bad.value.message_dict
    assert Report.objects.get().resolved_at is None
    assert not ModerationAction.objects.exists()


def test_a_report_handled_end_to_end_through_the_pages(
    client_for, member, moderator, practice, comment, writer
):
    """A member reports a comment; the moderator finds it in the queue, edits it, resolves it
    as edited; the reporter is told; the log has both steps."""
    reporter = client_for(member)
    reporter.post(
        reverse("moderation:report_comment", args=[comment.pk]),
        {"reason": "personal_data", "note": "Gives a phone number"},
    )
    mod = client_for(moderator)
    queue = mod.get(reverse("moderation:reports")).content.decode()
    assert "Gives a phone number" in queue
    edit_url = reverse("practices:comment_edit", args=[comment.pk])
    assert edit_url in queue
    assert mod.post(edit_url, {"body": "We met on Tuesdays. [number removed]"}).status_code == 302
    item_url = reverse("moderation:reported_comment", args=[comment.pk])
    response = mod.post(item_url, {"resolution": "edited", "reason": "Removed the number."})
    assert response.status_code == 302 and response.url == reverse("moderation:reports")
    report = Report.objects.get()
    assert report.resolution == ReportResolution.EDITED and report.resolved_by_id == moderator.pk
    note = Notification.objects.get(recipient=member, kind=NotificationKind.REPORT_RESOLVED)
    assert "edited it" in note.message
    assert "[number removed]" in Comment.objects.get(pk=comment.pk).body
    log = mod.get(reverse("moderation:log")).content.decode()
    assert "Resolved reports" in log and "Removed the number." in log


def test_a_bad_resolution_form_changes_nothing(client_for, member, moderator, practice):
    report_create(reporter=member, practice=practice, reason="spam")
    url = reverse("moderation:reported_practice", args=[practice.pk])
    client = client_for(moderator)
    response = client.post(url, {"resolution": "hidden", "reason": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    response = client.post(url, {"resolution": "burn", "reason": "x"})
    assert response.status_code == 400
    assert Report.objects.get().resolved_at is None
    assert Practice.objects.get(pk=practice.pk).hidden_at is None


def test_resolving_twice_says_another_moderator_was_first(client_for, member, moderator, practice):
    report_create(reporter=member, practice=practice, reason="spam")
    url = reverse("moderation:reported_practice", args=[practice.pk])
    client = client_for(moderator)
    client.post(url, {"resolution": "dismissed", "reason": "Fine"})
    response = client.post(url, {"resolution": "hidden", "reason": "Changed my mind"}, follow=True)
    assert "another moderator may have handled them" in response.content.decode()
    assert Practice.objects.get(pk=practice.pk).hidden_at is None
