from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Role(models.TextChoices):
    TEACHER = "teacher", _("Teacher or school staff")
    CITY = "city", _("City official")
    NGO = "ngo", _("NGO or migrant organisation")
    RESEARCHER = "researcher", _("Researcher")
    OTHER = "other", _("Other")


class EmailFrequency(models.TextChoices):
    NONE = "none", _("No e-mail")
    IMMEDIATE = "immediate", _("Right away")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        if not extra.get("handle"):
            from accounts.services import handle_for

            extra["handle"] = handle_for(extra.get("display_name") or email.split("@")[0])
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A member. Logs in by e-mail; the profile lives on the same row (one query a page)."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(max_length=80)
    # The @name others mention; unique, made from the display name by accounts.services.
    handle = models.SlugField(max_length=40, unique=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.OTHER)
    organisation = models.CharField(max_length=150, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = CountryField(blank=True)
    bio = models.TextField(_("about me"), max_length=2000, blank=True)
    email_frequency = models.CharField(
        _("e-mail me"), max_length=10, choices=EmailFrequency.choices, default=EmailFrequency.WEEKLY
    )
    # Mirrors allauth's verified primary address, so that "may post" costs no query.
    email_verified = models.BooleanField(default=False)
    # Mirrors membership of the "Moderators" group, so that every page can ask for free.
    # Granted and revoked through accounts.services.user_set_moderator only.
    moderator = models.BooleanField(default=False)
    suspended_until = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=500, blank=True)
    # The interface language the member chose with the switcher; blank until they choose.
    language = models.CharField(
        max_length=8, choices=settings.LANGUAGES, blank=True, default="", db_default=""
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["display_name", "id"]

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def preferred_language(self) -> str:
        """The language to write to this member in, when no request says which."""
        return self.language or settings.LANGUAGE_CODE

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", kwargs={"pk": self.pk})

    @property
    def is_moderator(self) -> bool:
        return self.is_active and (self.moderator or self.is_superuser)

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > timezone.now()

    @property
    def can_post(self) -> bool:
        return self.is_active and self.email_verified and not self.is_suspended
