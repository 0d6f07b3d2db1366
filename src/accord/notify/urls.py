"""The URLs of the notification pages: the inbox, channels, the delivery log."""

from django.urls import path

from accord.notify import views

app_name = "notify"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.mark_all_read, name="mark_all_read"),
    path("<int:pk>/read/", views.mark_read, name="mark_read"),
    path("channels/", views.channels, name="channels"),
    path("channels/new/", views.channel_create, name="channel_create"),
    path("channels/<int:pk>/", views.channel_edit, name="channel_edit"),
    path("channels/<int:pk>/delete/", views.channel_delete, name="channel_delete"),
    path("channels/<int:pk>/switch/", views.channel_switch, name="channel_switch"),
    path("channels/<int:pk>/test/", views.channel_test, name="channel_test"),
    path("channels/<int:pk>/mute/", views.channel_mute, name="channel_mute"),
    path("email/", views.email_switch, name="email_switch"),
    path("log/", views.log, name="log"),
    path("log/<int:pk>/resend/", views.resend, name="resend"),
]
