"""The moderators' pages: the dashboard, actions on practices and comments, the approval
queue, the audit log, and members with their suspensions.

Every view here is for moderators only (`moderator_required`): visitors are sent to log in,
members get 403. A form validates, one service acts, then a redirect with a message; a
refusal by the service (already hidden, not waiting for approval…) is a clear message and
changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import services as account_services
from practices.forms_moderation import (
    CollectionPickForm,
    LogFilterForm,
    MemberSearchForm,
    ReasonForm,
    SuspendForm,
)
from practices.models import Collection, Comment, Practice
from practices.selectors import moderation as selectors
from practices.services import collections as collection_services
from practices.services import curation
from practices.services import moderation as services


def moderator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Visitors log in first; anyone but an active, unsuspended moderator gets 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.is_moderator or user.is_suspended:
            raise PermissionDenied(_("Only moderators may see this page."))
        return view(request, *args, **kwargs)

    return wrapped


def next_url(request: HttpRequest, default: str) -> str:
    """Where to go after an action: the `next` the form carried, if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def service_error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def apply_service_errors(form: Any, error: ValidationError) -> None:
    """Put a service's refusal on the form: on its field when it names one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- The dashboard ------------------------------------------------------------------------


@moderator_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "moderation/dashboard.html", selectors.moderation_dashboard())


@moderator_required
@require_GET
def approvals(request: HttpRequest) -> HttpResponse:
    context = selectors.pending_practices(page=request.GET.get("page"))
    return render(request, "moderation/approvals.html", context)


# --- Actions on practices and comments -----------------------------------------------------


@dataclass(frozen=True)
class Action:
    service: Callable[..., Any]
    reason_required: bool
    title: str
    button: str
    done: str
    # True when the action would change nothing now (the message says so instead).
    already: Callable[[Any], bool] = lambda target: False
    already_message: str = ""


PRACTICE_ACTIONS: dict[str, Action] = {
    "hide": Action(
        services.practice_hide,
        True,
        gettext_lazy("Hide this practice"),
        gettext_lazy("Hide"),
        gettext_lazy("The practice is hidden. Members no longer see it; its author sees why."),
    ),
    "restore": Action(
        services.practice_restore,
        False,
        gettext_lazy("Restore this practice"),
        gettext_lazy("Restore"),
        gettext_lazy("The practice is visible again."),
    ),
    "lock": Action(
        services.practice_lock,
        False,
        gettext_lazy("Close the discussion"),
        gettext_lazy("Close the discussion"),
        gettext_lazy("The discussion is closed to new comments."),
    ),
    "unlock": Action(
        services.practice_unlock,
        False,
        gettext_lazy("Reopen the discussion"),
        gettext_lazy("Reopen"),
        gettext_lazy("The discussion is open again."),
    ),
    "approve": Action(
        services.practice_approve,
        False,
        gettext_lazy("Approve and publish this practice"),
        gettext_lazy("Approve"),
        gettext_lazy(
            "The practice is published; its author and the followers of its tags are told."
        ),
    ),
    "reject": Action(
        services.practice_reject,
        True,
        gettext_lazy("Send this practice back to its author"),
        gettext_lazy("Send back"),
        gettext_lazy("The practice is a draft again; its author is told why."),
    ),
    "validate": Action(
        curation.practice_validate,
        False,
        gettext_lazy("Validate this practice"),
        gettext_lazy("Validate"),
        gettext_lazy("The practice carries the “Validated” badge."),
        lambda p: p.validated_at is not None,
        gettext_lazy("This practice is already validated."),
    ),
    "unvalidate": Action(
        curation.practice_unvalidate,
        False,
        gettext_lazy("Withdraw the validation"),
        gettext_lazy("Withdraw"),
        gettext_lazy("The validation is withdrawn."),
        lambda p: p.validated_at is None,
        gettext_lazy("This practice is not validated."),
    ),
    "feature": Action(
        curation.practice_feature,
        False,
        gettext_lazy("Feature this practice on the start page"),
        gettext_lazy("Feature"),
        gettext_lazy("The practice is featured on the start page."),
        lambda p: p.featured_at is not None,
        gettext_lazy("This practice is already featured."),
    ),
    "unfeature": Action(
        curation.practice_unfeature,
        False,
        gettext_lazy("Take this practice off the start page"),
        gettext_lazy("Stop featuring"),
        gettext_lazy("The practice is no longer featured."),
        lambda p: p.featured_at is None,
        gettext_lazy("This practice is not featured."),
    ),
}

COMMENT_ACTIONS: dict[str, Action] = {
    "hide": Action(
        services.comment_hide,
        True,
        gettext_lazy("Hide this comment"),
        gettext_lazy("Hide"),
        gettext_lazy("The comment is hidden; it vanished for everyone reading the discussion."),
    ),
    "restore": Action(
        services.comment_restore,
        False,
        gettext_lazy("Restore this comment"),
        gettext_lazy("Restore"),
        gettext_lazy("The comment is visible again."),
    ),
}


def _act(
    request: HttpRequest,
    *,
    action: Action,
    call: Callable[[str], Any],
    target: Practice | Comment,
    practice: Practice,
    done_url: str,
) -> HttpResponse:
    form = ReasonForm(
        request.POST if request.method == "POST" else None, required=action.reason_required
    )
    status = 200
    if request.method == "POST":
        if action.already(target):
            messages.info(request, action.already_message)
            return HttpResponseRedirect(next_url(request, done_url))
        if form.is_valid():
            try:
                call(form.cleaned_data["reason"])
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    apply_service_errors(form, error)
                else:
                    messages.error(request, service_error_text(error))
                    return HttpResponseRedirect(next_url(request, done_url))
            else:
                messages.success(request, action.done)
                return HttpResponseRedirect(next_url(request, done_url))
        status = 400
    context = {
        "action": action,
        "form": form,
        "target": target,
        "practice": practice,
        "comment": target if isinstance(target, Comment) else None,
        "next": next_url(request, ""),
    }
    return render(request, "moderation/action_confirm.html", context, status=status)


@moderator_required
@require_http_methods(["GET", "POST"])
def practice_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = PRACTICE_ACTIONS.get(action)
    practice = selectors.moderation_practice_get(pk=pk)
    if spec is None or practice is None:
        raise Http404(_("No such practice or action."))

    def call(reason: str) -> Any:
        return spec.service(practice=practice, moderator=request.user, reason=reason)

    return _act(
        request,
        action=spec,
        call=call,
        target=practice,
        practice=practice,
        done_url=practice.get_absolute_url(),
    )


@moderator_required
@require_http_methods(["GET", "POST"])
def comment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = COMMENT_ACTIONS.get(action)
    comment = selectors.reported_comment_get(pk=pk)
    if spec is None or comment is None:
        raise Http404(_("No such comment or action."))

    def call(reason: str) -> Any:
        return spec.service(comment=comment, moderator=request.user, reason=reason)

    return _act(
        request,
        action=spec,
        call=call,
        target=comment,
        practice=comment.practice,
        done_url=f"{comment.practice.get_absolute_url()}#comment-{comment.pk}",
    )


@moderator_required
@require_POST
def practice_collect(request: HttpRequest, pk: int) -> HttpResponse:
    """The practice page's menu: add this practice to a collection."""
    practice = selectors.moderation_practice_get(pk=pk)
    if practice is None:
        raise Http404(_("No such practice."))
    form = CollectionPickForm(request.POST)
    collection = (
        Collection.objects.filter(pk=form.cleaned_data["collection"]).first()
        if form.is_valid()
        else None
    )
    if collection is None:
        messages.error(request, _("Choose one of the collections in the list."))
        return redirect(practice)
    try:
        collection_services.collection_add_practice(
            collection=collection, moderator=request.user, practice=practice
        )
    except ValidationError as error:
        messages.error(request, service_error_text(error))
    else:
        messages.success(
            request,
            _("Added to the collection “%(title)s”.") % {"title": collection.title},
        )
    return redirect(practice)


# --- The audit log ------------------------------------------------------------------------


@moderator_required
@require_GET
def log(request: HttpRequest) -> HttpResponse:
    form = LogFilterForm(request.GET or None, actors=selectors.log_actor_choices())
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {
            "action": form.cleaned_data["action"],
            "actor_id": form.cleaned_data["actor"],
            "target_type": form.cleaned_data["target_type"],
            "target_id": form.cleaned_data["target_id"],
        }
    context = selectors.action_log(page=request.GET.get("page"), **filters)
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        {
            "form": form,
            "query": query.urlencode(),
            "filtered": bool(filters and any(filters.values())),
        }
    )
    return render(request, "moderation/log.html", context, status=200 if not form.errors else 400)


# --- Members ------------------------------------------------------------------------------


@moderator_required
@require_GET
def members(request: HttpRequest) -> HttpResponse:
    form = MemberSearchForm(request.GET or None)
    q, status = "", ""
    if form.is_bound and form.is_valid():
        q, status = form.cleaned_data["q"], form.cleaned_data["status"]
    context = selectors.member_list(q=q, status=status, page=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context.update({"form": form, "query": query.urlencode()})
    return render(request, "moderation/members.html", context)


def _member_page(
    request: HttpRequest, pk: int, *, suspend_form: SuspendForm | None = None, status: int = 200
) -> HttpResponse:
    context = selectors.member_moderation(pk=pk)
    if context is None:
        raise Http404(_("No such member."))
    context["suspend_form"] = suspend_form or SuspendForm()
    context["lift_form"] = ReasonForm(required=False)
    return render(request, "moderation/member.html", context, status=status)


@moderator_required
@require_GET
def member(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_page(request, pk)


@moderator_required
@require_POST
def member_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    context = selectors.member_moderation(pk=pk)
    if context is None:
        raise Http404(_("No such member."))
    target = context["member"]
    form = SuspendForm(request.POST)
    if form.is_valid():
        try:
            account_services.user_suspend(
                user=target,
                moderator=request.user,
                reason=form.cleaned_data["reason"],
                until=form.until_moment(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s is suspended.") % {"name": target.display_name})
            return redirect("moderation:member", pk=target.pk)
    return _member_page(request, pk, suspend_form=form, status=400)


@moderator_required
@require_POST
def member_unsuspend(request: HttpRequest, pk: int) -> HttpResponse:
    context = selectors.member_moderation(pk=pk)
    if context is None:
        raise Http404(_("No such member."))
    target = context["member"]
    form = ReasonForm(request.POST, required=False)
    if not form.is_valid():
        messages.error(request, _("Keep the reason short."))
        return redirect("moderation:member", pk=target.pk)
    try:
        account_services.user_unsuspend(
            user=target, moderator=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, service_error_text(error))
    else:
        messages.success(
            request, _("%(name)s's suspension is lifted.") % {"name": target.display_name}
        )
    return redirect(reverse("moderation:member", kwargs={"pk": target.pk}))
