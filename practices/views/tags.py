"""Tag pages: the index, one tag's practices, and the suggestions for the tag input; and the
moderators' forms on a tag's page (rename, merge, describe, mark official).

A renamed or merged tag's old address answers with a permanent redirect to the tag it
became (TagRedirect)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from practices import pages, selectors
from practices.forms_moderation import TagDescribeForm, TagMergeForm, TagNameForm
from practices.models import Tag
from practices.selectors.readers import Reader
from practices.services import tags as tag_services
from practices.views.moderation import apply_service_errors, moderator_required


@require_GET
def tag_index(request: HttpRequest) -> HttpResponse:
    context = selectors.tag_index(page=request.GET.get("page"))
    return render(request, "practices/tag_index.html", context)


def _tag_forms(tag: Tag, **bound: Any) -> dict[str, Any]:
    forms = {
        "rename": TagNameForm(initial={"name": tag.name}, prefix="rename"),
        "merge": TagMergeForm(source=tag, prefix="merge"),
        "describe": TagDescribeForm(initial={"description": tag.description}, prefix="describe"),
    }
    forms.update(bound)
    return forms


def _tag_page(
    request: HttpRequest,
    tag: Tag,
    *,
    listing: pages.ListingPage,
    reader: Reader | None = None,
    status: int = 200,
    **bound_forms: Any,
) -> HttpResponse:
    context: dict[str, Any] = {"tag": tag, "page": listing}
    if reader is not None:
        context["reader"] = reader
    if request.user.is_authenticated and request.user.is_moderator:
        context["tag_forms"] = _tag_forms(tag, **bound_forms)
    return render(request, "practices/tag_detail.html", context, status=status)


@require_GET
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    found = pages.tag_page(request, slug=slug)
    if found is None:
        moved = selectors.tag_moved_to(slug=slug)
        if moved is None:
            raise Http404(_("No such tag."))
        url = moved.get_absolute_url()
        if request.META.get("QUERY_STRING"):
            url = f"{url}?{request.META['QUERY_STRING']}"
        return HttpResponsePermanentRedirect(url)
    listing, reader = found
    return _tag_page(request, listing.tag, listing=listing, reader=reader)


def _tag_form_errors(request: HttpRequest, tag: Tag, **bound_forms: Any) -> HttpResponse:
    listing = pages.tag_listing(request, tag=tag)
    return _tag_page(request, tag, listing=listing, status=400, **bound_forms)


@require_GET
def tag_autocomplete(request: HttpRequest) -> JsonResponse:
    suggestions = selectors.tag_autocomplete(q=request.GET.get("q", ""))
    return JsonResponse(suggestions, safe=False)


# --- For moderators -------------------------------------------------------------------------


def _moderated_tag(slug: str) -> Tag:
    tag = selectors.tag_get(slug=slug)
    if tag is None:
        raise Http404(_("No such tag."))
    return tag


@moderator_required
@require_POST
def tag_rename(request: HttpRequest, slug: str) -> HttpResponse:
    tag = _moderated_tag(slug)
    form = TagNameForm(request.POST, prefix="rename")
    if form.is_valid():
        old_name = tag.name
        try:
            tag = tag_services.tag_rename(
                tag=tag, moderator=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("“%(old)s” is now “%(new)s”; its old address leads here.")
                % {"old": old_name, "new": tag.name},
            )
            return redirect(tag)
    return _tag_form_errors(request, tag, rename=form)


@moderator_required
@require_POST
def tag_merge(request: HttpRequest, slug: str) -> HttpResponse:
    tag = _moderated_tag(slug)
    form = TagMergeForm(request.POST, source=tag, prefix="merge")
    if form.is_valid():
        try:
            survivor = tag_services.tag_merge(
                source=tag, target=form.cleaned_data["target"], moderator=request.user
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "“%(source)s” is merged into “%(target)s”: its practices and followers "
                    "are here now, and its old address leads here."
                )
                % {"source": tag.name, "target": survivor.name},
            )
            return redirect(survivor)
    return _tag_form_errors(request, tag, merge=form)


@moderator_required
@require_POST
def tag_describe(request: HttpRequest, slug: str) -> HttpResponse:
    tag = _moderated_tag(slug)
    form = TagDescribeForm(request.POST, prefix="describe")
    if form.is_valid():
        try:
            tag_services.tag_describe(
                tag=tag, moderator=request.user, description=form.cleaned_data["description"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The description is saved."))
            return redirect(tag)
    return _tag_form_errors(request, tag, describe=form)


@moderator_required
@require_POST
def tag_official(request: HttpRequest, slug: str) -> HttpResponse:
    tag = _moderated_tag(slug)
    official = request.POST.get("official") == "1"
    tag_services.tag_set_official(tag=tag, moderator=request.user, official=official)
    if official:
        messages.success(
            request,
            _("“%(tag)s” is an official tag: it is suggested first.") % {"tag": tag.name},
        )
    else:
        messages.success(request, _("“%(tag)s” is no longer an official tag.") % {"tag": tag.name})
    return redirect(tag)
