"""Transfer pages: record or edit an adaptation, moderators hide and restore one, the
author's check-in (on the site and from the e-mail link), and the "where" overview."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from practices.forms_transfer import AdaptationForm, CheckInForm, CheckInNoteForm, HideForm
from practices.models import Adaptation, CheckIn, CheckInAnswer, Practice
from practices.selectors import transfer as selectors
from practices.services import transfer as services
from practices.views.moderation import moderator_required, service_error_text


def _visible_practice(pk: int) -> Practice:
    practice = Practice.objects.visible().filter(pk=pk).first()
    if practice is None:
        raise Http404(_("No such practice."))
    return practice


def _initial_from_member(user) -> dict:
    types = selectors.ROLE_ORGANISATION_TYPES.get(user.role, set())
    return {
        "city": user.city,
        "country": user.country,
        "organisation": user.organisation,
        "organisation_type": next(iter(sorted(types)), ""),
    }


@login_required
@require_http_methods(["GET", "POST"])
def adaptation_create(request: HttpRequest, pk: int) -> HttpResponse:
    original = _visible_practice(pk)
    if not request.user.can_post:
        return render(request, "practices/cannot_post.html", status=403)
    own = selectors.adaptation_own_practice_choices(user=request.user, original=original)
    posted = request.method == "POST"
    form = AdaptationForm(
        data=request.POST if posted else None,
        initial=_initial_from_member(request.user),
        own_practices=own,
    )
    if posted and form.is_valid():
        try:
            services.adaptation_create(
                original=original, author=request.user, **form.service_kwargs()
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("Your adaptation is recorded. Its author and followers are told.")
            )
            return redirect(f"{original.get_absolute_url()}#adaptations")
    return render(
        request,
        "practices/adaptation_form.html",
        {"form": form, "original": original, "adaptation": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def adaptation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    adaptation = selectors.adaptation_get_for_author(user=request.user, pk=pk)
    if adaptation is None:
        raise Http404(_("No such adaptation of yours."))
    if not request.user.can_post:
        return render(request, "practices/cannot_post.html", status=403)
    original = adaptation.original
    own = selectors.adaptation_own_practice_choices(user=request.user, original=original)
    posted = request.method == "POST"
    form = AdaptationForm(
        data=request.POST if posted else None, instance=adaptation, own_practices=own
    )
    if posted and form.is_valid():
        try:
            services.adaptation_update(
                adaptation=adaptation, editor=request.user, **form.service_kwargs()
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your adaptation is saved."))
            return redirect(f"{original.get_absolute_url()}#adaptation-{adaptation.pk}")
    return render(
        request,
        "practices/adaptation_form.html",
        {"form": form, "original": original, "adaptation": adaptation},
    )


@moderator_required
@require_POST
def adaptation_moderate(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    adaptation = Adaptation.objects.select_related("original").filter(pk=pk).first()
    if adaptation is None or action not in ("hide", "restore"):
        raise Http404(_("No such adaptation or action."))
    back = f"{adaptation.original.get_absolute_url()}#adaptation-{adaptation.pk}"
    form = HideForm(request.POST)
    try:
        if action == "hide":
            if not form.is_valid():
                messages.error(request, _("Give a reason for hiding it; the author will read it."))
                return redirect(back)
            services.adaptation_hide(
                adaptation=adaptation, moderator=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The adaptation is hidden."))
        else:
            services.adaptation_restore(
                adaptation=adaptation,
                moderator=request.user,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("The adaptation is shown again."))
    except ValidationError as error:
        messages.error(request, service_error_text(error))
    return redirect(back)


# --- Check-ins -------------------------------------------------------------------------------


@login_required
@require_POST
def checkin_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """One click on the practice's page (or in the notification) answers."""
    checkin = CheckIn.objects.select_related("practice").filter(pk=pk).first()
    if checkin is None:
        raise Http404(_("No such check-in."))
    if checkin.author_id != request.user.pk:
        raise PermissionDenied(_("Only the practice's author can check in."))
    form = CheckInForm(request.POST)
    back = f"{checkin.practice.get_absolute_url()}#checkin"
    if not form.is_valid():
        messages.error(request, _("Choose one of the four answers."))
        return redirect(back)
    try:
        services.checkin_answer(
            checkin=checkin,
            user=request.user,
            answer=form.cleaned_data["answer"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, service_error_text(error))
    else:
        messages.success(request, _("Thank you: your check-in is on the practice's page."))
    return redirect(back)


@never_cache
@require_http_methods(["GET", "POST"])
def checkin_link(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mail's link: GET shows the answer with one button (mail scanners open links,
    so a GET never answers); POST answers, without logging in. The signed token names the
    check-in and the answer and works once."""
    try:
        checkin, answer = services.checkin_from_token(token=token)
    except services.CheckInError as refused:
        return render(request, "practices/checkin_invalid.html", {"error": refused}, status=400)
    form = CheckInNoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.checkin_answer_by_token(token=token, note=form.cleaned_data["note"])
        except services.CheckInError as refused:
            return render(request, "practices/checkin_invalid.html", {"error": refused}, status=400)
        return render(request, "practices/checkin_done.html", {"checkin": done})
    return render(
        request,
        "practices/checkin_confirm.html",
        {
            "checkin": checkin,
            "answer": answer,
            "answer_label": CheckInAnswer(answer).label,
            "form": form,
        },
    )


# --- Where -----------------------------------------------------------------------------------


@require_GET
def where(request: HttpRequest) -> HttpResponse:
    return render(request, "practices/where.html", {"overview": selectors.where_overview()})
