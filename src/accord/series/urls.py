"""The URLs of the series pages and of the review of the previous plan."""

from django.urls import path

from accord.series import views

app_name = "series"

urlpatterns = [
    path("", views.series_list, name="list"),
    path("new/", views.series_create, name="create"),
    path("follow/<int:meeting_pk>/", views.meeting_follow, name="follow"),
    path("<int:pk>/", views.series_detail, name="detail"),
    path("<int:pk>/edit/", views.series_edit, name="edit"),
    path("<int:pk>/members/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:person_pk>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/plan/", views.plan_next, name="plan_next"),
]
