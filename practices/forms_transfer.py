"""Forms for adaptations and check-ins: they validate what a member typed; the services in
practices.services.transfer do the saving."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from practices.models import Adaptation, CheckInAnswer, Practice
from practices.services.transfer import ADAPTATION_FIELDS

MARKDOWN_HELP = _("You can use Markdown: **bold**, *italic*, lists starting with “-”.")


class AdaptationForm(forms.ModelForm):
    own_practice = forms.ModelChoiceField(
        label=_("Your own write-up (optional)"),
        queryset=Practice.objects.none(),
        required=False,
        empty_label=_("None: this record is all there is"),
        help_text=_(
            "If you shared your version as a full practice, choose it: it will say "
            "“adapted from” and link back here."
        ),
    )

    class Meta:
        model = Adaptation
        fields = [*ADAPTATION_FIELDS, "own_practice"]
        labels = {
            "city": _("City"),
            "country": _("Country"),
            "organisation": _("Organisation"),
            "organisation_type": _("Type of organisation"),
            "changes": _("What you changed and why"),
            "outcome": _("What came of it"),
            "stage": _("Stage"),
        }
        help_texts = {
            "changes": format_lazy(
                "{} {}",
                _("What you kept, what you did differently in your city, and why."),
                MARKDOWN_HELP,
            ),
            "outcome": format_lazy(
                "{} {}", _("Results so far, with numbers where there are any."), MARKDOWN_HELP
            ),
        }
        error_messages = {
            "city": {"required": _("Say in which city you adapted it.")},
            "changes": {"required": _("Describe what you changed and why.")},
            "country": {"required": _("Choose the country.")},
            "organisation": {"required": _("Name your organisation.")},
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
        label=_("Is it still running?"),
        choices=CheckInAnswer.choices,
        error_messages={"required": _("Choose one of the four answers.")},
    )
    note = forms.CharField(
        label=_("What changed (optional)"), required=False, max_length=500, strip=True
    )


class CheckInNoteForm(forms.Form):
    note = forms.CharField(
        label=_("What changed (optional)"), required=False, max_length=500, strip=True
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        error_messages={"required": _("Give a reason; the author will read it.")},
    )
