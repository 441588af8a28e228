"""Placeholder; replaced by the real views."""

from django.http import HttpResponse


def comment_create(request, **kwargs):
    return HttpResponse(status=501)


def comment_edit(request, **kwargs):
    return HttpResponse(status=501)


def comment_delete(request, **kwargs):
    return HttpResponse(status=501)
