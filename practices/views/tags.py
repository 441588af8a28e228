"""Tag pages: the index, one tag's practices, and the suggestions for the tag input."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from practices import selectors


@require_GET
def tag_index(request: HttpRequest) -> HttpResponse:
    context = selectors.tag_index(page=request.GET.get("page"))
    return render(request, "practices/tag_index.html", context)


@require_GET
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = selectors.tag_get(slug=slug)
    if tag is None:
        raise Http404("No such tag.")
    listing = selectors.practice_list(
        user=request.user, filters=request.GET, page=request.GET.get("page"), tag=tag
    )
    if listing.page.out_of_range:
        raise Http404("No such page.")
    return render(request, "practices/tag_detail.html", {"tag": tag, "listing": listing})


@require_GET
def tag_autocomplete(request: HttpRequest) -> JsonResponse:
    suggestions = selectors.tag_autocomplete(q=request.GET.get("q", ""))
    return JsonResponse(suggestions, safe=False)
