from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    NEW_PRACTICE = "new_practice", _("New practice under a tag you follow")
    NEW_COMMENT = "new_comment", _("New comment on a practice you follow")
    REPLY = "reply", _("Reply to your comment")
    MENTION = "mention", _("Mention")
    PRACTICE_VALIDATED = "practice_validated", _("Your practice was validated")
    PRACTICE_FEATURED = "practice_featured", _("Your practice was featured")
    PRACTICE_APPROVED = "practice_approved", _("Your practice was approved")
    REPORT_RESOLVED = "report_resolved", _("Your report was handled")
    MODERATION = "moderation", _("A moderator acted on something of yours")
    ADAPTATION = "adaptation", _("Someone adapted a practice you follow")
    CHECKIN = "checkin", _("Is your practice still running?")


class Notification(models.Model):
    """One notice to one member about one event. `dedupe_key` names the event, so that a
    member who matches several rules for it still gets a single notification."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    practice = models.ForeignKey(
        "practices.Practice", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        "practices.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    dedupe_key = models.CharField(max_length=100)
    # A short, plain-text line for kinds that need one (a moderator's reason, say).
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="unique_notification_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class DigestDelivery(models.Model):
    """A digest sent (or found empty) for one member and one period: never twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    frequency = models.CharField(max_length=10)
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    items = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "frequency", "period_start"], name="unique_digest_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.frequency} digest for {self.user_id} from {self.period_start:%Y-%m-%d}"
