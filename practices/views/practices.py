"""Practice pages: the list, one practice, the form to share or edit one, its revisions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from practices import pages, selectors
from practices.forms import PracticeForm
from practices.models import Practice, Status
from practices.selectors import comments as comment_selectors
from practices.services import practices as services


def _get_practice(request: HttpRequest, pk: int) -> Practice:
    practice = selectors.practice_get_for_user(user=request.user, pk=pk)
    if practice is None:
        raise Http404(_("No such practice."))
    return practice


def _cannot_post(request: HttpRequest) -> HttpResponse:
    return render(request, "practices/cannot_post.html", status=403)


def _published_message(practice: Practice) -> str:
    if practice.status == Status.PENDING:
        return _(
            "Thank you for sharing it. A moderator looks at a new member's first practice "
            "before it is public; you will be told when it is published."
        )
    return _("Your practice is published. Thank you for sharing it.")


@require_GET
def practice_list(request: HttpRequest) -> HttpResponse:
    page, reader = pages.listing_page(request)
    return render(request, "practices/practice_list.html", {"page": page, "reader": reader})


@require_GET
def practice_detail(request: HttpRequest, pk: int, slug: str | None = None) -> HttpResponse:
    page = pages.practice_page(user=request.user, pk=pk)
    if page is None:
        raise Http404(_("No such practice."))
    practice = page.practice
    canonical = practice.slug or "-"
    if slug != canonical:
        url = practice.get_absolute_url()
        if request.META.get("QUERY_STRING"):
            url = f"{url}?{request.META['QUERY_STRING']}"
        return HttpResponsePermanentRedirect(url)
    may_edit = services.practice_may_edit(practice=practice, user=request.user)
    is_author = request.user.is_authenticated and practice.author_id == request.user.pk
    context = {
        "page": page,
        "practice": practice,
        "may_edit": may_edit,
        "may_publish": is_author and not practice.is_published,
        "reader": page.reader,
        "reply_to": comment_selectors.reply_target(practice=practice, raw=request.GET.get("reply")),
    }
    return render(request, "practices/practice_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def practice_create(request: HttpRequest) -> HttpResponse:
    if not request.user.can_post:
        return _cannot_post(request)
    posted = request.method == "POST"
    form = PracticeForm(
        data=request.POST if posted else None, files=request.FILES if posted else None
    )
    if posted and form.is_valid():
        publish = request.POST.get("action") == "publish"
        try:
            practice = services.practice_create(
                author=request.user, publish=publish, **form.service_kwargs()
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            if publish:
                messages.success(request, _published_message(practice))
            else:
                messages.success(
                    request, _("Your draft is saved. Only you and the moderators can see it.")
                )
            return redirect(practice)
    return render(request, "practices/practice_form.html", {"form": form, "practice": None})


@login_required
@require_http_methods(["GET", "POST"])
def practice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    practice = _get_practice(request, pk)
    if not services.practice_may_edit(practice=practice, user=request.user):
        raise PermissionDenied(_("Only the author or a moderator may edit this practice."))
    is_author = practice.author_id == request.user.pk
    if is_author and not request.user.can_post:
        return _cannot_post(request)
    posted = request.method == "POST"
    form = PracticeForm(
        data=request.POST if posted else None,
        files=request.FILES if posted else None,
        instance=practice,
    )
    if posted and form.is_valid():
        publish = is_author and request.POST.get("action") == "publish"
        try:
            saved = services.practice_update(
                practice=practice,
                editor=request.user,
                clear_image=form.cleaned_data.get("clear_image", False),
                **form.service_kwargs(),
            )
            if publish:
                services.practice_publish(practice=saved, user=request.user)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(saved)
    return render(
        request,
        "practices/practice_form.html",
        {"form": form, "practice": practice, "is_author": is_author},
    )


@login_required
@require_POST
def practice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    practice = _get_practice(request, pk)
    if practice.author_id != request.user.pk:
        raise PermissionDenied(_("Only the author may publish this practice."))
    if not request.user.can_post:
        return _cannot_post(request)
    try:
        services.practice_publish(practice=practice, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _published_message(practice))
    return redirect(practice)


@login_required
@require_GET
def practice_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    practice = _get_practice(request, pk)
    if not services.practice_may_edit(practice=practice, user=request.user):
        raise PermissionDenied(_("Only the author and moderators may read the revisions."))
    entries = selectors.practice_revision_history(practice=practice)
    return render(
        request, "practices/practice_revisions.html", {"practice": practice, "entries": entries}
    )
