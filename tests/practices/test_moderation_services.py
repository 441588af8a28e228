"""Moderators' actions on practices and comments: each one's effect, its single audit entry,
what its author is told, what readers see live, and refusals that change nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from practices.models import (
    Comment,
    ModerationAction,
    Notification,
    NotificationKind,
    Practice,
)
from practices.models.moderation import AppendOnlyError
from practices.services import curation
from practices.services.comments import comment_create, comment_delete
from practices.services.moderation import (
    ACTION_LABELS,
    comment_hide,
    comment_restore,
    moderation_action_record,
    practice_hide,
    practice_lock,
    practice_restore,
    practice_unlock,
)
from tests.practices.moderation_fixtures import log_entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(writer):
    return writer


@pytest.fixture
def practice(writers_practice):
    return writers_practice


@pytest.fixture
def comment(writers_comment):
    return writers_comment


@pytest.fixture
def sent(broadcasts):
    return broadcasts


# --- The audit log --------------------------------------------------------------------------


def test_an_entry_cannot_be_changed_or_removed(moderator, practice):
    with transaction.atomic():
        entry = moderation_action_record(
            actor=moderator, action="practice.hide", target=practice, reason="Spam"
        )
    entry.reason = "Something else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        ModerationAction.objects.filter(pk=entry.pk).update(reason="Rewritten")
    with pytest.raises(AppendOnlyError):
        ModerationAction.objects.all().delete()
    stored = ModerationAction.objects.get(pk=entry.pk)
    assert (stored.reason, stored.actor_id, stored.target_id) == ("Spam", moderator.pk, practice.pk)


@pytest.mark.django_db(transaction=True)
def test_the_log_is_written_only_inside_the_changes_transaction(moderator, practice):
    with pytest.raises(RuntimeError):
        moderation_action_record(actor=moderator, action="practice.hide", target=practice)
    with transaction.atomic(), pytest.raises(ValueError):
        moderation_action_record(actor=moderator, action="practice.vanish", target=practice)
    assert not ModerationAction.objects.exists()


def test_every_action_has_words_for_the_log():
    assert all(label and label[0].isupper() for label in ACTION_LABELS.values())
    assert len(set(ACTION_LABELS.values())) == len(ACTION_LABELS)


# --- Hiding and restoring practices -----------------------------------------------------------


def test_hiding_a_practice_keeps_it_for_its_author_and_moderators(
    moderator, practice, author, member
):
    practice_hide(practice=practice, moderator=moderator, reason="  Advertises a product.  ")
    practice.refresh_from_db()
    assert practice.hidden_at is not None
    assert practice.hidden_reason == "Advertises a product."
    assert not Practice.objects.visible().filter(pk=practice.pk).exists()
    assert Practice.objects.for_user(author).filter(pk=practice.pk).exists()
    assert Practice.objects.for_user(moderator).filter(pk=practice.pk).exists()
    assert not Practice.objects.for_user(member).filter(pk=practice.pk).exists()
    assert log_entries() == [
        (moderator.pk, "practice.hide", "practice", practice.pk, "Advertises a product.")
    ]
    note = Notification.objects.get(recipient=author)
    assert note.kind == NotificationKind.MODERATION
    assert "Advertises a product." in note.message and note.actor_id == moderator.pk


def test_hiding_needs_a_reason_and_a_hidden_practice_is_not_hidden_twice(moderator, practice):
    with pytest.raises(ValidationError) as missing:
        practice_hide(practice=practice, moderator=moderator, reason="   ")
    assert "reason" in missing.value.message_dict
    practice.refresh_from_db()
    assert practice.hidden_at is None
    practice_hide(practice=practice, moderator=moderator, reason="Spam")
    first = Practice.objects.values_list("hidden_at", flat=True).get(pk=practice.pk)
    with pytest.raises(ValidationError, match="already hidden"):
        practice_hide(practice=practice, moderator=moderator, reason="Spam again")
    assert Practice.objects.values_list("hidden_at", flat=True).get(pk=practice.pk) == first
    assert len(log_entries()) == 1


def test_restoring_a_practice_shows_it_again_and_is_logged(moderator, practice):
    practice_hide(practice=practice, moderator=moderator, reason="Spam")
    practice_restore(practice=practice, moderator=moderator, reason="It was not spam.")
    practice.refresh_from_db()
    assert practice.hidden_at is None and practice.hidden_reason == ""
    assert Practice.objects.visible().filter(pk=practice.pk).exists()
    restore = ModerationAction.objects.get(action="practice.restore")
    assert restore.reason == "It was not spam." and restore.data == {"hidden_reason": "Spam"}
    with pytest.raises(ValidationError, match="not hidden"):
        practice_restore(practice=practice, moderator=moderator)
    assert ModerationAction.objects.count() == 2


# --- Locking threads ---------------------------------------------------------------------------


def test_locking_closes_the_thread_to_members_and_tells_readers(
    moderator, practice, member, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        practice_lock(practice=practice, moderator=moderator, reason="Heated")
    practice.refresh_from_db()
    assert practice.locked_at is not None
    assert sent == [
        (
            f"practice.{practice.pk}",
            {"type": "thread.locked", "practice": practice.pk, "locked": True},
        )
    ]
    from practices.services.comments import CommentError

    with pytest.raises(CommentError) as refused:
        comment_create(practice=practice, author=member, body="Late word")
    assert refused.value.code == "thread_locked"
    # Moderators may still speak in a closed thread.
    comment_create(practice=practice, author=moderator, body="Closing this discussion.")
    with pytest.raises(ValidationError, match="already closed"):
        practice_lock(practice=practice, moderator=moderator)

    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        practice_unlock(practice=practice, moderator=moderator)
    assert sent[0][1]["locked"] is False
    practice.refresh_from_db()
    comment_create(practice=practice, author=member, body="Open again")
    assert [e[1] for e in log_entries()] == ["practice.lock", "practice.unlock"]


# --- Hiding and restoring comments -------------------------------------------------------------


def test_hiding_a_comment_takes_a_sequence_number_and_vanishes_live(
    moderator, practice, comment, author, sent, django_capture_on_commit_callbacks
):
    before = Practice.objects.values_list("comment_seq", "comment_count").get(pk=practice.pk)
    with django_capture_on_commit_callbacks(execute=True):
        hidden = comment_hide(comment=comment, moderator=moderator, reason="Insults a member.")
    after = Practice.objects.values_list("comment_seq", "comment_count").get(pk=practice.pk)
    assert after == (before[0] + 1, before[1] - 1)
    stored = Comment.objects.get(pk=comment.pk)
    assert stored.hidden_at is not None and stored.changed_seq == after[0]
    assert stored.body == "We met on Tuesdays."  # nothing is destroyed
    assert len(sent) == 1
    group, payload = sent[0]
    assert group == f"practice.{practice.pk}"
    assert payload["type"] == "comment.deleted" and payload["reason"] == "hidden"
    assert payload["id"] == comment.pk and payload["seq"] == after[0]
    assert "Comment hidden by the moderators" in payload["html"]
    assert "Tuesdays" not in payload["html"] and "data-hidden" in payload["html"]
    assert hidden.hidden_reason == "Insults a member."
    assert log_entries() == [
        (moderator.pk, "comment.hide", "comment", comment.pk, "Insults a member.")
    ]
    assert Notification.objects.filter(recipient=author, comment=comment).count() == 1


def test_restoring_a_comment_brings_it_back_live(
    moderator, practice, comment, sent, django_capture_on_commit_callbacks
):
    comment_hide(comment=comment, moderator=moderator, reason="Mistake")
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment_restore(comment=comment, moderator=moderator)
    stored = Comment.objects.get(pk=comment.pk)
    practice.refresh_from_db()
    assert stored.hidden_at is None and stored.changed_seq == practice.comment_seq
    assert practice.comment_count == 1
    ((group, payload),) = sent
    assert payload["type"] == "comment.edited" and payload["reason"] == "restored"
    assert "We met on Tuesdays." in payload["html"]
    assert [e[1] for e in log_entries()] == ["comment.hide", "comment.restore"]


def test_a_deleted_comment_is_not_hidden_and_a_hidden_one_not_twice(
    moderator, practice, comment, author, sent
):
    other = comment_create(practice=practice, author=author, body="Second thought")
    comment_delete(comment=other, user=author)
    seq = Practice.objects.values_list("comment_seq", flat=True).get(pk=practice.pk)
    with pytest.raises(ValidationError, match="already deleted"):
        comment_hide(comment=other, moderator=moderator, reason="Spam")
    comment_hide(comment=comment, moderator=moderator, reason="Spam")
    with pytest.raises(ValidationError, match="already hidden"):
        comment_hide(comment=comment, moderator=moderator, reason="Spam")
    with pytest.raises(ValidationError, match="not hidden"):
        comment_restore(comment=other, moderator=moderator)
    assert Practice.objects.values_list("comment_seq", flat=True).get(pk=practice.pk) == seq + 1
    assert len(log_entries()) == 1


# --- Who may act --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "act",
    [
        lambda p, c, u: practice_hide(practice=p, moderator=u, reason="x"),
        lambda p, c, u: practice_lock(practice=p, moderator=u),
        lambda p, c, u: comment_hide(comment=c, moderator=u, reason="x"),
        lambda p, c, u: curation.practice_validate(practice=p, moderator=u),
        lambda p, c, u: curation.practice_feature(practice=p, moderator=u),
    ],
    ids=["practice_hide", "practice_lock", "comment_hide", "validate", "feature"],
)
def test_only_unsuspended_moderators_act(act, practice, comment, author, member, user_factory):
    suspended_moderator = user_factory(
        moderator=True, suspended_until=timezone.now() + timezone.timedelta(days=1)
    )
    for who in (member, author, suspended_moderator):
        with pytest.raises(PermissionDenied):
            act(practice, comment, who)
    practice.refresh_from_db()
    comment.refresh_from_db()
    assert practice.hidden_at is None and practice.locked_at is None
    assert practice.validated_at is None and practice.featured_at is None
    assert comment.hidden_at is None
    assert not ModerationAction.objects.exists()


# --- Curation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("do", "undo", "field", "kind", "name"),
    [
        (
            curation.practice_validate,
            curation.practice_unvalidate,
            "validated_at",
            NotificationKind.PRACTICE_VALIDATED,
            "validate",
        ),
        (
            curation.practice_feature,
            curation.practice_unfeature,
            "featured_at",
            NotificationKind.PRACTICE_FEATURED,
            "feature",
        ),
    ],
    ids=["validate", "feature"],
)
def test_curation_and_taking_it_back_are_logged_and_tell_the_author(
    do, undo, field, kind, name, moderator, practice, author
):
    updated = Practice.objects.values_list("updated_at", flat=True).get(pk=practice.pk)
    do(practice=practice, moderator=moderator)
    do(practice=practice, moderator=moderator)
    assert getattr(Practice.objects.get(pk=practice.pk), field) is not None
    assert Notification.objects.filter(recipient=author, kind=kind).count() == 1
    undo(practice=practice, moderator=moderator)
    undo(practice=practice, moderator=moderator)
    stored = Practice.objects.get(pk=practice.pk)
    assert getattr(stored, field) is None
    # Curation is not an edit: "last edited" does not move.
    assert stored.updated_at == updated
    assert [entry[1] for entry in log_entries()] == [f"practice.{name}", f"practice.un{name}"]


def test_a_validated_practice_shows_the_badge_and_loses_it_when_withdrawn(
    client, moderator, practice
):
    curation.practice_validate(practice=practice, moderator=moderator)
    page = client.get(practice.get_absolute_url()).content.decode()
    assert "badge-validated" in page and "by the moderators on" in page
    curation.practice_unvalidate(practice=practice, moderator=moderator)
    page = client.get(practice.get_absolute_url()).content.decode()
    assert "badge-validated" not in page


def test_hidden_practices_stay_out_of_every_public_list(client, moderator, practice):
    curation.practice_feature(practice=practice, moderator=moderator)
    assert practice.title in client.get("/").content.decode()
    practice_hide(practice=practice, moderator=moderator, reason="Spam")
    assert practice.title not in client.get("/").content.decode()
    assert practice.title not in client.get("/practices/").content.decode()
    assert client.get(practice.get_absolute_url()).status_code == 404


def test_a_hidden_practice_shows_its_author_the_reason(client_for, moderator, practice, author):
    practice_hide(practice=practice, moderator=moderator, reason="Names a pupil <b>by name</b>.")
    page = client_for(author).get(practice.get_absolute_url()).content.decode()
    assert "other members cannot see it" in page
    assert "Names a pupil &lt;b&gt;by name&lt;/b&gt;." in page
