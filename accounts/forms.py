from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from accounts.models import Role, User
from accounts.services import normalise_display_name

DISPLAY_NAME_HELP = _("Shown beside what you post, e.g. “Amira Haddad”.")
_max_length = {name: User._meta.get_field(name).max_length for name in ("organisation", "city")}


def _country_choices() -> list[tuple[str, str]]:
    # Called each time the form is shown, so the names are in the reader's language.
    return [("", "—"), *countries]


def _country_field() -> LazyTypedChoiceField:
    return LazyTypedChoiceField(
        label=_("Country"),
        choices=_country_choices,
        required=False,
        error_messages={"invalid_choice": _("Choose a country from the list.")},
    )


class _ProfileFields(forms.Form):
    """The profile fields shared by sign-up and the profile page."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=User._meta.get_field("display_name").max_length,
        help_text=DISPLAY_NAME_HELP,
        error_messages={"required": _("Please give the name others will see.")},
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        error_messages={"invalid_choice": _("Choose one of the roles in the list.")},
    )
    organisation = forms.CharField(
        label=_("Organisation"), max_length=_max_length["organisation"], required=False
    )
    city = forms.CharField(label=_("City"), max_length=_max_length["city"], required=False)
    country = _country_field()

    def clean_display_name(self) -> str:
        name = normalise_display_name(self.cleaned_data["display_name"])
        if not name:
            raise forms.ValidationError(
                gettext("Please give the name others will see."), code="required"
            )
        return name


class SignupForm(_ProfileFields):
    """Extra sign-up fields; allauth adds e-mail and password and calls the adapter to save."""

    field_order = [
        "email",
        "password1",
        "password2",
        "display_name",
        "role",
        "organisation",
        "city",
        "country",
    ]

    def signup(self, request, user) -> None:
        """Called by allauth after the user is saved; the adapter already stored the fields."""


class ProfileForm(_ProfileFields):
    """A plain form, so that invalid input never touches the member object on the request."""

    bio = forms.CharField(
        label=_("About me"),
        required=False,
        max_length=User._meta.get_field("bio").max_length,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you work on and what you would like to hear about. Plain text."),
    )

    @classmethod
    def for_member(cls, member: User, data=None) -> "ProfileForm":
        initial = {name: getattr(member, name) for name in cls.base_fields}
        initial["country"] = member.country.code or ""
        return cls(data, initial=initial)
