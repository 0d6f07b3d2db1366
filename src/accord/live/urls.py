"""The run page (S-MEET-1..5). A plain list: ``accord/urls.py`` mounts it under
``meetings/`` with the meeting pages, in their namespace ``meetings``, so these reverse as
``meetings:run``, ``meetings:run_position`` …, ``meetings:run_attendance``,
``meetings:run_action_edit``, ``meetings:run_action_remove``, ``meetings:run_present``."""

from django.urls import path

from accord.live import action_views, capture_views, present_views, record_views, views

urlpatterns = [
    path("<int:pk>/run/", views.run, name="run"),
    path("<int:pk>/run/start/", views.run_start, name="run_start"),
    path("<int:pk>/run/present/", present_views.run_present, name="run_present"),
    path(
        "<int:pk>/run/topics/<int:topic_pk>/positions/<int:department_pk>/",
        record_views.run_position,
        name="run_position",
    ),
    path("<int:pk>/run/topics/<int:topic_pk>/notes/", record_views.run_notes, name="run_notes"),
    path("<int:pk>/run/topics/<int:topic_pk>/time/", record_views.run_time, name="run_time"),
    path(
        "<int:pk>/run/topics/<int:topic_pk>/outcome/", record_views.run_outcome, name="run_outcome"
    ),
    path("<int:pk>/run/actions/", action_views.run_action, name="run_action"),
    path("<int:pk>/run/due-check/", action_views.run_due_check, name="run_due_check"),
    path(
        "<int:pk>/run/actions/<int:action_pk>/edit/",
        action_views.run_action_edit,
        name="run_action_edit",
    ),
    path(
        "<int:pk>/run/actions/<int:action_pk>/remove/",
        action_views.run_action_remove,
        name="run_action_remove",
    ),
    path(
        "<int:pk>/run/participants/<int:participant_pk>/attendance/",
        record_views.run_attendance,
        name="run_attendance",
    ),
    path("<int:pk>/run/objections/", record_views.run_objection, name="run_objection"),
    path(
        "<int:pk>/run/objections/<int:objection_pk>/resolve/",
        record_views.run_objection_resolve,
        name="run_objection_resolve",
    ),
    path("<int:pk>/run/end/", views.run_end, name="run_end"),
    path("<int:pk>/run/capture/", capture_views.run_capture, name="run_capture"),
    path("<int:pk>/run/capture/notes/", capture_views.run_capture_notes, name="run_capture_notes"),
    path(
        "<int:pk>/run/capture/transcripts/",
        capture_views.run_capture_transcript,
        name="run_capture_transcript",
    ),
    path(
        "<int:pk>/run/capture/<slug:scope>/<slug:key>/accept/",
        capture_views.run_capture_accept,
        name="run_capture_accept",
    ),
    path(
        "<int:pk>/run/capture/<slug:scope>/<slug:key>/discard/",
        capture_views.run_capture_discard,
        name="run_capture_discard",
    ),
]
