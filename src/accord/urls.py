from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

urlpatterns = [
    path("admin/", admin.site.urls),
    path("meetings/", include("accord.meetings.urls")),
    path("minutes/", include("accord.minutes.urls")),
    path("actions/", include("accord.actions.urls")),
    path("manage/", include("accord.org.urls")),
    path("", include("accord.web.urls")),
]

if settings.DEBUG:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
