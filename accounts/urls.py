from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("members/<int:pk>/", views.profile, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("language/", views.language_set, name="language_set"),
]
