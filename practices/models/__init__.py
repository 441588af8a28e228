"""The domain's models, one module per noun."""

from practices.models.comments import Comment, CommentQuerySet
from practices.models.follows import PracticeFollow, TagFollow
from practices.models.moderation import (
    Collection,
    CollectionItem,
    ModerationAction,
    Report,
    ReportReason,
    ReportResolution,
    TagRedirect,
)
from practices.models.notifications import DigestDelivery, Notification, NotificationKind
from practices.models.practices import (
    PRACTICE_LANGUAGES,
    Area,
    OrganisationType,
    Practice,
    PracticeQuerySet,
    PracticeRevision,
    Stage,
    Status,
    Tag,
    TaggedPractice,
    TargetGroup,
)
from practices.models.transfer import (
    Adaptation,
    AdaptationQuerySet,
    CheckIn,
    CheckInAnswer,
    PracticeSimilarity,
)

__all__ = [
    "Adaptation",
    "AdaptationQuerySet",
    "CheckIn",
    "CheckInAnswer",
    "PracticeSimilarity",
    "Area",
    "Collection",
    "CollectionItem",
    "Comment",
    "CommentQuerySet",
    "DigestDelivery",
    "ModerationAction",
    "Notification",
    "NotificationKind",
    "OrganisationType",
    "Practice",
    "PracticeFollow",
    "PracticeQuerySet",
    "PracticeRevision",
    "Report",
    "ReportReason",
    "ReportResolution",
    "PRACTICE_LANGUAGES",
    "Stage",
    "Status",
    "Tag",
    "TagFollow",
    "TagRedirect",
    "TaggedPractice",
    "TargetGroup",
]
