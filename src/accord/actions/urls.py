"""The URLs of the action item pages: my items, the boards, an item, its tracking moves, import and export."""

from django.urls import path

from accord.actions import views

app_name = "actions"

urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status/", views.set_status, name="set_status"),
    path("<int:pk>/progress/", views.report_progress, name="report_progress"),
    path("<int:pk>/overdue-reason/", views.report_overdue_reason, name="report_overdue_reason"),
    path("<int:pk>/replan/", views.replan, name="replan"),
    path("<int:pk>/replan/preview/", views.replan_preview, name="replan_preview"),
    path("<int:pk>/propose-date/", views.propose_due, name="propose_due"),
    path(
        "<int:pk>/propose-date/<int:proposal_pk>/accept/",
        views.proposal_accept,
        name="proposal_accept",
    ),
    path(
        "<int:pk>/propose-date/<int:proposal_pk>/decline/",
        views.proposal_decline,
        name="proposal_decline",
    ),
    path(
        "<int:pk>/propose-date/<int:proposal_pk>/withdraw/",
        views.proposal_withdraw,
        name="proposal_withdraw",
    ),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("boards/", views.boards, name="boards"),
    path("boards/department/<int:pk>/", views.department_board, name="department_board"),
    path("boards/overdue/", views.overdue_board, name="overdue_board"),
    path(
        "boards/department/<int:pk>/actions.xlsx",
        views.department_board_xlsx,
        name="department_board_xlsx",
    ),
    path("boards/overdue/actions.xlsx", views.overdue_board_xlsx, name="overdue_board_xlsx"),
    path("exports/<int:pk>/", views.export, name="export"),
    path("meeting/<int:meeting_pk>/import/", views.import_actions, name="import"),
]
