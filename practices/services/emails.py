"""E-mail about what members follow: one e-mail per notification for members who asked for
"right away", daily and weekly digests for the others, and the one-click unsubscribe.

Nothing here runs while a member posts: `manage.py send_notification_emails` (every minute)
and `manage.py send_digests` (every day) send from cron, through Django's e-mail backend.
Every e-mail carries a signed unsubscribe link that works without logging in, and the
List-Unsubscribe and List-Unsubscribe-Post headers (RFC 2369, RFC 8058).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import EmailFrequency, User
from accounts.services import user_set_email_frequency
from practices.models import DigestDelivery, Notification
from practices.selectors import notifications as notification_selectors

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "practices.emails.unsubscribe"
UNSUBSCRIBE_PURPOSE = "unsubscribe"
EMAIL_BATCH = 200


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


# --- Unsubscribe --------------------------------------------------------------------------


class UnsubscribeError(Exception):
    """A link that cannot unsubscribe anyone. `code` is "invalid" or "expired"."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def unsubscribe_token(*, user: User) -> str:
    """A signed token naming the member and what it is for; it expires after
    UNSUBSCRIBE_LINK_MAX_AGE_DAYS."""
    return signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign_object(
        {"u": user.pk, "p": UNSUBSCRIBE_PURPOSE}
    )


def unsubscribe_url(*, user: User) -> str:
    return absolute_url(
        reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(user=user)})
    )


def unsubscribe_member(*, token: str) -> User:
    """The member a token was made for; UnsubscribeError if it was changed, is too old,
    is for something else, or names nobody. Reads only."""
    signer = signing.TimestampSigner(salt=UNSUBSCRIBE_SALT)
    max_age = timedelta(days=settings.UNSUBSCRIBE_LINK_MAX_AGE_DAYS)
    try:
        data = signer.unsign_object(token or "", max_age=max_age)
    except signing.SignatureExpired:
        raise UnsubscribeError("expired", _("This unsubscribe link is too old to use.")) from None
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise UnsubscribeError("invalid", _("This unsubscribe link is not valid.")) from None
    if not isinstance(data, dict) or data.get("p") != UNSUBSCRIBE_PURPOSE:
        raise UnsubscribeError("invalid", _("This unsubscribe link is not valid."))
    user_id = data.get("u")
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        raise UnsubscribeError("invalid", _("This unsubscribe link is not valid."))
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise UnsubscribeError("invalid", _("This unsubscribe link is not valid."))
    return user


@transaction.atomic
def email_unsubscribe(*, token: str) -> User:
    """Stop every e-mail about follows to the member named by the token (their preference
    becomes "no e-mail"). Changes nothing, and raises UnsubscribeError, for a bad token."""
    user = unsubscribe_member(token=token)
    return user_set_email_frequency(user=user, frequency=EmailFrequency.NONE)


def _headers(user: User) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user=user)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }


def _message(
    *, user: User, subject: str, template: str, context: dict[str, Any]
) -> EmailMultiAlternatives:
    context = {
        **context,
        "member": user,
        "SITE_NAME": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe_url(user=user),
        "settings_url": absolute_url(reverse("notifications:email_settings")),
    }
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(f"[{settings.SITE_NAME}] {subject}".split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers=_headers(user),
    )
    message.attach_alternative(html, "text/html")
    return message


# --- One e-mail per notification ("right away") -----------------------------------------------


def notification_email(*, notification: Notification) -> EmailMultiAlternatives:
    """The e-mail for one notification; needs its recipient, actor, practice and comment
    loaded."""
    user = notification.recipient
    with translation.override(user.preferred_language):
        (item,) = notification_selectors.notifications_decorated(
            user=user, notifications=[notification]
        )
        item.target_absolute_url = absolute_url(item.target_url) if item.target_url else ""
        subject = render_to_string(
            "notifications/email/notification_subject.txt", {"notification": item}
        )
        return _message(
            user=user,
            subject=subject,
            template="notification",
            context={
                "notification": item,
                "notifications_url": absolute_url(reverse("notifications:inbox")),
            },
        )


def _claim_notification_emails(*, now: datetime, limit: int) -> list[int]:
    """Mark up to `limit` notifications due for an e-mail as e-mailed, and return them.
    Rows another run is claiming at the same time are skipped (PostgreSQL), or wait for
    it (SQLite takes the write lock at the start), so no notification is e-mailed twice."""
    since = now - timedelta(hours=settings.NOTIFICATION_EMAIL_MAX_AGE_HOURS)
    due = Notification.objects.filter(
        emailed_at__isnull=True,
        read_at__isnull=True,
        created_at__gte=since,
        recipient__email_frequency=EmailFrequency.IMMEDIATE,
        recipient__is_active=True,
        recipient__email_verified=True,
    ).order_by("created_at", "id")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True, of=("self",))
    ids = list(due.values_list("pk", flat=True)[:limit])
    if ids:
        Notification.objects.filter(pk__in=ids).update(emailed_at=now)
    return ids


def _release_notification_emails(ids: list[int]) -> None:
    """E-mails that could not be sent: the next run tries again (within the age limit)."""
    Notification.objects.filter(pk__in=ids).update(emailed_at=None)


def notification_emails_send(*, now: datetime | None = None, batch: int = EMAIL_BATCH) -> int:
    """E-mail every notification due to a member who wants e-mail right away: unread, not
    e-mailed yet, at most NOTIFICATION_EMAIL_MAX_AGE_HOURS old. Idempotent: each
    notification is claimed (emailed_at) before its e-mail goes out. Returns how many were
    sent."""
    now = now or timezone.now()
    sent = 0
    while True:
        with transaction.atomic():
            ids = _claim_notification_emails(now=now, limit=batch)
        if not ids:
            return sent
        items = list(
            notification_selectors.notifications_with_targets(
                Notification.objects.filter(pk__in=ids).select_related("recipient")
            ).order_by("created_at", "id")
        )
        failed: list[int] = []
        with get_connection(fail_silently=False) as mail:
            for item in items:
                try:
                    mail.send_messages([notification_email(notification=item)])
                    sent += 1
                except Exception:
                    logger.exception("e-mail for notification %s not sent", item.pk)
                    failed.append(item.pk)
        if failed:
            _release_notification_emails(failed)
            # Try those again on the next run, not in this one.
            return sent
        if len(ids) < batch:
            return sent


# --- Digests ------------------------------------------------------------------------------

DIGEST_FREQUENCIES = (EmailFrequency.DAILY, EmailFrequency.WEEKLY)


def digest_period(*, frequency: str, now: datetime) -> tuple[datetime, datetime]:
    """The last whole period before `now`, in the site's time zone: for daily, yesterday
    (midnight to midnight); for weekly, the last ISO week (Monday to Monday)."""
    local = timezone.localtime(now)
    today = local.date()
    if frequency == EmailFrequency.DAILY:
        start_day, end_day = today - timedelta(days=1), today
    elif frequency == EmailFrequency.WEEKLY:
        this_monday = today - timedelta(days=today.weekday())
        start_day, end_day = this_monday - timedelta(days=7), this_monday
    else:
        raise ValueError(f"no digest for {frequency!r}")
    zone = timezone.get_current_timezone()
    start = datetime.combine(start_day, time.min, tzinfo=zone)
    end = datetime.combine(end_day, time.min, tzinfo=zone)
    return start, end


def digest_claim(
    *, user: User, frequency: str, period_start: datetime, period_end: datetime
) -> DigestDelivery | None:
    """Record that this member's digest for this period is being made, before anything is
    sent. None if it was recorded before (by this run, an earlier one or one running at
    the same time): the unique constraint is what makes a period go out once."""
    try:
        with transaction.atomic():
            return DigestDelivery.objects.create(
                user=user, frequency=frequency, period_start=period_start, period_end=period_end
            )
    except IntegrityError:
        return None


@transaction.atomic
def digest_record_sent(*, delivery: DigestDelivery, items: int, sent: bool) -> DigestDelivery:
    delivery.items = items
    delivery.sent_at = timezone.now() if sent else None
    delivery.save(update_fields=["items", "sent_at"])
    return delivery


@transaction.atomic
def digest_release(*, delivery: DigestDelivery) -> None:
    """A digest that could not be sent: forget the claim so that the next run tries again."""
    DigestDelivery.objects.filter(pk=delivery.pk).delete()


def digest_email(*, user: User, digest: Any) -> EmailMultiAlternatives:
    with translation.override(user.preferred_language):
        subject = render_to_string("notifications/email/digest_subject.txt", {"digest": digest})
        return _message(
            user=user,
            subject=subject,
            template="digest",
            context={
                "digest": digest,
                "feed_url": absolute_url(reverse("notifications:feed")),
                "notifications_url": absolute_url(reverse("notifications:inbox")),
            },
        )


@dataclass
class DigestRun:
    sent: int = 0
    empty: int = 0
    already: int = 0
    failed: int = 0
    by_frequency: dict[str, int] = field(default_factory=dict)


def digest_send(
    *, user: User, frequency: str, now: datetime, mail: Any = None
) -> tuple[str, DigestDelivery | None]:
    """Make and send one member's digest for the last whole period. Returns what happened
    ("sent", "empty", "already" or "failed") and the delivery record."""
    start, end = digest_period(frequency=frequency, now=now)
    delivery = digest_claim(user=user, frequency=frequency, period_start=start, period_end=end)
    if delivery is None:
        return "already", None
    digest = notification_selectors.digest_contents(
        user=user, frequency=frequency, start=start, end=end
    )
    if digest.is_empty:
        return "empty", digest_record_sent(delivery=delivery, items=0, sent=False)
    try:
        message = digest_email(user=user, digest=digest)
        if mail is not None:
            mail.send_messages([message])
        else:
            message.send()
    except Exception:
        logger.exception("%s digest for member %s not sent", frequency, user.pk)
        digest_release(delivery=delivery)
        return "failed", None
    return "sent", digest_record_sent(delivery=delivery, items=digest.total, sent=True)


def digests_send(*, frequencies: tuple[str, ...] = DIGEST_FREQUENCIES, now=None) -> DigestRun:
    """Send the digest of the last whole period to every member who wants one and has a
    verified address. Running it again for the same period sends nothing."""
    now = now or timezone.now()
    run = DigestRun()
    members = User.objects.filter(
        email_frequency__in=frequencies, is_active=True, email_verified=True
    ).order_by("pk")
    with get_connection(fail_silently=False) as mail:
        for user in members.iterator(chunk_size=500):
            outcome, _delivery = digest_send(
                user=user, frequency=user.email_frequency, now=now, mail=mail
            )
            if outcome == "sent":
                run.sent += 1
                run.by_frequency[user.email_frequency] = (
                    run.by_frequency.get(user.email_frequency, 0) + 1
                )
            elif outcome == "empty":
                run.empty += 1
            elif outcome == "already":
                run.already += 1
            else:
                run.failed += 1
    return run
