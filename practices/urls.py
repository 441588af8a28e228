from django.urls import path

from practices.views import comments, practices, tags, transfer

app_name = "practices"

urlpatterns = [
    # Practices
    path("practices/", practices.practice_list, name="list"),
    path("practices/new/", practices.practice_create, name="create"),
    path("practices/<int:pk>/", practices.practice_detail, name="detail_noslug"),
    path("practices/<int:pk>/edit/", practices.practice_edit, name="edit"),
    path("practices/<int:pk>/publish/", practices.practice_publish, name="publish"),
    path("practices/<int:pk>/revisions/", practices.practice_revisions, name="revisions"),
    path("practices/<int:pk>/comments/", comments.comment_create, name="comment_create"),
    path("practices/<int:pk>/adapt/", transfer.adaptation_create, name="adapt"),
    path("practices/<int:pk>/<slug:slug>/", practices.practice_detail, name="detail"),
    # Transfer: adaptations, check-ins, where practices run
    path("adaptations/<int:pk>/edit/", transfer.adaptation_edit, name="adaptation_edit"),
    path(
        "adaptations/<int:pk>/<slug:action>/",
        transfer.adaptation_moderate,
        name="adaptation_moderate",
    ),
    path("checkins/<int:pk>/answer/", transfer.checkin_answer, name="checkin_answer"),
    path("checkin/<str:token>/", transfer.checkin_link, name="checkin_link"),
    path("where/", transfer.where, name="where"),
    # Tags
    path("tags/", tags.tag_index, name="tag_index"),
    path("tags/<slug:slug>/", tags.tag_detail, name="tag"),
    path("api/tags/", tags.tag_autocomplete, name="tag_autocomplete"),
    # Comment threads (the form POST side; the socket side is in routing.py)
    path("comments/<int:pk>/edit/", comments.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", comments.comment_delete, name="comment_delete"),
]
