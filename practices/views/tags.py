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

from practices import selectors
from practices.caching import generation_get_many, generation_set_many
from practices.forms_moderation import TagDescribeForm, TagMergeForm, TagNameForm
from practices.models import Tag, TagRedirect
from practices.selectors import follows as follow_selectors
from practices.selectors import pages as page_selectors
from practices.services import tags as tag_services
from practices.views.moderation import apply_service_errors, moderator_required
from practices.views.practices import LISTING_SECONDS, listing_context, listing_key


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
    status: int = 200,
    kept: tuple[str | None, dict[str, Any]] | None = None,
    reader: page_selectors.Reader | None = None,
    **bound_forms: Any,
) -> HttpResponse:
    context: dict[str, Any] = {"tag": tag, **listing_context(request, tag=tag, kept=kept)}
    if reader is not None:
        context["reader"] = reader
    if request.user.is_authenticated and request.user.is_moderator:
        context["tag_forms"] = _tag_forms(tag, **bound_forms)
    return render(request, "practices/tag_detail.html", context, status=status)


@require_GET
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # The tag with its follower count and the listing, kept for every reader: one round trip.
    tag_key = page_selectors.tag_page_key(slug)
    kept = generation_get_many([tag_key, listing_key(request)])
    generation, found = kept
    if tag_key in found:
        tag, followers = found[tag_key]
    else:
        tag = selectors.tag_get(slug=slug)
        if tag is None:
            moved = TagRedirect.objects.select_related("tag").filter(old_slug=slug).first()
            if moved is None:
                raise Http404(_("No such tag."))
            url = moved.tag.get_absolute_url()
            if request.META.get("QUERY_STRING"):
                url = f"{url}?{request.META['QUERY_STRING']}"
            return HttpResponsePermanentRedirect(url)
        followers = follow_selectors.tag_follower_count(tag=tag)
        generation_set_many(generation, {tag_key: (tag, followers)}, LISTING_SECONDS)
    reader = page_selectors.tag_reader(tag=tag, user=request.user, followers=followers)
    return _tag_page(request, tag, kept=kept, reader=reader)


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
    return _tag_page(request, tag, status=400, rename=form)


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
    return _tag_page(request, tag, status=400, merge=form)


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
    return _tag_page(request, tag, status=400, describe=form)


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
