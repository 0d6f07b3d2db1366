"""The root URLs: every app's pages, the API and the admin."""

from django.contrib import admin
from django.urls import include, path

from accord.api.main import api
from accord.live import urls as live_urls
from accord.meetings import urls as meeting_urls

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # The meeting pages and the run page (S-MEET-1..5) share the prefix and the namespace.
    path(
        "meetings/",
        include((meeting_urls.urlpatterns + live_urls.urlpatterns, meeting_urls.app_name)),
    ),
    path("minutes/", include("accord.minutes.urls")),
    path("actions/", include("accord.actions.urls")),
    path("analytics/", include("accord.analytics.urls")),
    path("series/", include("accord.series.urls")),
    path("series/review/", include("accord.series.review_urls")),
    path("manage/templates/", include("accord.minutes.template_urls")),
    path("manage/", include("accord.org.urls")),
    path("notifications/", include("accord.notify.urls")),
    path("api-tokens/", include("accord.api.urls")),
    path("calendar/", include("accord.calendars.urls")),
    path("", include("accord.web.urls")),
]
# Uploads are never served from a public /media/ URL: materials are downloaded through
# meetings:material, which checks visibility first.
