from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from forum import bench, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # 404 unless BENCH_ENDPOINTS is on (forum/bench.py).
    path("bench/bare", bench.bare, name="bench_bare"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("practices.urls")),
    path("", include("practices.urls_notifications")),
    path("", include("practices.urls_moderation")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
