"""The run page (S-MEET-1..5). A plain list: the meetings app adds these to its own
``urlpatterns`` (namespace ``meetings``), so they reverse as ``meetings:run``,
``meetings:run_position`` …, ``meetings:run_attendance``, ``meetings:run_action_edit``,
``meetings:run_action_remove``."""

from django.urls import path

from accord.meetings import run_views

urlpatterns = [
    path("<int:pk>/run/", run_views.run, name="run"),
    path("<int:pk>/run/start/", run_views.run_start, name="run_start"),
    path(
        "<int:pk>/run/topics/<int:topic_pk>/positions/<int:department_pk>/",
        run_views.run_position,
        name="run_position",
    ),
    path("<int:pk>/run/topics/<int:topic_pk>/notes/", run_views.run_notes, name="run_notes"),
    path("<int:pk>/run/topics/<int:topic_pk>/time/", run_views.run_time, name="run_time"),
    path("<int:pk>/run/topics/<int:topic_pk>/outcome/", run_views.run_outcome, name="run_outcome"),
    path("<int:pk>/run/actions/", run_views.run_action, name="run_action"),
    path("<int:pk>/run/due-check/", run_views.run_due_check, name="run_due_check"),
    path(
        "<int:pk>/run/actions/<int:action_pk>/edit/",
        run_views.run_action_edit,
        name="run_action_edit",
    ),
    path(
        "<int:pk>/run/actions/<int:action_pk>/remove/",
        run_views.run_action_remove,
        name="run_action_remove",
    ),
    path(
        "<int:pk>/run/participants/<int:participant_pk>/attendance/",
        run_views.run_attendance,
        name="run_attendance",
    ),
    path("<int:pk>/run/objections/", run_views.run_objection, name="run_objection"),
    path(
        "<int:pk>/run/objections/<int:objection_pk>/resolve/",
        run_views.run_objection_resolve,
        name="run_objection_resolve",
    ),
    path("<int:pk>/run/end/", run_views.run_end, name="run_end"),
]
