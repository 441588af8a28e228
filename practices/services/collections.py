"""Collections: ordered, titled sets of practices with an introduction, kept by moderators.

Every change is audited (practices.services.moderation). Positions are 1, 2, 3… in the
order readers see; adding appends, moving swaps with the neighbour, removing closes the gap.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from practices.markdown import render_markdown
from practices.models import Collection, CollectionItem, Practice
from practices.services.moderation import moderation_action_record, moderation_check
from practices.slugs import free_slug

TITLE_MAX_LENGTH = 150
INTRODUCTION_MAX_LENGTH = 10_000
NOTE_MAX_LENGTH = 500
# Words that follow /collections/ or /moderation/collections/ in other routes.
RESERVED_SLUGS = frozenset({"new"})


def _clean(title: Any, introduction: Any) -> tuple[str, str]:
    title = " ".join(title.split()) if isinstance(title, str) else ""
    introduction = introduction.strip() if isinstance(introduction, str) else ""
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("A collection needs a title.")
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = _("Keep the title under %(max_length)s characters.") % {
            "max_length": TITLE_MAX_LENGTH
        }
    if len(introduction) > INTRODUCTION_MAX_LENGTH:
        errors["introduction"] = _("Keep the introduction under %(max_length)s characters.") % {
            "max_length": number_format(INTRODUCTION_MAX_LENGTH, force_grouping=True)
        }
    if errors:
        raise ValidationError(errors)
    return title, introduction


def _free_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:150].strip("-") or "collection"
    if base in RESERVED_SLUGS:
        base = f"{base}-collection"
    taken = Collection.objects.all()
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    return free_slug(base, taken=taken)


@transaction.atomic
def collection_create(
    *, moderator: User, title: str, introduction: str = "", is_public: bool = True
) -> Collection:
    moderation_check(moderator)
    title, introduction = _clean(title, introduction)
    collection = Collection.objects.create(
        title=title,
        slug=_free_slug(title),
        introduction=introduction,
        introduction_html=render_markdown(introduction),
        is_public=is_public,
        created_by=moderator,
    )
    moderation_action_record(
        actor=moderator,
        action="collection.create",
        target=collection,
        data={"public": is_public},
    )
    return collection


@transaction.atomic
def collection_update(
    *,
    collection: Collection,
    moderator: User,
    title: str,
    introduction: str,
    is_public: bool,
) -> Collection:
    """Change the title, introduction or visibility. The address (slug) stays, so that links
    to the collection keep working. Saving it unchanged writes nothing."""
    moderation_check(moderator)
    title, introduction = _clean(title, introduction)
    current = Collection.objects.select_for_update().get(pk=collection.pk)
    changed = [
        name
        for name, value in (("title", title), ("introduction", introduction))
        if getattr(current, name) != value
    ]
    if current.is_public != is_public:
        changed.append("is_public")
    if not changed:
        return current
    current.title = title
    current.introduction = introduction
    current.introduction_html = render_markdown(introduction)
    current.is_public = is_public
    current.save(update_fields=["title", "introduction", "introduction_html", "is_public"])
    moderation_action_record(
        actor=moderator,
        action="collection.update",
        target=current,
        data={"changed": changed, "public": is_public},
    )
    return current


@transaction.atomic
def collection_add_practice(
    *, collection: Collection, moderator: User, practice: Practice, note: str = ""
) -> CollectionItem:
    """Append a published practice to the end of the collection."""
    moderation_check(moderator)
    note = " ".join(note.split()) if isinstance(note, str) else ""
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {
                "note": _("Keep the note under %(max_length)s characters.")
                % {"max_length": NOTE_MAX_LENGTH}
            }
        )
    current = Collection.objects.select_for_update().get(pk=collection.pk)
    if not practice.is_visible:
        raise ValidationError(
            {"practice": _("Only a published, visible practice can join a collection.")}
        )
    if current.items.filter(practice_id=practice.pk).exists():
        raise ValidationError(
            {
                "practice": _("“%(title)s” is already in this collection.")
                % {"title": practice.title}
            }
        )
    last = current.items.aggregate(n=Max("position"))["n"] or 0
    item = CollectionItem.objects.create(
        collection=current, practice=practice, position=last + 1, note=note
    )
    moderation_action_record(
        actor=moderator,
        action="collection.add",
        target=current,
        data={"practice": practice.pk, "title": practice.title, "position": item.position},
    )
    return item


def _renumber(collection: Collection) -> list[CollectionItem]:
    items = list(collection.items.select_for_update().order_by("position", "id"))
    changed = []
    for number, item in enumerate(items, start=1):
        if item.position != number:
            item.position = number
            changed.append(item)
    if changed:
        CollectionItem.objects.bulk_update(changed, ["position"])
    return items


@transaction.atomic
def collection_remove_practice(
    *, collection: Collection, moderator: User, practice: Practice
) -> Collection:
    """Take a practice out of the collection (the practice itself is untouched)."""
    moderation_check(moderator)
    current = Collection.objects.select_for_update().get(pk=collection.pk)
    item = current.items.filter(practice_id=practice.pk).first()
    if item is None:
        raise ValidationError(
            _("“%(title)s” is not in this collection.") % {"title": practice.title}
        )
    # A collection item is the moderators' arrangement, not a member's writing.
    item.delete()
    _renumber(current)
    moderation_action_record(
        actor=moderator,
        action="collection.remove",
        target=current,
        data={"practice": practice.pk, "title": practice.title},
    )
    return current


@transaction.atomic
def collection_move_practice(
    *, collection: Collection, moderator: User, practice: Practice, direction: str
) -> Collection:
    """Move a practice one place up or down. At either end, nothing moves."""
    moderation_check(moderator)
    if direction not in ("up", "down"):
        raise ValidationError(_("Move a practice up or down."))
    current = Collection.objects.select_for_update().get(pk=collection.pk)
    items = _renumber(current)
    index = next((i for i, item in enumerate(items) if item.practice_id == practice.pk), None)
    if index is None:
        raise ValidationError(
            _("“%(title)s” is not in this collection.") % {"title": practice.title}
        )
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return current
    a, b = items[index], items[other]
    a.position, b.position = b.position, a.position
    CollectionItem.objects.bulk_update([a, b], ["position"])
    moderation_action_record(
        actor=moderator,
        action="collection.move",
        target=current,
        data={"practice": practice.pk, "title": practice.title, "position": a.position},
    )
    return current
