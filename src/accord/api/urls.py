"""The URLs of the API token pages (the ninja API itself is mounted at ``/api/v1`` in ``accord/urls.py``)."""

from django.urls import path

from accord.api import views

app_name = "tokens"

urlpatterns = [
    path("", views.tokens, name="list"),
    path("<int:pk>/revoke/", views.token_revoke, name="revoke"),
]
