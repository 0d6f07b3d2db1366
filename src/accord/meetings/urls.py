"""The URLs of the meeting pages: list, week, detail, planning and preparation (the live meeting's are in ``live/urls.py``)."""

from django.urls import path

from accord.meetings import planning_views, preparation_views, step_views, views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("calendar/", views.calendar, name="calendar"),
    path("new/", planning_views.meeting_create, name="create"),
    path("people/", step_views.people_search, name="people_search"),
    path("materials/<int:pk>/", preparation_views.material_download, name="material"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/edit/", planning_views.meeting_edit, name="edit"),
    path("<int:pk>/prepare/", preparation_views.prepare, name="prepare"),
    # The guided planning, one page per step.
    path("<int:pk>/plan/<slug:step>/", step_views.plan_step, name="plan"),
    path("<int:pk>/templates/start/", step_views.template_start, name="template_start"),
    path("<int:pk>/templates/save/", step_views.template_save, name="template_save"),
    # Planning on the detail page (POST; htmx gets the changed section back).
    path("<int:pk>/topics/", planning_views.topic_add, name="topic_add"),
    path("<int:pk>/topics/order/", planning_views.topics_reorder, name="topics_reorder"),
    path("<int:pk>/topics/<int:topic_pk>/", planning_views.topic_edit, name="topic_edit"),
    path(
        "<int:pk>/topics/<int:topic_pk>/remove/", planning_views.topic_remove, name="topic_remove"
    ),
    path("<int:pk>/questions/", planning_views.question_add, name="question_add"),
    path("<int:pk>/participants/", views.participants_section, name="participants"),
    path(
        "<int:pk>/participants/invite/",
        planning_views.participants_invite,
        name="participants_invite",
    ),
    path("<int:pk>/participants/add/", planning_views.participant_add, name="participant_add"),
    path(
        "<int:pk>/participants/<int:participant_pk>/remove/",
        planning_views.participant_remove,
        name="participant_remove",
    ),
    path("<int:pk>/copies/", planning_views.department_copy, name="department_copy"),
    path("<int:pk>/copies/remove/", planning_views.department_uncopy, name="department_uncopy"),
    path("<int:pk>/materials/", planning_views.material_add, name="material_add"),
    path("<int:pk>/materials/send-at/", planning_views.materials_send_at, name="materials_send_at"),
    path("<int:pk>/schedule/", planning_views.meeting_schedule, name="schedule"),
    path("<int:pk>/cancel/", planning_views.meeting_cancel, name="cancel"),
    # Preparation (S-PREP-4).
    path("<int:pk>/answers/", preparation_views.answer_save, name="answer_save"),
    path("<int:pk>/answers/submit/", preparation_views.answers_submit, name="answers_submit"),
]
