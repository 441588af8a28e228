from django import forms
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from accounts.models import Role, User


class SignupForm(forms.Form):
    """Extra sign-up fields; allauth adds e-mail and password and calls the adapter to save."""

    display_name = forms.CharField(
        max_length=80, help_text="Shown beside what you post, e.g. “Amira Haddad”."
    )
    role = forms.ChoiceField(choices=Role.choices)
    organisation = forms.CharField(max_length=150, required=False)
    city = forms.CharField(max_length=100, required=False)
    country = LazyTypedChoiceField(choices=[("", "—")] + list(countries), required=False)

    field_order = ["email", "display_name", "role", "organisation", "city", "country"]

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError("Please give the name others will see.")
        return name

    def signup(self, request, user) -> None:
        """Called by allauth after the user is saved; the adapter already stored the fields."""


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "role", "organisation", "city", "country", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError("Please give the name others will see.")
        return name
