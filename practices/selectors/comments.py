"""Placeholder: reads of comment threads (replaced by the live-threads work)."""


def thread_for(*, practice, user) -> dict:
    """Everything templates/practices/_thread.html needs for this practice and viewer."""
    return {"practice": practice, "comments": [], "last_seq": practice.comment_seq}
