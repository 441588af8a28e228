"""Adaptations: recording one, editing it, who hears, hiding it, the list's filter and sort."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practices.models import Adaptation, ModerationAction, Notification, Practice
from practices.services.follows import practice_mute
from practices.services.transfer import (
    adaptation_create,
    adaptation_hide,
    adaptation_restore,
    adaptation_update,
)

pytestmark = pytest.mark.django_db

DATA = {
    "city": "Lyon",
    "country": "FR",
    "organisation": "Office for Newcomers",
    "organisation_type": "city",
    "changes": "We ran it across **four schools**.",
    "outcome": "Twelve tandems in the first term.",
    "stage": "pilot",
}


def _form(**overrides) -> dict:
    return {**DATA, **overrides}


def _adapt(original, author, **overrides):
    return adaptation_create(original=original, author=author, data=_form(**overrides))


# --- Create --------------------------------------------------------------------------------


def test_member_records_an_adaptation_through_the_form(client_for, other_member, practice_factory):
    original = practice_factory(title="Teacher tandems")
    client = client_for(other_member)
    page = client.get(original.get_absolute_url())
    assert reverse("practices:adapt", kwargs={"pk": original.pk}) in page.content.decode()
    response = client.post(reverse("practices:adapt", kwargs={"pk": original.pk}), _form())
    assert response.status_code == 302
    (adaptation,) = Adaptation.objects.all()
    assert (adaptation.city, adaptation.author, adaptation.original) == (
        "Lyon",
        other_member,
        original,
    )
    assert "<strong>four schools</strong>" in adaptation.rendered["changes"]
    original.refresh_from_db()
    assert original.adaptation_count == 1
    detail = client.get(original.get_absolute_url()).content.decode()
    assert 'Adapted elsewhere <span class="count">(1)</span>' in detail
    assert "Lyon, France" in detail


def test_form_prefills_from_the_members_profile(client_for, other_member, practice_factory):
    original = practice_factory()
    response = client_for(other_member).get(reverse("practices:adapt", kwargs={"pk": original.pk}))
    form = response.context["form"]
    assert form.initial["city"] == other_member.city
    assert form.initial["organisation_type"] == "city"


@pytest.mark.parametrize(
    ("field", "message"),
    [("city", "Say in which city you adapted it."), ("changes", "Describe what you changed")],
)
def test_missing_city_or_changes_is_a_field_error_and_saves_nothing(
    client_for, other_member, practice_factory, field, message
):
    original = practice_factory()
    response = client_for(other_member).post(
        reverse("practices:adapt", kwargs={"pk": original.pk}), _form(**{field: "  "})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert not Adaptation.objects.exists()
    original.refresh_from_db()
    assert original.adaptation_count == 0


@pytest.mark.parametrize(
    "state",
    [
        {"status": "draft", "published_at": None},
        {"status": "pending", "published_at": None},
        {"hidden_reason": "spam"},
    ],
)
def test_adapting_a_draft_or_hidden_practice_is_404(
    client_for, other_member, practice_factory, state
):
    from django.utils import timezone

    if "hidden_reason" in state:
        state = {**state, "hidden_at": timezone.now()}
    original = practice_factory(**state)
    client = client_for(other_member)
    url = reverse("practices:adapt", kwargs={"pk": original.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, _form()).status_code == 404
    assert not Adaptation.objects.exists()
    with pytest.raises(ValidationError):
        _adapt(original, other_member)


def test_visitors_log_in_and_unverified_members_cannot_adapt(
    client, client_for, user_factory, practice_factory
):
    original = practice_factory()
    url = reverse("practices:adapt", kwargs={"pk": original.pk})
    response = client.post(url, _form())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    unverified = user_factory(email_verified=False)
    assert client_for(unverified).post(url, _form()).status_code == 403
    with pytest.raises(PermissionDenied):
        _adapt(original, unverified)
    assert not Adaptation.objects.exists()


def test_own_practice_shows_adapted_from_and_links_back(client, other_member, practice_factory):
    original = practice_factory(title="Teacher tandems")
    own = practice_factory(author=other_member, title="Tandems across four schools")
    adaptation_create(original=original, author=other_member, data=_form(), own_practice=own)
    page = client.get(own.get_absolute_url()).content.decode()
    assert "Adapted from" in page
    assert original.get_absolute_url() in page
    original_page = client.get(original.get_absolute_url()).content.decode()
    assert own.get_absolute_url() in original_page


def test_someone_elses_practice_cannot_be_named_as_ones_own(member, other_member, practice_factory):
    original = practice_factory()
    not_mine = practice_factory(author=member)
    with pytest.raises(ValidationError) as refused:
        adaptation_create(
            original=original, author=other_member, data=_form(), own_practice=not_mine
        )
    assert "own_practice" in refused.value.error_dict
    assert not Adaptation.objects.exists()


def test_what_members_typed_is_escaped(client, other_member, practice_factory):
    original = practice_factory()
    _adapt(
        original,
        other_member,
        city="<script>alert(1)</script>",
        changes="<img src=x onerror=alert(2)>",
    )
    page = client.get(original.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page


# --- Notify --------------------------------------------------------------------------------


def test_original_author_and_followers_are_told_once(
    user_factory, member, other_member, practice_factory, django_capture_on_commit_callbacks
):
    from practices.services.follows import practice_follow

    original = practice_factory(author=member)
    follower = user_factory()
    muted = user_factory()
    practice_follow(user=follower, practice=original)
    practice_follow(user=member, practice=original)
    practice_mute(user=muted, practice=original)
    with django_capture_on_commit_callbacks(execute=True):
        adaptation = _adapt(original, other_member)
    told = Notification.objects.filter(kind="adaptation")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted([member.pk, follower.pk])
    assert {n.dedupe_key for n in told} == {f"adaptation:{adaptation.pk}"}
    assert all(n.actor_id == other_member.pk and n.practice_id == original.pk for n in told)


def test_the_notification_page_says_who_adapted_what(
    client_for, member, other_member, practice_factory
):
    original = practice_factory(author=member, title="Teacher tandems")
    _adapt(original, other_member)
    page = client_for(member).get(reverse("notifications:inbox")).content.decode()
    assert f"{other_member.display_name}</strong> adapted" in page
    assert "Teacher tandems" in page


def test_adapting_ones_own_practice_tells_nobody(member, practice_factory):
    original = practice_factory(author=member)
    _adapt(original, member)
    assert not Notification.objects.filter(kind="adaptation").exists()


# --- Edit ----------------------------------------------------------------------------------


def test_author_edits_their_adaptation(client_for, other_member, practice_factory):
    original = practice_factory()
    adaptation = _adapt(original, other_member)
    client = client_for(other_member)
    url = reverse("practices:adaptation_edit", kwargs={"pk": adaptation.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, _form(outcome="Now in *six* schools.", stage="running"))
    assert response.status_code == 302
    adaptation.refresh_from_db()
    assert adaptation.stage == "running"
    assert "<em>six</em>" in adaptation.rendered["outcome"]
    original.refresh_from_db()
    assert original.adaptation_count == 1


def test_nobody_else_edits_an_adaptation(
    client_for, member, moderator, other_member, practice_factory
):
    adaptation = _adapt(practice_factory(author=member), other_member)
    url = reverse("practices:adaptation_edit", kwargs={"pk": adaptation.pk})
    for user in (member, moderator):
        assert client_for(user).post(url, _form(city="Elsewhere")).status_code == 404
        with pytest.raises(PermissionDenied):
            adaptation_update(adaptation=adaptation, editor=user, data=_form(city="Elsewhere"))
    adaptation.refresh_from_db()
    assert adaptation.city == "Lyon"


def test_an_edit_without_changes_is_refused_and_keeps_the_text(
    client_for, other_member, practice_factory
):
    adaptation = _adapt(practice_factory(), other_member)
    url = reverse("practices:adaptation_edit", kwargs={"pk": adaptation.pk})
    response = client_for(other_member).post(url, _form(changes=""))
    assert response.status_code == 200
    assert "changes" in response.context["form"].errors
    adaptation.refresh_from_db()
    assert adaptation.changes == DATA["changes"]


# --- Hide ----------------------------------------------------------------------------------


def test_moderator_hides_and_restores_an_adaptation(
    client, client_for, moderator, other_member, practice_factory
):
    original = practice_factory()
    adaptation = _adapt(original, other_member)
    hide = reverse("practices:adaptation_moderate", kwargs={"pk": adaptation.pk, "action": "hide"})
    mod = client_for(moderator)
    assert mod.post(hide, {"reason": ""}).status_code == 302
    adaptation.refresh_from_db()
    assert adaptation.hidden_at is None  # no reason, nothing changed
    assert mod.post(hide, {"reason": "Advertising"}).status_code == 302
    adaptation.refresh_from_db()
    original.refresh_from_db()
    assert adaptation.hidden_reason == "Advertising"
    assert original.adaptation_count == 0
    assert "Lyon, France" not in client.get(original.get_absolute_url()).content.decode()
    own_view = client_for(other_member).get(original.get_absolute_url()).content.decode()
    assert "A moderator hid this adaptation" in own_view
    told = Notification.objects.get(recipient=other_member, kind="moderation")
    assert "Advertising" in told.message
    assert ModerationAction.objects.filter(
        action="adaptation.hide", target_id=adaptation.pk
    ).exists()

    restore = reverse(
        "practices:adaptation_moderate", kwargs={"pk": adaptation.pk, "action": "restore"}
    )
    assert mod.post(restore).status_code == 302
    original.refresh_from_db()
    assert original.adaptation_count == 1
    assert "Lyon, France" in client.get(original.get_absolute_url()).content.decode()
    assert ModerationAction.objects.filter(action="adaptation.restore").count() == 1


def test_members_cannot_hide_adaptations(client_for, member, other_member, practice_factory):
    original = practice_factory(author=member)
    adaptation = _adapt(original, other_member)
    url = reverse("practices:adaptation_moderate", kwargs={"pk": adaptation.pk, "action": "hide"})
    assert client_for(member).post(url, {"reason": "I dislike it"}).status_code == 403
    assert client_for(member).get(url).status_code in (403, 405)
    with pytest.raises(PermissionDenied):
        adaptation_hide(adaptation=adaptation, moderator=member, reason="no")
    adaptation.refresh_from_db()
    assert adaptation.hidden_at is None


def test_hiding_twice_is_refused(moderator, other_member, practice_factory):
    adaptation = _adapt(practice_factory(), other_member)
    adaptation_hide(adaptation=adaptation, moderator=moderator, reason="spam")
    with pytest.raises(ValidationError):
        adaptation_hide(adaptation=adaptation, moderator=moderator, reason="spam")
    adaptation_restore(adaptation=adaptation, moderator=moderator)
    assert Practice.objects.get(pk=adaptation.original_id).adaptation_count == 1


# --- Profile -------------------------------------------------------------------------------


def test_adaptations_appear_in_the_authors_profile(client, other_member, practice_factory):
    original = practice_factory(title="Teacher tandems")
    _adapt(original, other_member)
    page = client.get(other_member.get_absolute_url()).content.decode()
    assert "Practices they adapted" in page
    assert "Teacher tandems" in page and "in Lyon, France" in page


# --- The list: filter and sort -------------------------------------------------------------


def _list(client, **params):
    return client.get(reverse("practices:list"), params)


def test_list_filters_has_been_adapted_and_sorts_by_most_adapted(
    client, member, other_member, user_factory, practice_factory
):
    never = practice_factory(title="Never adapted")
    once = practice_factory(title="Adapted once")
    twice = practice_factory(title="Adapted twice")
    _adapt(once, member)
    _adapt(twice, member)
    _adapt(twice, other_member)
    response = _list(client, adapted="true", sort="adapted")
    titles = [p.title for p in response.context["listing"].page.items]
    assert titles == ["Adapted twice", "Adapted once"]
    assert never.title not in titles
    assert "Has been adapted: yes" in " ".join(
        f"{label}: {value}" for label, value in response.context["listing"].active_filters
    )
    everything = [p.title for p in _list(client, sort="adapted").context["listing"].page.items]
    assert everything[:2] == ["Adapted twice", "Adapted once"] and len(everything) == 3


def test_bad_filter_values_are_ignored_with_a_message(client, practice_factory):
    practice_factory()
    response = _list(client, sort="most-liked", adapted="true")
    assert response.status_code == 200
    assert "sort" in response.context["listing"].form.errors


def _queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert _list(client, **params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("params", [{"adapted": "true"}, {"sort": "adapted"}])
def test_adapted_filter_and_sort_cost_the_same_queries_at_two_sizes(
    client, settings, user_factory, practice_factory, params
):
    settings.PRACTICE_LISTING_CACHE_SECONDS = 0
    adapter = user_factory()

    def add(n: int) -> None:
        for i in range(n):
            practice = practice_factory(tags=[f"tag {i}", "school"])
            _adapt(practice, adapter)

    add(2)
    few = _queries(client, **params)
    add(25)
    many = _queries(client, **params)
    assert few == many


def test_the_list_card_counts_a_new_adaptation_at_once(client, member, practice_factory):
    original = practice_factory(title="Teacher tandems")
    assert "Adapted 1 time" not in _list(client).content.decode()  # the card is now cached
    _adapt(original, member)
    assert "Adapted 1 time" in _list(client).content.decode()
