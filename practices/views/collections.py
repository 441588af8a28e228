"""Collections: the public list and pages, and the moderators' pages that build them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from practices.forms_moderation import CollectionAddForm, CollectionForm, PracticeChoiceForm
from practices.models import Collection, Practice
from practices.selectors import collections as selectors
from practices.services import collections as services
from practices.views.moderation import apply_service_errors, moderator_required


@require_GET
def collection_list(request: HttpRequest) -> HttpResponse:
    context = selectors.collection_list(page=request.GET.get("page"))
    return render(request, "moderation/collection_list.html", context)


@require_GET
def collection_detail(request: HttpRequest, slug: str) -> HttpResponse:
    collection = selectors.collection_get(slug=slug, user=request.user)
    if collection is None:
        raise Http404(_("No such collection."))
    return render(request, "moderation/collection_detail.html", {"collection": collection})


# --- For moderators -------------------------------------------------------------------------


@moderator_required
@require_GET
def collection_manage(request: HttpRequest) -> HttpResponse:
    context = selectors.collection_list(page=request.GET.get("page"), include_private=True)
    return render(request, "moderation/collection_manage.html", context)


@moderator_required
@require_http_methods(["GET", "POST"])
def collection_create(request: HttpRequest) -> HttpResponse:
    form = CollectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            collection = services.collection_create(moderator=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The collection is created. Now add practices to it."))
            return redirect("moderation:collection_edit", slug=collection.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "moderation/collection_form.html", {"form": form}, status=status)


def _edit_page(
    request: HttpRequest,
    collection: Collection,
    *,
    form: CollectionForm | None = None,
    add_form: CollectionAddForm | None = None,
    status: int = 200,
) -> HttpResponse:
    full = selectors.collection_get(slug=collection.slug, user=request.user)
    initial = {
        "title": collection.title,
        "introduction": collection.introduction,
        "is_public": collection.is_public,
    }
    context = {
        "collection": full,
        "form": form or CollectionForm(initial=initial),
        "add_form": add_form or CollectionAddForm(),
    }
    return render(request, "moderation/collection_form.html", context, status=status)


def _get(slug: str) -> Collection:
    collection = Collection.objects.filter(slug=slug).first()
    if collection is None:
        raise Http404(_("No such collection."))
    return collection


@moderator_required
@require_http_methods(["GET", "POST"])
def collection_edit(request: HttpRequest, slug: str) -> HttpResponse:
    collection = _get(slug)
    if request.method == "GET":
        return _edit_page(request, collection)
    form = CollectionForm(request.POST)
    if form.is_valid():
        try:
            services.collection_update(
                collection=collection, moderator=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The collection is saved."))
            return redirect("moderation:collection_edit", slug=collection.slug)
    return _edit_page(request, collection, form=form, status=400)


@moderator_required
@require_POST
def collection_add(request: HttpRequest, slug: str) -> HttpResponse:
    collection = _get(slug)
    form = CollectionAddForm(request.POST)
    if form.is_valid():
        try:
            services.collection_add_practice(
                collection=collection,
                moderator=request.user,
                practice=form.cleaned_data["practice"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("Added “%(title)s”.") % {"title": form.cleaned_data["practice"].title}
            )
            return redirect("moderation:collection_edit", slug=collection.slug)
    return _edit_page(request, collection, add_form=form, status=400)


def _change_items(request: HttpRequest, slug: str, *, move: bool) -> HttpResponse:
    collection = _get(slug)
    form = PracticeChoiceForm(request.POST)
    practice = (
        Practice.objects.filter(pk=form.cleaned_data["practice"]).first()
        if form.is_valid()
        else None
    )
    if practice is None or (move and not form.cleaned_data["direction"]):
        messages.error(request, _("Choose a practice of this collection."))
        return redirect("moderation:collection_edit", slug=collection.slug)
    try:
        if move:
            services.collection_move_practice(
                collection=collection,
                moderator=request.user,
                practice=practice,
                direction=form.cleaned_data["direction"],
            )
        else:
            services.collection_remove_practice(
                collection=collection, moderator=request.user, practice=practice
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if not move:
            messages.success(
                request,
                _("Removed “%(title)s” from the collection.") % {"title": practice.title},
            )
    return redirect(_edit_url(collection, practice))


def _edit_url(collection: Collection, practice: Practice) -> str:
    url = reverse("moderation:collection_edit", kwargs={"slug": collection.slug})
    return f"{url}#item-{practice.pk}"


@moderator_required
@require_POST
def collection_move(request: HttpRequest, slug: str) -> HttpResponse:
    return _change_items(request, slug, move=True)


@moderator_required
@require_POST
def collection_remove(request: HttpRequest, slug: str) -> HttpResponse:
    return _change_items(request, slug, move=False)
