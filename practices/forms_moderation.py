"""Forms of reports and of the moderators' pages. They check what was typed; the services
check the rules again and do the writing."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from practices.models import Practice, ReportReason, ReportResolution, Tag
from practices.services.collections import (
    INTRODUCTION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)
from practices.services.moderation import ACTION_LABELS, REASON_MAX_LENGTH
from practices.services.reports import NOTE_MAX_LENGTH as REPORT_NOTE_MAX_LENGTH
from practices.services.reports import RESOLUTION_REASON_MAX_LENGTH
from practices.services.tags import DESCRIPTION_MAX_LENGTH
from practices.tags import MAX_TAG_LENGTH, normalise_tag

_PRACTICE_ADDRESS = re.compile(r"/practices/(\d+)(?:/|$)")


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ReasonForm(forms.Form):
    """The reason a moderator gives for an action; required for hiding and sending back."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=_textarea(),
        help_text=_("Goes into the moderation log; the author is told it too."),
    )

    def __init__(self, *args: Any, required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        if not required:
            self.fields["reason"].label = gettext("Reason (optional)")


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=ReportReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note for the moderators"),
        required=False,
        max_length=REPORT_NOTE_MAX_LENGTH,
        widget=_textarea(4),
        help_text=_("What the moderators should look at. Needed when you choose “Other”."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("reason") == ReportReason.OTHER and not (data.get("note") or "").strip():
            self.add_error("note", gettext("Tell the moderators what is wrong: you chose “Other”."))
        return data


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (ReportResolution.DISMISSED, _("Dismiss: nothing needs to change")),
            (ReportResolution.HIDDEN, _("Hide it from members")),
            (ReportResolution.EDITED, _("I edited it")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=RESOLUTION_REASON_MAX_LENGTH,
        widget=_textarea(),
        help_text=_("Every reporter is told the outcome and this reason; it goes into the log."),
    )


class CollectionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=INTRODUCTION_MAX_LENGTH,
        widget=_textarea(8),
        help_text=_("Shown above the practices. Markdown works: **bold**, lists, links."),
    )
    is_public = forms.BooleanField(
        label=_("Public: anyone can find and read this collection"), required=False, initial=True
    )


class CollectionAddForm(forms.Form):
    practice = forms.CharField(
        label=_("Practice to add"),
        max_length=500,
        help_text=_("Paste the practice's address (…/practices/12/…) or type its number."),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("A line on why it belongs here, shown under the practice."),
    )

    def clean_practice(self) -> Practice:
        raw = self.cleaned_data["practice"].strip()
        match = _PRACTICE_ADDRESS.search(raw)
        number = match.group(1) if match else raw.lstrip("#")
        if not number.isascii() or not number.isdigit() or len(number) > 18:
            raise forms.ValidationError(
                gettext("Give the practice's address or its number."), code="invalid"
            )
        practice = Practice.objects.filter(pk=int(number)).first()
        if practice is None:
            raise forms.ValidationError(
                gettext("There is no practice number %(number)s."),
                code="not_found",
                params={"number": int(number)},
            )
        return practice


class PracticeChoiceForm(forms.Form):
    """Which practice of a collection to move or remove."""

    practice = forms.IntegerField(min_value=1)
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")], required=False)


class CollectionPickForm(forms.Form):
    """The practice page's "add to a collection" menu."""

    collection = forms.IntegerField(label=_("Collection"), min_value=1)


class TagNameForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=MAX_TAG_LENGTH * 2)


class TagMergeForm(forms.Form):
    target = forms.CharField(
        label=_("Merge into"),
        max_length=MAX_TAG_LENGTH * 2,
        help_text=_("The tag that stays. Its practices and followers get this tag's too."),
    )

    def __init__(self, *args: Any, source: Tag, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source = source

    def clean_target(self) -> Tag:
        raw = self.cleaned_data["target"]
        name = normalise_tag(raw)
        tag = Tag.objects.filter(name=name).first() or Tag.objects.filter(slug=raw.strip()).first()
        if tag is None:
            raise forms.ValidationError(
                gettext("There is no tag “%(name)s”."),
                code="not_found",
                params={"name": name or raw},
            )
        if tag.pk == self.source.pk:
            raise forms.ValidationError(
                gettext("A tag cannot be merged into itself. Choose another tag."), code="same"
            )
        return tag


class TagDescribeForm(forms.Form):
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=_textarea(4),
        help_text=_("Shown on the tag's page. Leave empty to remove it."),
    )


class SuspendForm(forms.Form):
    DURATIONS = [
        ("1", _("One day")),
        ("7", _("One week")),
        ("30", _("One month")),
        ("date", _("Until a date")),
        ("indefinite", _("Until further notice")),
    ]
    duration = forms.ChoiceField(
        label=_("For how long"), choices=DURATIONS, widget=forms.RadioSelect, initial="7"
    )
    until = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("With “Until a date”: the suspension ends at the start of this day."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=_textarea(),
        help_text=_("The member sees it on every page while suspended; it goes into the log."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        duration = data.get("duration")
        if duration == "date":
            day = data.get("until")
            if day is None:
                self.add_error("until", gettext("Choose the day the suspension ends."))
            elif day <= timezone.localdate():
                self.add_error("until", gettext("Choose a day after today."))
        return data

    def until_moment(self) -> datetime | None:
        """When the suspension ends, or None for until further notice."""
        duration = self.cleaned_data["duration"]
        if duration == "indefinite":
            return None
        if duration == "date":
            return timezone.make_aware(datetime.combine(self.cleaned_data["until"], time.min))
        return timezone.now() + timedelta(days=int(duration))


class LogFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.TypedChoiceField(
        label=pgettext_lazy("moderation log filter", "By"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    target_type = forms.ChoiceField(
        label=pgettext_lazy("moderation log filter", "On"),
        required=False,
        choices=[
            ("", _("Anything")),
            ("practice", _("Practices")),
            ("comment", _("Comments")),
            ("tag", _("Tags")),
            ("collection", _("Collections")),
            ("user", _("Members")),
        ],
    )
    target_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, actors: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [
            ("", gettext("Any action")),
            *sorted(ACTION_LABELS.items(), key=lambda c: c[1]),
        ]
        self.fields["actor"].choices = [("", gettext("Anyone")), *actors]


class MemberSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, e-mail, organisation or city"), required=False, max_length=100
    )
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All members")),
            ("suspended", _("Suspended")),
            ("moderators", _("Moderators")),
        ],
    )
