from django.conf import global_settings, settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy
from django_countries.fields import CountryField
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase


class Area(models.TextChoices):
    EDUCATION = "education", gettext_lazy("Education")
    LANGUAGE = "language", gettext_lazy("Language")
    EMPLOYMENT = "employment", gettext_lazy("Employment")
    PARTICIPATION = "participation", gettext_lazy("Civil society and participation")
    HOUSING = "housing", gettext_lazy("Housing and segregation")
    HEALTH = "health", gettext_lazy("Health")
    OTHER = "other", gettext_lazy("Other")


class OrganisationType(models.TextChoices):
    SCHOOL = "school", gettext_lazy("School")
    CITY = "city", gettext_lazy("City administration")
    NGO = "ngo", gettext_lazy("NGO")
    MIGRANT_ORG = "migrant_org", gettext_lazy("Migrant organisation")
    OTHER = "other", gettext_lazy("Other")


class Stage(models.TextChoices):
    IDEA = "idea", gettext_lazy("Idea")
    PILOT = "pilot", gettext_lazy("Pilot")
    RUNNING = "running", gettext_lazy("Running")
    EVALUATED = "evaluated", gettext_lazy("Evaluated")
    ENDED = "ended", gettext_lazy("Ended")


class Status(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    # Published by its author but waiting for a moderator's approval (a new member's first).
    PENDING = "pending", gettext_lazy("Waiting for approval")
    PUBLISHED = "published", gettext_lazy("Published")


class TargetGroup(models.Model):
    """Who a practice is for. A fixed list, seeded by a data migration."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (the names are in the catalogs; see
        practices.services.target_groups)."""
        return gettext(self.name)


class Tag(TagBase):
    """A free tag; names are normalised by practices.tags.normalise_tag."""

    description = models.TextField(blank=True)
    is_official = models.BooleanField(default=False)

    class Meta:
        verbose_name = gettext_lazy("tag")
        verbose_name_plural = gettext_lazy("tags")

    def get_absolute_url(self) -> str:
        return reverse("practices:tag", kwargs={"slug": self.slug})

    def slugify(self, tag: str, i: int | None = None) -> str:
        slug = slugify(tag)[:90] or "tag"
        if i is not None:
            slug += f"-{i}"
        return slug


class TaggedPractice(ItemBase):
    tag = models.ForeignKey(Tag, related_name="tagged_practices", on_delete=models.CASCADE)
    content_object = models.ForeignKey(
        "Practice", related_name="tagged_items", on_delete=models.CASCADE
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_practice_tag")
        ]


class PracticeQuerySet(models.QuerySet):
    def published(self) -> "PracticeQuerySet":
        return self.filter(status=Status.PUBLISHED, published_at__isnull=False)

    def visible(self) -> "PracticeQuerySet":
        """What anyone may read: published and not hidden by a moderator."""
        return self.published().filter(hidden_at__isnull=True)

    def for_user(self, user) -> "PracticeQuerySet":
        """What this viewer may read: the visible ones, their own, and everything for moderators."""
        if user is not None and user.is_authenticated:
            if user.is_moderator:
                return self.all()
            return self.filter(
                Q(status=Status.PUBLISHED, published_at__isnull=False, hidden_at__isnull=True)
                | Q(author=user)
            )
        return self.visible()


# The languages a practice can be written in: the European Union's official languages and
# those of Europe's neighbours most spoken by the people it serves. The names are Django's,
# so its own catalogs translate them.
PRACTICE_LANGUAGE_CODES = ["ar", "bg", "bs", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "is", "it", "lt", "lv", "mk", "nb", "nl", "pl", "pt", "ro", "ru", "sk", "sl", "sq", "sr", "sv", "tr", "uk"]
PRACTICE_LANGUAGES = sorted(
    ((code, gettext_lazy(name)) for code, name in global_settings.LANGUAGES
     if code in PRACTICE_LANGUAGE_CODES),
    key=lambda choice: str(choice[1]),
)


class Practice(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="practices"
    )
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, allow_unicode=False)
    summary = models.TextField(max_length=1000)
    challenge = models.TextField(gettext_lazy("the challenge it answers"), blank=True)
    description = models.TextField(gettext_lazy("what was done"))
    results = models.TextField(gettext_lazy("results and evidence"), blank=True)
    resources = models.TextField(gettext_lazy("resources and funding"), blank=True)
    difficulties = models.TextField(gettext_lazy("difficulties met"), blank=True)
    transfer_tips = models.TextField(gettext_lazy("tips for transfer"), blank=True)
    # Markdown fields rendered and sanitised once, by the service that saves the practice.
    rendered = models.JSONField(default=dict, blank=True)

    country = CountryField()
    city = models.CharField(max_length=100)
    organisation = models.CharField(max_length=150)
    organisation_type = models.CharField(max_length=20, choices=OrganisationType.choices)
    target_groups = models.ManyToManyField(TargetGroup, related_name="practices", blank=True)
    area = models.CharField(max_length=20, choices=Area.choices)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    still_running = models.BooleanField(default=False)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.RUNNING)
    language = models.CharField(
        gettext_lazy("written in"),
        max_length=8,
        choices=PRACTICE_LANGUAGES,
        default="en",
        db_default="en",
        db_index=True,
    )
    links = models.JSONField(default=list, blank=True)
    image = models.ImageField(upload_to="practices/%Y/%m/", blank=True)

    tags = TaggableManager(through=TaggedPractice, blank=True)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    featured_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by comments; "recently active" sorts on it.
    last_activity_at = models.DateTimeField(null=True, blank=True)
    comment_count = models.PositiveIntegerField(default=0)
    # The thread's last sequence number; comments take the next one under a row lock.
    comment_seq = models.PositiveIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    # Visible adaptations of this practice; kept by practices.services.transfer.
    adaptation_count = models.PositiveIntegerField(default=0, db_default=0)
    # Weighted tsvector on PostgreSQL (title A, summary B, the rest C); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(
                fields=["status", "hidden_at", "-published_at", "-id"], name="practice_newest"
            ),
            # The newest visible practices, in order: lists and the home page read the first
            # rows of this and stop. PostgreSQL does not take `hidden_at IS NULL` as fixing
            # that column, so practice_newest cannot give this order; a partial index can.
            models.Index(
                fields=["-published_at", "-id"],
                name="practice_visible_newest",
                condition=Q(status="published", published_at__isnull=False, hidden_at__isnull=True),
            ),
            models.Index(
                fields=["-featured_at", "-id"],
                name="practice_featured",
                condition=Q(featured_at__isnull=False),
            ),
            models.Index(fields=["-last_activity_at", "-id"], name="practice_active"),
            models.Index(fields=["-comment_count", "-id"], name="practice_discussed"),
            models.Index(fields=["-adaptation_count", "-id"], name="practice_adapted"),
            models.Index(fields=["country"], name="practice_country"),
            models.Index(fields=["area"], name="practice_area"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("practices:detail", kwargs={"pk": self.pk, "slug": self.slug or "-"})

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED and self.published_at is not None

    @property
    def is_visible(self) -> bool:
        return self.is_published and self.hidden_at is None


class PracticeRevision(models.Model):
    """A snapshot of a practice as it was saved; nothing a member wrote is lost by an edit."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    data = models.JSONField()

    class Meta:
        ordering = ["practice", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "number"], name="unique_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.practice_id} r{self.number}"
