from django.urls import path  # noqa: F401

from accord.actions import views  # noqa: F401

app_name = "actions"

urlpatterns: list = []
