"""Placeholder; replaced by the real views."""

from django.http import HttpResponse


def tag_index(request, **kwargs):
    return HttpResponse(status=501)


def tag_detail(request, **kwargs):
    return HttpResponse(status=501)


def tag_autocomplete(request, **kwargs):
    return HttpResponse(status=501)
