"""The URLs of the home page, sign-in and sign-out, the language switch and the benchmark's hello view."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accord.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.language, name="language"),
    path("bench/hello/", views.bench_hello, name="bench_hello"),
]
