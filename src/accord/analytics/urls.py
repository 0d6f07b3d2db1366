"""The URLs of the analytics page and its downloads."""

from django.urls import path

from accord.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
