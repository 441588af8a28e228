"""Moderators keep the tags tidy: rename, merge, describe, mark official.

A tag's old address keeps working: renaming and merging leave a TagRedirect from the old
slug, and the tag page answers it with a permanent redirect. Merging moves the practices and
the followers to the surviving tag and then deletes the merged one (tags are the site's
vocabulary, not a member's writing; the revisions of each practice keep the names it had).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.models import User
from practices import caching
from practices.models import Tag, TagFollow, TaggedPractice, TagRedirect
from practices.services.moderation import moderation_action_record, moderation_check
from practices.tags import MAX_TAG_LENGTH, normalise_tag

DESCRIPTION_MAX_LENGTH = 2000


def _clean_name(name: Any) -> str:
    name = normalise_tag(name) if isinstance(name, str) else ""
    if not name:
        raise ValidationError({"name": _("A tag needs a name.")}, code="required")
    if len(name) > MAX_TAG_LENGTH:
        raise ValidationError(
            {
                "name": _("A tag may have at most %(max_length)s characters.")
                % {"max_length": MAX_TAG_LENGTH}
            },
            code="max_length",
        )
    return name


def _description_too_long() -> str:
    return _("Keep the description under %(max_length)s characters.") % {
        "max_length": number_format(DESCRIPTION_MAX_LENGTH, force_grouping=True)
    }


def _leave_redirect(*, old_slug: str, old_name: str, tag: Tag) -> None:
    TagRedirect.objects.update_or_create(
        old_slug=old_slug, defaults={"old_name": old_name, "tag": tag}
    )


@transaction.atomic
def tag_create(*, moderator: User, name: str, description: str = "", official: bool = False) -> Tag:
    """A tag made by moderators before any practice uses it (official vocabulary, say)."""
    moderation_check(moderator)
    name = _clean_name(name)
    if Tag.objects.filter(name=name).exists():
        raise ValidationError(
            {"name": _("The tag “%(name)s” already exists.") % {"name": name}}, code="exists"
        )
    description = description.strip() if isinstance(description, str) else ""
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise ValidationError({"description": _description_too_long()}, code="max_length")
    tag = Tag(name=name, description=description, is_official=official)
    tag.slug = tag.slugify(name)
    if (
        Tag.objects.filter(slug=tag.slug).exists()
        or TagRedirect.objects.filter(old_slug=tag.slug).exists()
    ):
        raise ValidationError(
            {"name": _("A tag with this address exists, or once did: choose another name.")},
            code="exists",
        )
    tag.save()
    moderation_action_record(
        actor=moderator, action="tag.create", target=tag, data={"official": official}
    )
    return tag


@transaction.atomic
def tag_rename(*, tag: Tag, moderator: User, name: str) -> Tag:
    """Give a tag a new name (and address); the old address redirects to the new one.
    A name another tag already has is refused: merge the two instead."""
    moderation_check(moderator)
    name = _clean_name(name)
    current = Tag.objects.select_for_update().get(pk=tag.pk)
    if name == current.name:
        raise ValidationError({"name": _("That is the tag's name already.")}, code="unchanged")
    slug = current.slugify(name)
    clash = Tag.objects.filter(name=name).exclude(pk=current.pk).first() or (
        Tag.objects.filter(slug=slug).exclude(pk=current.pk).first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "name": _("The tag “%(name)s” already exists: merge this tag into it instead.")
                % {"name": clash.name}
            },
            code="exists",
        )
    old_name, old_slug = current.name, current.slug
    current.name = name
    current.slug = slug
    current.save(update_fields=["name", "slug"])
    caching.drop_site()
    # The new address belongs to this tag now; a redirect that claimed it would never be read.
    TagRedirect.objects.filter(old_slug=slug).delete()
    if old_slug != slug:
        _leave_redirect(old_slug=old_slug, old_name=old_name, tag=current)
    moderation_action_record(
        actor=moderator,
        action="tag.rename",
        target=current,
        target_repr=f"{old_name} → {name}",
        data={"old_name": old_name, "old_slug": old_slug, "name": name, "slug": slug},
    )
    return current


@transaction.atomic
def tag_merge(*, source: Tag, target: Tag, moderator: User) -> Tag:
    """Merge `source` into `target`: its practices and followers move to `target` (without
    duplicates), its old address and any redirects to it lead to `target`, and `source` is
    deleted. Returns the surviving tag. Merging a tag into itself is refused."""
    moderation_check(moderator)
    if source.pk == target.pk:
        raise ValidationError(
            {"target": _("A tag cannot be merged into itself. Choose another tag.")}, code="same"
        )
    locked = {
        t.pk: t for t in Tag.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
    }
    if len(locked) != 2:
        raise ValidationError(_("One of these tags no longer exists."), code="gone")
    source, target = locked[source.pk], locked[target.pk]

    both = TaggedPractice.objects.filter(tag=target).values("content_object_id")
    TaggedPractice.objects.filter(tag=source, content_object_id__in=both).delete()
    practices_moved = TaggedPractice.objects.filter(tag=source).update(tag=target)
    following = TagFollow.objects.filter(tag=target).values("user_id")
    TagFollow.objects.filter(tag=source, user_id__in=following).delete()
    followers_moved = TagFollow.objects.filter(tag=source).update(tag=target)
    TagRedirect.objects.filter(tag=source).update(tag=target)
    _leave_redirect(old_slug=source.slug, old_name=source.name, tag=target)

    data = {
        "source": {"id": source.pk, "name": source.name, "slug": source.slug},
        "target": {"id": target.pk, "name": target.name, "slug": target.slug},
        "practices_moved": practices_moved,
        "followers_moved": followers_moved,
    }
    source_name = source.name
    source.delete()
    caching.drop_site()
    moderation_action_record(
        actor=moderator,
        action="tag.merge",
        target=target,
        target_repr=f"{source_name} → {target.name}",
        data=data,
    )
    return target


@transaction.atomic
def tag_describe(*, tag: Tag, moderator: User, description: str) -> Tag:
    """Set the text shown on the tag's page (plain text, paragraphs kept). Empty removes it."""
    moderation_check(moderator)
    description = description.strip() if isinstance(description, str) else ""
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise ValidationError({"description": _description_too_long()}, code="max_length")
    current = Tag.objects.select_for_update().get(pk=tag.pk)
    if current.description == description:
        return current
    current.description = description
    current.save(update_fields=["description"])
    caching.drop(caching.tag_scope(current.slug))
    moderation_action_record(
        actor=moderator,
        action="tag.describe",
        target=current,
        data={"description": description[:500]},
    )
    return current


@transaction.atomic
def tag_set_official(*, tag: Tag, moderator: User, official: bool) -> Tag:
    """Mark a tag official (offered first when members type tags), or take that back.
    Setting what is already set writes nothing."""
    moderation_check(moderator)
    current = Tag.objects.select_for_update().get(pk=tag.pk)
    if current.is_official == official:
        return current
    current.is_official = official
    current.save(update_fields=["is_official"])
    caching.drop_site()
    moderation_action_record(
        actor=moderator, action="tag.official" if official else "tag.unofficial", target=current
    )
    return current
