"""Transfer: what happens after a practice is read. Adaptations of it elsewhere, practices
like it (precomputed), and the yearly check-ins that keep its stage honest."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from practices.models.practices import OrganisationType, Practice, Stage


class AdaptationQuerySet(models.QuerySet):
    def visible(self) -> "AdaptationQuerySet":
        """Shown to everyone: not hidden, on an original anyone may read."""
        return self.filter(
            hidden_at__isnull=True,
            original__status="published",
            original__published_at__isnull=False,
            original__hidden_at__isnull=True,
        )


class Adaptation(models.Model):
    """A member's record that they took a practice home: where, who, what they changed and
    what came of it. Optionally their own full write-up (`own_practice`)."""

    original = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="adaptations")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="adaptations"
    )
    city = models.CharField(max_length=100)
    country = CountryField()
    organisation = models.CharField(max_length=150)
    organisation_type = models.CharField(max_length=20, choices=OrganisationType.choices)
    changes = models.TextField(_("what you changed and why"))
    outcome = models.TextField(_("what came of it"), blank=True)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.PILOT)
    own_practice = models.ForeignKey(
        Practice,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adapted_from",
    )
    # Markdown of `changes` and `outcome`, rendered and sanitised by the saving service.
    rendered = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=500, blank=True)

    objects = AdaptationQuerySet.as_manager()

    class Meta:
        ordering = ["original", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["original", "-created_at"], name="adaptation_original"),
            models.Index(fields=["author", "-created_at"], name="adaptation_author"),
            models.Index(fields=["country"], name="adaptation_country"),
        ]

    def __str__(self) -> str:
        return f"adaptation of {self.original_id} in {self.city}"


class PracticeSimilarity(models.Model):
    """One of a practice's closest practices, by rank (1 is closest). Written only by
    practices.services.transfer.similar_refresh; pages read it, they never compute it."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="similar_rows")
    similar = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["practice", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "rank"], name="unique_similarity_rank"),
            models.UniqueConstraint(fields=["practice", "similar"], name="unique_similarity_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.practice_id} ~ {self.similar_id} #{self.rank}"


class CheckInAnswer(models.TextChoices):
    STILL_RUNNING = "still_running", _("Still running")
    MAINSTREAMED = "mainstreamed", _("Mainstreamed into regular services")
    CHANGED = "changed", _("Changed")
    ENDED = "ended", _("Ended")


class CheckIn(models.Model):
    """The author's yearly word on whether a practice still runs. One per practice and
    period: `due_on` is twelve months after publication or after the last answer."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="checkins")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    due_on = models.DateField()
    asked_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=20, choices=CheckInAnswer.choices, blank=True)
    note = models.CharField(_("what changed"), max_length=500, blank=True)

    class Meta:
        ordering = ["practice", "-due_on"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "due_on"], name="unique_checkin_period")
        ]
        indexes = [
            models.Index(
                fields=["practice", "asked_at"],
                name="checkin_unanswered",
                condition=Q(answered_at__isnull=True),
            ),
            models.Index(fields=["practice", "-answered_at"], name="checkin_answered"),
        ]

    def __str__(self) -> str:
        return f"check-in of {self.practice_id} due {self.due_on}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
