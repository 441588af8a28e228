"""The practice form: validates what a member typed; the services do the saving."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, URLValidator
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from practices.models import Practice, TargetGroup
from practices.models.practices import PRACTICE_LANGUAGE_CODES
from practices.services.practices import EDITABLE_FIELDS, MARKDOWN_FIELDS
from practices.tags import MAX_TAG_LENGTH, MAX_TAGS, parse_tags, validate_tags

MAX_LINKS = 10
# A generous bound for one Markdown section, so that a runaway paste gets a clear message.
MAX_SECTION_LENGTH = 20_000
MAX_LINK_LENGTH = 500
IMAGE_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}
MARKDOWN_HELP = _(
    "You can use Markdown: **bold**, *italic*, lists starting with “-”, "
    "links as [text](https://example.org)."
)

FIELDSETS = (
    (_("The practice"), ("title", "summary", "challenge", "description", "results", "resources",
                      "difficulties", "transfer_tips")),
    (_("Where and who"), ("country", "city", "organisation", "organisation_type", "target_groups",
                       "area", "language")),
    (_("When and how far"), ("started_on", "ended_on", "still_running", "stage")),
    (_("Tags and links"), ("tags", "links", "image", "clear_image")),
)  # fmt: skip


class PracticeImageField(forms.ImageField):
    """An image checked for size before Pillow reads it, and for format after."""

    default_error_messages = {
        **forms.ImageField.default_error_messages,
        "invalid_image": _(
            "This file is not an image we can show. Upload a JPEG, PNG, WebP or GIF picture."
        ),
    }

    def to_python(self, data: Any) -> Any:
        if data in self.empty_values:
            return None
        limit = settings.PRACTICE_IMAGE_MAX_BYTES
        size = getattr(data, "size", None)
        if size is not None and size > limit:
            raise ValidationError(
                gettext(
                    "This picture is %(size)s; the limit is %(limit)s. Please upload a smaller one."
                ),
                code="file_too_large",
                params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
            )
        file = super().to_python(data)
        image_format = getattr(getattr(file, "image", None), "format", None)
        if image_format not in IMAGE_FORMATS:
            raise ValidationError(self.error_messages["invalid_image"], code="invalid_image")
        return file


class PracticeForm(forms.ModelForm):
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-tag-autocomplete": ""}),
    )
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    image = PracticeImageField(
        label=_("Picture"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    clear_image = forms.BooleanField(label=_("Remove the current picture"), required=False)
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Target groups"),
        queryset=TargetGroup.objects.order_by("position", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Who the practice is for; tick every group that applies."),
    )

    class Meta:
        model = Practice
        fields = [
            "title",
            "summary",
            "challenge",
            "description",
            "results",
            "resources",
            "difficulties",
            "transfer_tips",
            "country",
            "city",
            "organisation",
            "organisation_type",
            "target_groups",
            "area",
            "started_on",
            "ended_on",
            "still_running",
            "stage",
            "language",
            "links",
        ]
        labels = {
            "title": _("Title"),
            "summary": _("Summary"),
            "challenge": _("The challenge it answers"),
            "description": _("What was done"),
            "results": _("Results and evidence"),
            "resources": _("Resources and funding"),
            "difficulties": _("Difficulties met"),
            "transfer_tips": _("Tips for transfer to another city"),
            "country": _("Country"),
            "city": _("City"),
            "organisation": _("Organisation"),
            "organisation_type": _("Type of organisation"),
            "area": _("Area"),
            "started_on": _("Started on"),
            "ended_on": _("Ended on"),
            "still_running": _("Still running"),
            "stage": _("Stage"),
        }
        help_texts = {
            "title": _("A short name for the practice, at most 120 characters."),
            "summary": _("One paragraph: what you did, for whom, and what came of it."),
            "results": format_lazy("{} {}", _("Numbers where there are any."), MARKDOWN_HELP),
            "ended_on": _("Leave empty if the practice is still running."),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "challenge": forms.Textarea(attrs={"rows": 5}),
            "description": forms.Textarea(attrs={"rows": 10}),
            "results": forms.Textarea(attrs={"rows": 5}),
            "resources": forms.Textarea(attrs={"rows": 4}),
            "difficulties": forms.Textarea(attrs={"rows": 4}),
            "transfer_tips": forms.Textarea(attrs={"rows": 5}),
            "started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ended_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name in ("challenge", "description", "resources", "difficulties", "transfer_tips"):
            self.fields[name].help_text = MARKDOWN_HELP
        for name in MARKDOWN_FIELDS:
            field = self.fields[name]
            field.max_length = MAX_SECTION_LENGTH
            field.validators.append(MaxLengthValidator(MAX_SECTION_LENGTH))
            field.widget.attrs["maxlength"] = str(MAX_SECTION_LENGTH)
        self.fields["tags"].help_text = gettext(
            "Separate tags with commas, for example: language learning, parents. "
            "At most %(max_tags)s tags of up to %(max_length)s characters each."
        ) % {"max_tags": MAX_TAGS, "max_length": MAX_TAG_LENGTH}
        self.fields["links"].help_text = gettext(
            "One web address per line (http or https), at most %(max_links)s."
        ) % {"max_links": MAX_LINKS}
        self.fields["tags"].widget.attrs["data-autocomplete-url"] = reverse(
            "practices:tag_autocomplete"
        )
        if self.instance.pk is None and get_language() in PRACTICE_LANGUAGE_CODES:
            # Most people write in the language they read the site in.
            self.fields["language"].initial = get_language()
        self.fields["image"].help_text = gettext(
            "Optional. A JPEG, PNG, WebP or GIF picture of at most %(limit)s."
        ) % {"limit": filesizeformat(settings.PRACTICE_IMAGE_MAX_BYTES)}
        self.fields["country"].choices = [("", gettext("Choose a country"))] + [
            c for c in self.fields["country"].choices if c[0]
        ]
        self.fields["organisation_type"].choices = [("", gettext("Choose a type"))] + [
            c for c in self.fields["organisation_type"].choices if c[0]
        ]
        self.fields["area"].choices = [("", gettext("Choose an area"))] + [
            c for c in self.fields["area"].choices if c[0]
        ]
        instance = self.instance
        if instance.pk:
            tag_list = getattr(instance, "tag_list", None)
            names = [t.name for t in tag_list] if tag_list is not None else instance.tags.names()
            self.initial.setdefault("tags", ", ".join(names))
            self.initial["links"] = "\n".join(instance.links or [])
            groups = getattr(instance, "target_group_list", None)
            if groups is not None:
                self.initial["target_groups"] = [g.pk for g in groups]
        if not (instance.pk and instance.image):
            del self.fields["clear_image"]

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in FIELDSETS
        ]

    def clean_tags(self) -> list[str]:
        return validate_tags(parse_tags(self.cleaned_data.get("tags") or ""))

    def clean_links(self) -> list[str]:
        lines = [line.strip() for line in (self.cleaned_data.get("links") or "").splitlines()]
        links = [line for line in lines if line]
        if len(links) > MAX_LINKS:
            raise ValidationError(
                gettext("At most %(max_links)s links, please (you gave %(count)s)."),
                code="too_many_links",
                params={"max_links": MAX_LINKS, "count": len(links)},
            )
        validate = URLValidator(schemes=["http", "https"])
        for number, link in enumerate(links, start=1):
            if len(link) > MAX_LINK_LENGTH:
                raise ValidationError(
                    gettext("Link %(number)s is longer than %(max_length)s characters."),
                    code="link_too_long",
                    params={"number": number, "max_length": MAX_LINK_LENGTH},
                )
            try:
                validate(link)
            except ValidationError:
                raise ValidationError(
                    gettext(
                        "Line %(number)s is not a web address starting with http:// or https://: "
                        "“%(link)s”."
                    ),
                    code="invalid_link",
                    params={"number": number, "link": link[:100]},
                ) from None
        return list(dict.fromkeys(links))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        started, ended = data.get("started_on"), data.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", gettext("The end date is before the start date."))
        if data.get("clear_image") and data.get("image"):
            self.add_error(
                "clear_image",
                gettext("Either remove the current picture or upload a new one, not both."),
            )
        if data.get("still_running") and ended:
            self.add_error(
                "ended_on", gettext("Leave the end date empty, or untick “Still running”.")
            )
        return data

    def service_kwargs(self) -> dict[str, Any]:
        """What practice_create / practice_update take, from the cleaned data."""
        data = {
            name: self.cleaned_data[name] for name in EDITABLE_FIELDS if name in self.cleaned_data
        }
        return {
            "data": data,
            "tags": self.cleaned_data.get("tags", []),
            "target_groups": list(self.cleaned_data.get("target_groups") or []),
            "image": self.cleaned_data.get("image") or None,
        }

    def add_service_error(self, error: ValidationError) -> None:
        """Put a service's ValidationError on the fields it names, the rest on the form."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            field = (
                "tags" if getattr(error, "code", "") in {"too_many_tags", "tag_too_long"} else None
            )
            self.add_error(field, error)
