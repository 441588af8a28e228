"""The admin as a second tool for staff: every model is there with search and filters; its
actions go through the moderation services (checked and audited); the log is read-only."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from practices.models import Comment, ModerationAction, Practice, Report, Tag, TagRedirect
from practices.services.moderation import comment_hide
from practices.services.reports import report_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(user_factory):
    return user_factory(email="root@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client_(client_for, root):
    return client_for(root)


def _changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _act(client, model, action, objects, **extra):
    """Pick the action, then confirm its intermediate form when it has one."""
    data = {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objects]}
    response = client.post(_changelist(model), data)
    if extra:
        assert response.status_code == 200, response.status_code
        response = client.post(_changelist(model), {**data, "apply": "1", **extra})
    return response


def test_every_model_of_the_domain_is_in_the_admin_with_search():
    for model in apps.get_app_config("practices").get_models():
        if model._meta.auto_created or model.__name__ == "CollectionItem":
            continue
        assert model in admin.site._registry, model.__name__
        assert admin.site._registry[model].search_fields, model.__name__
    assert User in admin.site._registry


def test_the_changelists_open_and_search(admin_client_, writers_practice, writers_comment, member):
    report_create(reporter=member, comment=writers_comment, reason="spam")
    for model in apps.get_app_config("practices").get_models():
        if model not in admin.site._registry:
            continue
        response = admin_client_.get(_changelist(model), {"q": "tuesday"})
        assert response.status_code == 200, model.__name__


def test_hiding_from_the_admin_asks_for_a_reason_and_is_audited(
    admin_client_, root, writers_practice
):
    page = _act(admin_client_, Practice, "hide_practices", [writers_practice])
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    assert Practice.objects.get(pk=writers_practice.pk).hidden_at is None
    refused = admin_client_.post(
        _changelist(Practice),
        {"action": "hide_practices", ACTION_CHECKBOX_NAME: [writers_practice.pk], "apply": "1"},
    )
    assert refused.status_code == 200 and "This field is required" in refused.content.decode()
    assert Practice.objects.get(pk=writers_practice.pk).hidden_at is None
    done = _act(admin_client_, Practice, "hide_practices", [writers_practice], reason="Spam")
    assert done.status_code == 302
    assert Practice.objects.get(pk=writers_practice.pk).hidden_reason == "Spam"
    entry = ModerationAction.objects.get()
    assert (entry.actor_id, entry.action, entry.reason) == (root.pk, "practice.hide", "Spam")


def test_one_click_actions_report_what_was_refused(admin_client_, practice_factory):
    visible = practice_factory()
    draft = practice_factory(status="draft", published_at=None)
    response = _act(admin_client_, Practice, "validate_practices", [visible, draft])
    assert response.status_code == 302
    shown = admin_client_.get(response.url).content.decode()
    assert "Validated: 1." in shown and "Not done for" in shown
    assert Practice.objects.get(pk=visible.pk).validated_at is not None
    assert Practice.objects.get(pk=draft.pk).validated_at is None


def test_staff_who_are_not_moderators_cannot_moderate_through_the_admin(
    client_for, user_factory, writers_practice
):
    staff = user_factory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_practice", "change_practice"])
    )
    client = client_for(staff)
    response = _act(client, Practice, "lock_practices", [writers_practice])
    assert response.status_code == 302
    assert Practice.objects.get(pk=writers_practice.pk).locked_at is None
    assert not ModerationAction.objects.exists()


def test_comments_are_hidden_and_restored_from_the_admin(admin_client_, writers_comment):
    _act(admin_client_, Comment, "hide_comments", [writers_comment], reason="Rude")
    assert Comment.objects.get(pk=writers_comment.pk).hidden_at is not None
    _act(admin_client_, Comment, "restore_comments", [writers_comment], reason="")
    assert Comment.objects.get(pk=writers_comment.pk).hidden_at is None
    assert list(ModerationAction.objects.order_by("id").values_list("action", flat=True)) == [
        "comment.hide",
        "comment.restore",
    ]


def test_reports_are_resolved_per_item_from_the_admin(
    admin_client_, writers_comment, member, other_member
):
    first = report_create(reporter=member, comment=writers_comment, reason="spam")
    second = report_create(reporter=other_member, comment=writers_comment, reason="abuse")
    _act(admin_client_, Report, "dismiss_reports", [first, second], reason="Fine")
    assert not Report.objects.filter(resolved_at__isnull=True).exists()
    assert ModerationAction.objects.get().data["reports"] == [first.pk, second.pk]


def test_tags_are_merged_from_the_admin(admin_client_, practice_factory):
    practice_factory(tags=["integration", "inclusion"])
    source, target = Tag.objects.get(name="integration"), Tag.objects.get(name="inclusion")
    page = _act(admin_client_, Tag, "merge_tags", [source])
    # The tag that stays is never one of the selected.
    assert f'value="{source.pk}"' not in page.content.decode().split('name="target"', 1)[1]
    _act(admin_client_, Tag, "merge_tags", [source], target=target.pk)
    assert not Tag.objects.filter(pk=source.pk).exists()
    assert TagRedirect.objects.get().old_slug == "integration"


def test_the_tag_change_form_goes_through_the_services(admin_client_, practice_factory):
    practice_factory(tags=["housing"])
    tag = Tag.objects.get(name="housing")
    url = reverse("admin:practices_tag_change", args=[tag.pk])
    response = admin_client_.post(url, {"is_official": "on", "description": "Homes"})
    assert response.status_code == 302
    tag.refresh_from_db()
    assert tag.is_official and tag.description == "Homes"
    assert sorted(ModerationAction.objects.values_list("action", flat=True)) == [
        "tag.describe",
        "tag.official",
    ]


def test_members_are_suspended_from_the_admin(admin_client_, member):
    url = reverse("admin:accounts_user_changelist")
    data = {"action": "suspend_members", ACTION_CHECKBOX_NAME: [member.pk]}
    assert admin_client_.post(url, data).status_code == 200
    admin_client_.post(url, {**data, "apply": "1", "reason": "Spam", "until": ""})
    member.refresh_from_db()
    assert member.is_suspended
    admin_client_.post(
        url, {"action": "unsuspend_members", ACTION_CHECKBOX_NAME: [member.pk], "apply": "1"}
    )
    member.refresh_from_db()
    assert not member.is_suspended
    filtered = admin_client_.get(url, {"suspended": "yes"})
    assert filtered.status_code == 200


def test_the_log_is_read_only_in_the_admin_even_for_superusers(
    admin_client_, moderator, writers_comment
):
    comment_hide(comment=writers_comment, moderator=moderator, reason="Spam")
    entry = ModerationAction.objects.get()
    changelist = admin_client_.get(_changelist(ModerationAction))
    assert changelist.status_code == 200 and 'name="action"' not in changelist.content.decode()
    change = admin_client_.get(reverse("admin:practices_moderationaction_change", args=[entry.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert admin_client_.get(reverse("admin:practices_moderationaction_add")).status_code == 403
    assert (
        admin_client_.post(
            reverse("admin:practices_moderationaction_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    admin_client_.post(
        reverse("admin:practices_moderationaction_change", args=[entry.pk]), {"reason": "Edited"}
    )
    assert ModerationAction.objects.get().reason == "Spam"


def test_hidden_and_locked_filters_pick_the_right_practices(admin_client_, practice_factory):
    hidden = practice_factory(title="Hidden one", hidden_at=timezone.now())
    locked = practice_factory(title="Locked one", locked_at=timezone.now())
    for query, shown, not_shown in (
        ({"hidden_at__isempty": "0"}, hidden, locked),
        ({"locked_at__isempty": "0"}, locked, hidden),
    ):
        html = admin_client_.get(_changelist(Practice), query).content.decode()
        assert shown.title in html and not_shown.title not in html
