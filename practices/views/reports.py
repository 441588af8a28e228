"""Reports: the form members use to report a practice, a comment or an adaptation, and the
moderators' queue where every report on an item is resolved at once."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from practices.forms_moderation import ReportForm, ResolveForm
from practices.models import Adaptation, Comment, Practice
from practices.selectors import moderation as selectors
from practices.selectors import practice_get_for_user
from practices.selectors.comments import comment_get_visible
from practices.selectors.transfer import adaptation_get_visible
from practices.services import reports as services
from practices.views.moderation import apply_service_errors, moderator_required


def _refused(request: HttpRequest) -> HttpResponse:
    """Suspended and unverified members read but do not report; the page says why."""
    return render(request, "practices/cannot_post.html", status=403)


def _report(
    request: HttpRequest,
    *,
    practice: Practice,
    back: str,
    comment: Comment | None = None,
    adaptation: Adaptation | None = None,
) -> HttpResponse:
    user = request.user
    if not user.can_post:
        return _refused(request)
    item = comment or adaptation or practice
    if item.author_id == user.pk:
        raise PermissionDenied(_("You cannot report what you wrote yourself."))
    only_practice = None if comment is not None or adaptation is not None else practice
    already = services.report_exists(
        reporter=user, practice=only_practice, comment=comment, adaptation=adaptation
    )
    form = ReportForm(request.POST if request.method == "POST" and not already else None)
    status = 200
    if request.method == "POST" and not already:
        if form.is_valid():
            try:
                services.report_create(
                    reporter=user,
                    practice=only_practice,
                    comment=comment,
                    adaptation=adaptation,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                if getattr(error, "code", None) == "duplicate" or not hasattr(error, "error_dict"):
                    messages.info(request, " ".join(error.messages))
                    return HttpResponseRedirect(back)
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Thank you. The moderators will look at it, and you will be told what "
                        "they decide."
                    ),
                )
                return HttpResponseRedirect(back)
        status = 400
    elif request.method == "POST":
        messages.info(request, _("You already reported this. The moderators will look at it."))
        return HttpResponseRedirect(back)
    context = {
        "form": form,
        "practice": practice,
        "comment": comment,
        "adaptation": adaptation,
        "already": already,
        "back": back,
    }
    return render(request, "moderation/report_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def report_practice(request: HttpRequest, pk: int) -> HttpResponse:
    practice = practice_get_for_user(user=request.user, pk=pk)
    if practice is None or not practice.is_visible:
        raise Http404(_("No such practice."))
    return _report(request, practice=practice, comment=None, back=practice.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def report_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment = comment_get_visible(user=request.user, pk=pk)
    if comment is None or comment.deleted_at is not None or comment.hidden_at is not None:
        raise Http404(_("No such comment."))
    practice = comment.practice
    back = f"{practice.get_absolute_url()}#comment-{comment.pk}"
    return _report(request, practice=practice, comment=comment, back=back)


@login_required
@require_http_methods(["GET", "POST"])
def report_adaptation(request: HttpRequest, pk: int) -> HttpResponse:
    adaptation = adaptation_get_visible(pk=pk)
    if adaptation is None:
        raise Http404(_("No such adaptation."))
    practice = adaptation.original
    back = f"{practice.get_absolute_url()}#adaptation-{adaptation.pk}"
    return _report(request, practice=practice, adaptation=adaptation, back=back)


# --- The moderators' queue ----------------------------------------------------------------


@moderator_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    context = selectors.report_queue(page=request.GET.get("page"))
    context["resolve_form"] = ResolveForm()
    return render(request, "moderation/reports.html", context)


def _resolve(
    request: HttpRequest,
    *,
    practice: Practice | None = None,
    comment: Comment | None = None,
    adaptation: Adaptation | None = None,
) -> HttpResponse:
    item = selectors.reported_item(practice=practice, comment=comment, adaptation=adaptation)
    if item is None:
        raise Http404(_("Nobody reported this."))
    form = ResolveForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.report_resolve(
                    moderator=request.user,
                    practice=practice,
                    comment=comment,
                    adaptation=adaptation,
                    resolution=form.cleaned_data["resolution"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    apply_service_errors(form, error)
                else:
                    messages.error(request, " ".join(error.messages))
                    return redirect("moderation:reports")
            else:
                count = len([r for r in item.reports if r.resolved_at is None])
                messages.success(
                    request,
                    ngettext(
                        "Resolved %(count)s report; the reporter is told.",
                        "Resolved %(count)s reports; each reporter is told.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect("moderation:reports")
        status = 400
    context: dict[str, Any] = {"item": item, "form": form}
    return render(request, "moderation/report_item.html", context, status=status)


@moderator_required
@require_http_methods(["GET", "POST"])
def reported_practice(request: HttpRequest, pk: int) -> HttpResponse:
    practice = selectors.moderation_practice_get(pk=pk)
    if practice is None:
        raise Http404(_("No such practice."))
    return _resolve(request, practice=practice, comment=None)


@moderator_required
@require_http_methods(["GET", "POST"])
def reported_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment = selectors.reported_comment_get(pk=pk)
    if comment is None:
        raise Http404(_("No such comment."))
    return _resolve(request, practice=None, comment=comment)


@moderator_required
@require_http_methods(["GET", "POST"])
def reported_adaptation(request: HttpRequest, pk: int) -> HttpResponse:
    adaptation = selectors.reported_adaptation_get(pk=pk)
    if adaptation is None:
        raise Http404(_("No such adaptation."))
    return _resolve(request, adaptation=adaptation)
