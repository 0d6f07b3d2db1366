from django.urls import path

from accord.meetings import run_urls, views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("calendar/", views.calendar, name="calendar"),
    path("new/", views.meeting_create, name="create"),
    path("materials/<int:pk>/", views.material_download, name="material"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/prepare/", views.prepare, name="prepare"),
    # Planning on the detail page (POST; htmx gets the changed section back).
    path("<int:pk>/topics/", views.topic_add, name="topic_add"),
    path("<int:pk>/topics/order/", views.topics_reorder, name="topics_reorder"),
    path("<int:pk>/topics/<int:topic_pk>/remove/", views.topic_remove, name="topic_remove"),
    path("<int:pk>/questions/", views.question_add, name="question_add"),
    path("<int:pk>/participants/", views.participants_section, name="participants"),
    path("<int:pk>/participants/invite/", views.participants_invite, name="participants_invite"),
    path("<int:pk>/participants/add/", views.participant_add, name="participant_add"),
    path(
        "<int:pk>/participants/<int:participant_pk>/remove/",
        views.participant_remove,
        name="participant_remove",
    ),
    path("<int:pk>/copies/", views.department_copy, name="department_copy"),
    path("<int:pk>/copies/remove/", views.department_uncopy, name="department_uncopy"),
    path("<int:pk>/materials/", views.material_add, name="material_add"),
    path("<int:pk>/materials/send-at/", views.materials_send_at, name="materials_send_at"),
    path("<int:pk>/schedule/", views.meeting_schedule, name="schedule"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="cancel"),
    # Preparation (S-PREP-4).
    path("<int:pk>/answers/", views.answer_save, name="answer_save"),
    path("<int:pk>/answers/submit/", views.answers_submit, name="answers_submit"),
]

# Running the meeting (S-MEET-1..5): host and recorder.
urlpatterns += run_urls.urlpatterns
