"""Writes to practices: create, update, publish. Every save keeps a revision."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from practices import caching
from practices.markdown import render_markdown
from practices.models import Practice, PracticeRevision, Status, TargetGroup
from practices.services import notifications
from practices.tags import parse_tags, validate_tags


def similar_refresh_on_commit(*, practice_id: int) -> None:
    # Imported late: practices.services.transfer imports the moderation services.
    from practices.services.transfer import similar_refresh_on_commit as refresh

    refresh(practice_id=practice_id)


MARKDOWN_FIELDS = (
    "challenge",
    "description",
    "results",
    "resources",
    "difficulties",
    "transfer_tips",
)
TEXT_FIELDS = ("title", "summary", *MARKDOWN_FIELDS, "city", "organisation")
PLAIN_FIELDS = (
    "country",
    "organisation_type",
    "area",
    "started_on",
    "ended_on",
    "still_running",
    "stage",
    "language",
    "links",
)
EDITABLE_FIELDS = (*TEXT_FIELDS, *PLAIN_FIELDS)
# Words that follow /practices/<id>/ in other routes; a slug must never shadow them.
RESERVED_SLUGS = frozenset({"adapt", "comments", "edit", "publish", "revisions"})


def practice_slug(title: str) -> str:
    slug = slugify(title)[:140] or "practice"
    return f"{slug}-practice" if slug in RESERVED_SLUGS else slug


def _check_may_post(user: User) -> None:
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Log in to share a practice."))
    if not user.email_verified:
        raise PermissionDenied(_("Verify your e-mail address before posting."))
    if user.is_suspended:
        raise PermissionDenied(_("Your account is suspended."))


def practice_may_edit(*, practice: Practice, user: User) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (practice.author_id == user.pk or user.is_moderator)
    )


def _apply(practice: Practice, data: dict[str, Any]) -> None:
    for field in EDITABLE_FIELDS:
        if field in data:
            value = data[field]
            if field in TEXT_FIELDS and isinstance(value, str):
                value = value.strip()
            setattr(practice, field, value)
    if practice.still_running:
        practice.ended_on = None
    practice.slug = practice_slug(practice.title)
    practice.rendered = {
        field: render_markdown(getattr(practice, field)) for field in MARKDOWN_FIELDS
    }


def _snapshot(practice: Practice, tags: list[str], target_groups: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in EDITABLE_FIELDS:
        value = getattr(practice, field)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif field == "country":
            value = str(value)
        data[field] = value
    data["tags"] = tags
    data["target_groups"] = target_groups
    data["image"] = practice.image.name if practice.image else ""
    data["status"] = practice.status
    return data


def _record_revision(
    *, practice: Practice, editor: User, tags: list[str], groups: list[str]
) -> None:
    last = practice.revisions.aggregate(n=Max("number"))["n"] or 0
    PracticeRevision.objects.create(
        practice=practice, number=last + 1, editor=editor, data=_snapshot(practice, tags, groups)
    )


def practice_update_search_vector(*, practice_id: int) -> None:
    """Recompute the stored, weighted search vector (PostgreSQL only; SQLite searches plainly)."""
    if connection.vendor != "postgresql":
        return
    from django.contrib.postgres.search import SearchVector

    vector = (
        SearchVector("title", weight="A", config="simple")
        + SearchVector("summary", weight="B", config="simple")
        + SearchVector(
            "challenge",
            "description",
            "results",
            "transfer_tips",
            "organisation",
            "city",
            weight="C",
            config="simple",
        )
    )
    Practice.objects.filter(pk=practice_id).update(search_vector=vector)


def _save(
    *,
    practice: Practice,
    editor: User,
    data: dict[str, Any],
    tags: list[str] | str | None,
    target_groups: list[TargetGroup] | None,
    image: Any,
    clear_image: bool,
) -> Practice:
    old_tags = set(practice.tags.values_list("slug", flat=True)) if practice.pk else set()
    _apply(practice, data)
    if clear_image:
        practice.image = ""
    elif image is not None:
        practice.image = image
    practice.full_clean(exclude=["image", "slug", "search_vector", "author"])
    practice.save()
    if tags is not None:
        names = validate_tags(parse_tags(tags))
        practice.tags.set(names)
    else:
        names = sorted(practice.tags.names())
    if target_groups is not None:
        practice.target_groups.set(target_groups)
    groups = sorted(practice.target_groups.values_list("slug", flat=True))
    _record_revision(practice=practice, editor=editor, tags=names, groups=groups)
    practice_update_search_vector(practice_id=practice.pk)
    if practice.is_visible:
        similar_refresh_on_commit(practice_id=practice.pk)
    caching.drop_practice(practice.pk, tag_slugs=old_tags)
    return practice


@transaction.atomic
def practice_create(
    *,
    author: User,
    data: dict[str, Any],
    tags: list[str] | str = (),
    target_groups: list[TargetGroup] | None = None,
    image: Any = None,
    publish: bool = False,
) -> Practice:
    """Create a practice as a draft (or published at once with publish=True)."""
    _check_may_post(author)
    practice = Practice(author=author, status=Status.DRAFT)
    _save(
        practice=practice,
        editor=author,
        data=data,
        tags=list(tags) if not isinstance(tags, str) else tags,
        target_groups=target_groups or [],
        image=image,
        clear_image=False,
    )
    if publish:
        practice_publish(practice=practice, user=author)
    return practice


@transaction.atomic
def practice_update(
    *,
    practice: Practice,
    editor: User,
    data: dict[str, Any],
    tags: list[str] | str | None = None,
    target_groups: list[TargetGroup] | None = None,
    image: Any = None,
    clear_image: bool = False,
) -> Practice:
    """Save an edit by the author or a moderator; the previous text stays in the revisions."""
    if not practice_may_edit(practice=practice, user=editor):
        raise PermissionDenied(_("Only the author or a moderator may edit this practice."))
    if editor.pk == practice.author_id:
        _check_may_post(editor)
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    return _save(
        practice=practice,
        editor=editor,
        data=data,
        tags=tags,
        target_groups=target_groups,
        image=image,
        clear_image=clear_image,
    )


def practice_needs_approval(*, practice: Practice, user: User) -> bool:
    """A new member's first practice waits for a moderator (settings.PRACTICE_APPROVAL_FIRST).
    Moderators, and members with an earlier practice that is published and not hidden,
    publish directly."""
    if not settings.PRACTICE_APPROVAL_FIRST or user.is_moderator:
        return False
    trusted = Practice.objects.visible().filter(author_id=user.pk).exclude(pk=practice.pk)
    return not trusted.exists()


@transaction.atomic
def practice_publish(*, practice: Practice, user: User) -> Practice:
    """The author publishes a draft, or, for a new member's first practice, sends it to the
    moderators' approval queue (status pending; practices.services.moderation.practice_approve
    publishes it). Publishing twice, or while waiting, changes nothing."""
    if practice.author_id != user.pk:
        raise PermissionDenied(_("Only the author may publish this practice."))
    _check_may_post(user)
    if practice.is_published or practice.status == Status.PENDING:
        return practice
    if not practice.title or not practice.description:
        raise ValidationError(
            _("A practice needs a title and a description before it is published."),
            code="incomplete",
        )
    if practice_needs_approval(practice=practice, user=user):
        practice.status = Status.PENDING
        practice.save(update_fields=["status", "updated_at"])
        return practice
    now = timezone.now()
    practice.status = Status.PUBLISHED
    practice.published_at = now
    practice.last_activity_at = now
    practice.save(update_fields=["status", "published_at", "last_activity_at", "updated_at"])
    notifications.practice_published_fanout(practice=practice)
    similar_refresh_on_commit(practice_id=practice.pk)
    caching.drop_practice(practice.pk)
    return practice
