"""The form side of comment threads: post, edit and delete without JavaScript.

The socket (practices/consumers/threads.py) calls the same services; so do these views.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from practices.models import Comment, Practice
from practices.selectors.comments import comment_get_visible, thread_practice_for
from practices.services import comments as comment_services
from practices.services.comments import CommentError

# How a refusal reads over HTTP.
STATUS_FOR_CODE = {
    "forbidden": 403,
    "edit_window_closed": 403,
    "suspended": 403,
    "not_verified": 403,
    "thread_closed": 403,
    "thread_locked": 403,
    "rate_limited": 429,
}


class CommentForm(forms.Form):
    # The service strips and checks the text, so that both edges give the same answers.
    body = forms.CharField(required=False, strip=False, widget=forms.Textarea)
    parent = forms.IntegerField(required=False, min_value=1)


def _comment_url(practice: Practice, comment: Comment) -> str:
    return f"{practice.get_absolute_url()}#comment-{comment.pk}"


def _refused(
    request: HttpRequest,
    *,
    practice: Practice,
    error: CommentError,
    body: str,
    comment: Comment | None = None,
    parent: str = "",
) -> HttpResponse:
    """The form again, with the reason and the text as typed: nothing is lost."""
    response = render(
        request,
        "practices/comment_edit.html",
        {
            "practice": practice,
            "comment": comment,
            "body": body,
            "parent": parent,
            "error": error,
        },
        status=STATUS_FOR_CODE.get(error.code, 400),
    )
    if error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    return response


@require_POST
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    practice = thread_practice_for(user=request.user, practice_id=pk)
    if practice is None:
        raise Http404(_("No such practice."))
    if not request.user.is_authenticated:
        return redirect_to_login(f"{practice.get_absolute_url()}#discussion")
    form = CommentForm(request.POST)
    body = request.POST.get("body", "")
    parent_raw = request.POST.get("parent", "")
    if not form.is_valid():
        error = CommentError("bad_parent", _("The comment you are replying to does not exist."))
        return _refused(request, practice=practice, error=error, body=body, parent=parent_raw)
    try:
        comment = comment_services.comment_create(
            practice=practice,
            author=request.user,
            body=form.cleaned_data["body"],
            parent=form.cleaned_data["parent"],
        )
    except CommentError as error:
        return _refused(request, practice=practice, error=error, body=body, parent=parent_raw)
    return HttpResponseRedirect(_comment_url(practice, comment))


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = comment_get_visible(user=request.user, pk=pk)
    if comment is None or comment.deleted_at is not None or comment.hidden_at is not None:
        raise Http404(_("No such comment."))
    if comment.author_id != request.user.pk and not request.user.is_moderator:
        raise PermissionDenied(_("You can only edit your own comments."))
    practice = comment.practice
    if request.method == "GET":
        if not comment_services.comment_may_edit(comment=comment, user=request.user):
            error = CommentError(
                "edit_window_closed", _("The time for editing this comment has passed.")
            )
            return _refused(
                request, practice=practice, error=error, body=comment.body, comment=comment
            )
        return render(
            request,
            "practices/comment_edit.html",
            {"practice": practice, "comment": comment, "body": comment.body},
        )
    form = CommentForm(request.POST)
    form.is_valid()
    body = form.cleaned_data.get("body") or ""
    try:
        comment = comment_services.comment_edit(comment=comment, editor=request.user, body=body)
    except CommentError as error:
        return _refused(request, practice=practice, error=error, body=body, comment=comment)
    messages.success(request, _("Your comment was saved."))
    return HttpResponseRedirect(_comment_url(practice, comment))


@login_required
@require_POST
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = comment_get_visible(user=request.user, pk=pk)
    if comment is None:
        raise Http404(_("No such comment."))
    if comment.author_id != request.user.pk:
        raise PermissionDenied(_("You can only delete your own comments."))
    practice = comment.practice
    try:
        comment = comment_services.comment_delete(comment=comment, user=request.user)
    except CommentError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your comment was deleted."))
    return HttpResponseRedirect(_comment_url(practice, comment))
