"""Moderators keep tags tidy: rename, merge (practices and followers move, the old address
redirects), describe, mark official (suggested first)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from practices.models import ModerationAction, Tag, TagFollow, TaggedPractice, TagRedirect
from practices.selectors.tags import tag_autocomplete
from practices.services.tags import (
    tag_create,
    tag_describe,
    tag_merge,
    tag_rename,
    tag_set_official,
)
from tests.practices.moderation_fixtures import log_entries

pytestmark = pytest.mark.django_db


def _tag(name: str) -> Tag:
    return Tag.objects.get(name=name)


def _names(practice) -> list[str]:
    return sorted(practice.tags.names())


# --- Merging -----------------------------------------------------------------------------------


def test_a_tag_merge_carries_practices_followers_and_the_redirect(
    moderator, practice_factory, user_factory, client
):
    only_old = practice_factory(tags=["social-media campaigns"])
    both = practice_factory(tags=["social-media campaigns", "social media"])
    only_new = practice_factory(tags=["social media"])
    old, survivor = _tag("social-media campaigns"), _tag("social media")
    follows_old, follows_both, follows_new = user_factory(), user_factory(), user_factory()
    TagFollow.objects.create(user=follows_old, tag=old)
    TagFollow.objects.create(user=follows_both, tag=old)
    TagFollow.objects.create(user=follows_both, tag=survivor)
    TagFollow.objects.create(user=follows_new, tag=survivor)
    old_slug, old_pk = old.slug, old.pk

    result = tag_merge(source=old, target=survivor, moderator=moderator)

    assert result.pk == survivor.pk
    assert not Tag.objects.filter(pk=old_pk).exists()
    for practice in (only_old, both, only_new):
        assert _names(practice) == ["social media"]
    assert TaggedPractice.objects.filter(tag=survivor).count() == 3
    followers = sorted(TagFollow.objects.filter(tag=survivor).values_list("user_id", flat=True))
    assert followers == sorted([follows_old.pk, follows_both.pk, follows_new.pk])
    assert TagFollow.objects.count() == 3
    response = client.get(f"/tags/{old_slug}/?page=1")
    assert response.status_code == 301
    assert response.url == f"{survivor.get_absolute_url()}?page=1"
    assert client.get(survivor.get_absolute_url()).status_code == 200
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.target_type, entry.target_id) == ("tag.merge", "tag", survivor.pk)
    # "both" already had the survivor: only only_old's tagging moved, both's was dropped.
    assert (entry.data["practices_moved"], entry.data["followers_moved"]) == (1, 1)
    assert entry.data["source"] == {
        "id": old_pk,
        "name": "social-media campaigns",
        "slug": old_slug,
    }
    assert entry.target_repr == "social-media campaigns → social media"


def test_merging_a_tag_into_itself_is_refused(moderator, practice_factory):
    practice_factory(tags=["language"])
    tag = _tag("language")
    with pytest.raises(ValidationError) as refused:
        tag_merge(source=tag, target=tag, moderator=moderator)
    assert "target" in refused.value.message_dict
    assert Tag.objects.filter(pk=tag.pk).exists()
    assert not TagRedirect.objects.exists() and not ModerationAction.objects.exists()


def test_redirects_to_a_merged_tag_follow_it_to_the_survivor(moderator, practice_factory, client):
    practice_factory(tags=["a", "b", "c"])
    tag_merge(source=_tag("a"), target=_tag("b"), moderator=moderator)
    tag_merge(source=_tag("b"), target=_tag("c"), moderator=moderator)
    for old in ("a", "b"):
        response = client.get(f"/tags/{old}/")
        assert response.status_code == 301 and response.url == "/tags/c/"
    assert client.get("/tags/never-existed/").status_code == 404


# --- Renaming ----------------------------------------------------------------------------------


def test_renaming_keeps_the_old_address_working(moderator, practice_factory, client):
    practice = practice_factory(tags=["parental involvement"])
    tag = _tag("parental involvement")
    tag_rename(tag=tag, moderator=moderator, name="  Parents'   involvement ")
    tag.refresh_from_db()
    assert tag.name == "parents' involvement" and tag.slug == "parents-involvement"
    assert _names(practice) == ["parents' involvement"]
    response = client.get("/tags/parental-involvement/")
    assert response.status_code == 301 and response.url == "/tags/parents-involvement/"
    assert log_entries() == [(moderator.pk, "tag.rename", "tag", tag.pk, "")]
    # Renaming back frees the address again: no redirect shadows a live tag.
    tag_rename(tag=tag, moderator=moderator, name="parental involvement")
    assert client.get("/tags/parental-involvement/").status_code == 200
    assert client.get("/tags/parents-involvement/").status_code == 301


def test_renaming_to_an_existing_name_suggests_a_merge(moderator, practice_factory):
    practice_factory(tags=["housing", "segregation"])
    tag = _tag("housing")
    for name in ("Segregation", "", "x" * 51, "housing"):
        with pytest.raises(ValidationError) as refused:
            tag_rename(tag=tag, moderator=moderator, name=name)
        assert "name" in refused.value.message_dict
    assert "merge" in str(_refusal(tag, moderator, "segregation"))
    assert _tag("housing").slug == "housing"
    assert not TagRedirect.objects.exists()


def _refusal(tag, moderator, name):
    try:
        tag_rename(tag=tag, moderator=moderator, name=name)
    except ValidationError as error:
        return error.message_dict["name"]
    return None


# --- Describing and official tags --------------------------------------------------------------


def test_a_description_shows_on_the_tag_page_escaped(moderator, practice_factory, client):
    practice_factory(tags=["volunteering"])
    tag = _tag("volunteering")
    tag_describe(tag=tag, moderator=moderator, description="Migrants <em>as</em> volunteers.")
    html = client.get("/tags/volunteering/").content.decode()
    assert "Migrants &lt;em&gt;as&lt;/em&gt; volunteers." in html
    tag_describe(tag=tag, moderator=moderator, description="Migrants <em>as</em> volunteers.")
    assert ModerationAction.objects.count() == 1


def test_official_tags_are_suggested_first(moderator, practice_factory):
    for _ in range(3):
        practice_factory(tags=["language cafés"])
    practice_factory(tags=["language policy"])
    assert tag_autocomplete(q="language")[0]["name"] == "language cafés"
    tag_set_official(tag=_tag("language policy"), moderator=moderator, official=True)
    assert tag_autocomplete(q="language")[0]["name"] == "language policy"
    tag_set_official(tag=_tag("language policy"), moderator=moderator, official=True)
    tag_set_official(tag=_tag("language policy"), moderator=moderator, official=False)
    assert [e[1] for e in log_entries()] == ["tag.official", "tag.unofficial"]


# --- The forms on the tag page ------------------------------------------------------------------


def test_moderators_see_the_tag_tools_and_members_do_not(
    client_for, moderator, member, practice_factory
):
    practice_factory(tags=["health"])
    mod_page = client_for(moderator).get("/tags/health/").content.decode()
    for url in ("tag_rename", "tag_merge", "tag_describe", "tag_official"):
        assert reverse(f"moderation:{url}", args=["health"]) in mod_page
    member_page = client_for(member).get("/tags/health/").content.decode()
    assert "/moderation/tags/" not in member_page


def test_the_merge_form_refuses_the_tag_itself_and_unknown_tags(
    client_for, moderator, practice_factory
):
    practice_factory(tags=["health", "wellbeing"])
    client = client_for(moderator)
    url = reverse("moderation:tag_merge", args=["health"])
    response = client.post(url, {"merge-target": "Health"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "cannot be merged into itself" in html
    assert 'aria-invalid="true"' in html and '<details class="mod-tool" open>' in html
    response = client.post(url, {"merge-target": "<nope>"})
    assert (
        response.status_code == 400
        and "There is no tag “&lt;nope&gt;”" in response.content.decode()
    )
    assert Tag.objects.filter(name="health").exists()
    response = client.post(url, {"merge-target": "wellbeing"})
    assert response.status_code == 302 and response.url == "/tags/wellbeing/"
    assert not Tag.objects.filter(name="health").exists()


def test_the_rename_form_says_why_and_keeps_the_page(client_for, moderator, practice_factory):
    practice_factory(tags=["health", "wellbeing"])
    client = client_for(moderator)
    response = client.post(
        reverse("moderation:tag_rename", args=["health"]), {"rename-name": "Wellbeing"}
    )
    assert response.status_code == 400
    assert "already exists: merge this tag into it instead" in response.content.decode()
    response = client.post(
        reverse("moderation:tag_rename", args=["health"]), {"rename-name": "Health care"}
    )
    assert response.status_code == 302 and response.url == "/tags/health-care/"


def test_describe_and_official_forms(client_for, moderator, practice_factory, client):
    practice_factory(tags=["housing"])
    mod = client_for(moderator)
    mod.post(
        reverse("moderation:tag_describe", args=["housing"]),
        {"describe-description": "Where people live."},
    )
    mod.post(reverse("moderation:tag_official", args=["housing"]), {"official": "1"})
    html = client.get("/tags/housing/").content.decode()
    assert "Where people live." in html and "Official tag" in html
    too_long = mod.post(
        reverse("moderation:tag_describe", args=["housing"]),
        {"describe-description": "x" * 2001},
    )
    assert too_long.status_code == 400
    assert _tag("housing").description == "Where people live."


def test_moderators_create_official_tags_before_any_practice_uses_them(moderator, member):
    tag = tag_create(moderator=moderator, name=" Civic  Participation", official=True)
    assert (tag.name, tag.slug, tag.is_official) == (
        "civic participation",
        "civic-participation",
        True,
    )
    assert tag_autocomplete(q="civic")[0]["name"] == "civic participation"
    with pytest.raises(ValidationError):
        tag_create(moderator=moderator, name="civic participation")
    with pytest.raises(PermissionDenied):
        tag_create(moderator=member, name="anything")
    assert log_entries() == [(moderator.pk, "tag.create", "tag", tag.pk, "")]
