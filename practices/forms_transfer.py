"""Forms for adaptations and check-ins: they validate what a member typed; the services in
practices.services.transfer do the saving."""

from __future__ import annotations

from typing import Any

from django import forms

from practices.models import Adaptation, CheckInAnswer, Practice
from practices.services.transfer import ADAPTATION_FIELDS

MARKDOWN_HELP = "You can use Markdown: **bold**, *italic*, lists starting with “-”."


class AdaptationForm(forms.ModelForm):
    own_practice = forms.ModelChoiceField(
        label="Your own write-up (optional)",
        queryset=Practice.objects.none(),
        required=False,
        empty_label="None: this record is all there is",
        help_text=(
            "If you shared your version as a full practice, choose it: it will say "
            "“adapted from” and link back here."
        ),
    )

    class Meta:
        model = Adaptation
        fields = [*ADAPTATION_FIELDS, "own_practice"]
        labels = {
            "city": "City",
            "country": "Country",
            "organisation": "Organisation",
            "organisation_type": "Type of organisation",
            "changes": "What you changed and why",
            "outcome": "What came of it",
            "stage": "Stage",
        }
        help_texts = {
            "changes": "What you kept, what you did differently in your city, and why. "
            + MARKDOWN_HELP,
            "outcome": "Results so far, with numbers where there are any. " + MARKDOWN_HELP,
        }
        error_messages = {
            "city": {"required": "Say in which city you adapted it."},
            "changes": {"required": "Describe what you changed and why."},
            "country": {"required": "Choose the country."},
            "organisation": {"required": "Name your organisation."},
        }
        widgets = {
            "changes": forms.Textarea(attrs={"rows": 8}),
            "outcome": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, own_practices: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if own_practices is not None:
            self.fields["own_practice"].queryset = own_practices
        for name in ("changes", "outcome", "city", "organisation"):
            self.fields[name].max_length = self.fields[name].max_length or 20_000
            self.fields[name].widget.attrs.setdefault("maxlength", self.fields[name].max_length)

    def service_kwargs(self) -> dict[str, Any]:
        return {
            "data": {name: self.cleaned_data[name] for name in ADAPTATION_FIELDS},
            "own_practice": self.cleaned_data.get("own_practice"),
        }

    def add_service_error(self, error: Any) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, error)


class CheckInForm(forms.Form):
    answer = forms.ChoiceField(
        label="Is it still running?",
        choices=CheckInAnswer.choices,
        error_messages={"required": "Choose one of the four answers."},
    )
    note = forms.CharField(
        label="What changed (optional)", required=False, max_length=500, strip=True
    )


class CheckInNoteForm(forms.Form):
    note = forms.CharField(
        label="What changed (optional)", required=False, max_length=500, strip=True
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        error_messages={"required": "Give a reason; the author will read it."},
    )
