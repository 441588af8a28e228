from django.conf import settings
from django.db import models


class TagFollow(models.Model):
    """A member follows a tag: new practices under it reach them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tag_follows"
    )
    tag = models.ForeignKey("practices.Tag", on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "tag"], name="unique_tag_follow")]
        indexes = [models.Index(fields=["tag", "user"], name="tagfollow_tag")]

    def __str__(self) -> str:
        return f"{self.user_id} follows tag {self.tag_id}"


class PracticeFollow(models.Model):
    """A member follows a practice (new comments reach them) or mutes it (nothing does, and
    posting or commenting no longer follows it again)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_follows"
    )
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.CASCADE, related_name="follows"
    )
    muted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "practice"], name="unique_practice_follow")
        ]
        indexes = [models.Index(fields=["practice", "muted"], name="practicefollow_practice")]

    def __str__(self) -> str:
        state = "mutes" if self.muted else "follows"
        return f"{self.user_id} {state} practice {self.practice_id}"
