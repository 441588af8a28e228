from django.conf import settings
from django.db import models

from practices.models.practices import Practice


class CommentQuerySet(models.QuerySet):
    def in_thread(self, practice_id: int) -> "CommentQuerySet":
        return self.filter(practice_id=practice_id)


class Comment(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    # One level of nesting: a reply's parent is always a top-level comment of the same practice.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    # Per-thread sequence number; clients resume "after N" from it.
    seq = models.PositiveIntegerField()
    # The thread sequence number of this comment's latest change (creation, edit, deletion,
    # hiding), drawn from the same counter as seq, so that a resume also replays changes.
    changed_seq = models.PositiveIntegerField()
    body = models.TextField()
    body_html = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Soft deletion by the author; the text stays in the database.
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=500, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["practice", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "seq"], name="unique_comment_seq")
        ]
        indexes = [models.Index(fields=["practice", "changed_seq"], name="comment_changed")]

    def __str__(self) -> str:
        return f"comment {self.pk} on practice {self.practice_id}"
