from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam")
    ABUSE = "abuse", _("Abuse or harassment")
    OFF_TOPIC = "off_topic", _("Off-topic")
    PERSONAL_DATA = "personal_data", _("Personal data")
    OTHER = "other", _("Other")


class ReportResolution(models.TextChoices):
    DISMISSED = "dismissed", _("Dismissed")
    HIDDEN = "hidden", _("Hidden")
    EDITED = "edited", _("Edited")


class Report(models.Model):
    """A member's report of a practice, a comment or an adaptation. One report per member and
    item."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports"
    )
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.CASCADE, related_name="reports"
    )
    # Set when the report is about a comment (practice is then the comment's practice).
    comment = models.ForeignKey(
        "practices.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    # Set when the report is about an adaptation (practice is then the adapted original).
    adaptation = models.ForeignKey(
        "practices.Adaptation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
    )
    reason = models.CharField(max_length=20, choices=ReportReason.choices)
    note = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolution = models.CharField(max_length=20, choices=ReportResolution.choices, blank=True)
    resolution_reason = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "practice"],
                condition=Q(comment__isnull=True, adaptation__isnull=True),
                name="unique_practice_report",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=Q(comment__isnull=False),
                name="unique_comment_report",
            ),
            models.UniqueConstraint(
                fields=["reporter", "adaptation"],
                condition=Q(adaptation__isnull=False),
                name="unique_adaptation_report",
            ),
            models.CheckConstraint(
                condition=Q(comment__isnull=True) | Q(adaptation__isnull=True),
                name="report_one_item",
            ),
        ]
        indexes = [models.Index(fields=["resolved_at", "created_at"], name="report_queue")]

    def __str__(self) -> str:
        if self.comment_id:
            target = f"comment {self.comment_id}"
        elif self.adaptation_id:
            target = f"adaptation {self.adaptation_id}"
        else:
            target = f"practice {self.practice_id}"
        return f"report of {target} by {self.reporter_id}"


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an entry of the moderation log."""


class ModerationActionQuerySet(models.QuerySet):
    """The log's queries: reading and adding only. Bulk changes and removals refuse."""

    def update(self, **kwargs):
        raise AppendOnlyError("The moderation log is append-only: entries are never changed.")

    def delete(self):
        raise AppendOnlyError("The moderation log is append-only: entries are never removed.")


class ModerationAction(models.Model):
    """The audit log: who did what to which object, when and why. Append-only: the
    application creates entries through practices.services.moderation and never edits or
    deletes one; the model and its queryset refuse to."""

    # Empty for actions taken on the command line (manage.py moderator), where no member acts.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="moderation_actions",
    )
    action = models.CharField(max_length=40)
    target_type = models.CharField(max_length=20)
    target_id = models.PositiveBigIntegerField()
    target_repr = models.CharField(max_length=200)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ModerationActionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="moderation_target")]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type} {self.target_id} by {self.actor_id}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("The moderation log is append-only: entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The moderation log is append-only: entries are never removed.")


class Collection(models.Model):
    """An ordered, titled set of practices with an introduction, curated by moderators."""

    title = models.CharField(max_length=150)
    slug = models.SlugField(max_length=160, unique=True)
    introduction = models.TextField(blank=True)
    introduction_html = models.TextField(blank=True)
    is_public = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("moderation:collection", kwargs={"slug": self.slug})


class CollectionItem(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.CASCADE, related_name="collection_items"
    )
    position = models.PositiveIntegerField(default=0)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["collection", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "practice"], name="unique_collection_practice"
            )
        ]

    def __str__(self) -> str:
        return f"{self.collection_id}#{self.position}: {self.practice_id}"


class TagRedirect(models.Model):
    """A tag merged into another, or renamed: its old slug keeps leading somewhere."""

    old_slug = models.SlugField(max_length=100, unique=True)
    old_name = models.CharField(max_length=100)
    tag = models.ForeignKey("practices.Tag", on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.old_slug} -> {self.tag_id}"
