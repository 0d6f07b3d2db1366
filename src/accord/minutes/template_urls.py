"""The URLs of the company template pages."""

from django.urls import path

from accord.minutes import template_views as views

app_name = "minutes_templates"

urlpatterns = [
    path("", views.template_list, name="list"),
    path("<int:pk>/active/", views.template_activate, name="activate"),
    path("<int:pk>/delete/", views.template_delete, name="delete"),
]
