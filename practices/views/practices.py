"""Placeholder; replaced by the real views."""

from django.http import HttpResponse


def practice_list(request, **kwargs):
    return HttpResponse(status=501)


def practice_create(request, **kwargs):
    return HttpResponse(status=501)


def practice_detail(request, **kwargs):
    return HttpResponse(status=501)


def practice_edit(request, **kwargs):
    return HttpResponse(status=501)


def practice_publish(request, **kwargs):
    return HttpResponse(status=501)


def practice_revisions(request, **kwargs):
    return HttpResponse(status=501)
