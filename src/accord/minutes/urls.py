from django.urls import path  # noqa: F401

from accord.minutes import views  # noqa: F401

app_name = "minutes"

urlpatterns: list = []
