"""Admin actions that call the moderation services, so that what staff do in the admin is
checked and audited exactly like what moderators do on the site.

`service_action` runs a service on each selected object. `form_action` first shows a small
form (a reason, a date, a tag to merge into) on an intermediate page, then does the same.
A refusal by the service (already hidden, not a moderator…) is reported per object and
changes nothing for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from practices.services.moderation import REASON_MAX_LENGTH


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, required: bool = True, **kwargs: Any) -> None:
        kwargs.pop("queryset", None)
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required


def _run(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    objects: list[Any],
    call: Callable[[Any], Any],
    done: str,
) -> None:
    succeeded, refused = 0, []
    for obj in objects:
        try:
            call(obj)
        except (ValidationError, PermissionDenied) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            refused.append((obj, text))
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(
            request,
            gettext("%(done)s: %(count)s.") % {"done": done, "count": succeeded},
            messages.SUCCESS,
        )
    for obj, text in refused:
        modeladmin.message_user(
            request,
            gettext("Not done for %(object)s: %(error)s") % {"object": obj, "error": text},
            messages.WARNING,
        )


def service_action(
    call: Callable[[Any, Any], Any], *, description: str, done: str, name: str
) -> Callable[..., None]:
    """An action calling `call(obj, actor)` for every selected object."""

    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        _run(modeladmin, request, list(queryset), lambda obj: call(obj, request.user), done)

    action.__name__ = name
    return admin.action(description=description)(action)


def form_action(
    call: Callable[[Any, Any, dict[str, Any]], Any],
    *,
    description: str,
    done: str,
    name: str,
    form_class: type[forms.Form] = ReasonForm,
    form_kwargs: dict[str, Any] | None = None,
    group: Callable[[list[Any]], list[Any]] | None = None,
) -> Callable[..., TemplateResponse | None]:
    """An action that first asks for `form_class` on an intermediate page, then calls
    `call(obj, actor, cleaned_data)` for every selected object (or every group of them)."""

    def action(
        modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
    ) -> TemplateResponse | None:
        extra = {**(form_kwargs or {}), "queryset": queryset}
        if "apply" in request.POST:
            form = form_class(request.POST, **extra)
            if form.is_valid():
                objects = list(queryset)
                targets = group(objects) if group else objects
                _run(
                    modeladmin,
                    request,
                    targets,
                    lambda obj: call(obj, request.user, form.cleaned_data),
                    done,
                )
                return None
        else:
            form = form_class(**extra)
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": description,
            "opts": modeladmin.model._meta,
            "queryset": queryset,
            "form": form,
            "action_name": name,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "selected": [str(pk) for pk in queryset.values_list("pk", flat=True)],
        }
        return TemplateResponse(request, "admin/moderation/action_form.html", context)

    action.__name__ = name
    return admin.action(description=description)(action)
