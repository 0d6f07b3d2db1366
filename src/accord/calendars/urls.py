"""The URLs of the calendar feed and its settings page."""

from django.urls import path

from accord.calendars import views

app_name = "calendars"

urlpatterns = [
    path("", views.manage, name="manage"),
    path("<str:token>.ics", views.feed, name="feed"),
]
