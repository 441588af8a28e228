"""Reports, the moderation dashboard and actions, the audit log and collections."""

from django.urls import path

from practices.views import collections, moderation, reports, tags

app_name = "moderation"

urlpatterns = [
    # Members report (any member with a verified account who is not suspended)
    path("report/practice/<int:pk>/", reports.report_practice, name="report_practice"),
    path("report/comment/<int:pk>/", reports.report_comment, name="report_comment"),
    path("report/adaptation/<int:pk>/", reports.report_adaptation, name="report_adaptation"),
    # Collections, public
    path("collections/", collections.collection_list, name="collections"),
    path("collections/<slug:slug>/", collections.collection_detail, name="collection"),
    # Moderators only
    path("moderation/", moderation.dashboard, name="dashboard"),
    path("moderation/reports/", reports.queue, name="reports"),
    path(
        "moderation/reports/practice/<int:pk>/",
        reports.reported_practice,
        name="reported_practice",
    ),
    path("moderation/reports/comment/<int:pk>/", reports.reported_comment, name="reported_comment"),
    path(
        "moderation/reports/adaptation/<int:pk>/",
        reports.reported_adaptation,
        name="reported_adaptation",
    ),
    path("moderation/approvals/", moderation.approvals, name="approvals"),
    path(
        "moderation/practices/<int:pk>/collect/",
        moderation.practice_collect,
        name="practice_collect",
    ),
    path(
        "moderation/practices/<int:pk>/<slug:action>/",
        moderation.practice_action,
        name="practice_action",
    ),
    path(
        "moderation/comments/<int:pk>/<slug:action>/",
        moderation.comment_action,
        name="comment_action",
    ),
    path("moderation/log/", moderation.log, name="log"),
    path("moderation/members/", moderation.members, name="members"),
    path("moderation/members/<int:pk>/", moderation.member, name="member"),
    path("moderation/members/<int:pk>/suspend/", moderation.member_suspend, name="member_suspend"),
    path(
        "moderation/members/<int:pk>/unsuspend/",
        moderation.member_unsuspend,
        name="member_unsuspend",
    ),
    path("moderation/collections/", collections.collection_manage, name="collections_manage"),
    path("moderation/collections/new/", collections.collection_create, name="collection_create"),
    path(
        "moderation/collections/<slug:slug>/",
        collections.collection_edit,
        name="collection_edit",
    ),
    path(
        "moderation/collections/<slug:slug>/add/", collections.collection_add, name="collection_add"
    ),
    path(
        "moderation/collections/<slug:slug>/move/",
        collections.collection_move,
        name="collection_move",
    ),
    path(
        "moderation/collections/<slug:slug>/remove/",
        collections.collection_remove,
        name="collection_remove",
    ),
    path("moderation/tags/<slug:slug>/rename/", tags.tag_rename, name="tag_rename"),
    path("moderation/tags/<slug:slug>/merge/", tags.tag_merge, name="tag_merge"),
    path("moderation/tags/<slug:slug>/describe/", tags.tag_describe, name="tag_describe"),
    path("moderation/tags/<slug:slug>/official/", tags.tag_official, name="tag_official"),
]
