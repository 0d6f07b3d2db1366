"""The URLs of the minutes pages: the record, review, distribution, downloads and sign-off."""

from django.urls import path

from accord.minutes import views

app_name = "minutes"

urlpatterns = [
    path("<int:meeting_pk>/", views.detail, name="detail"),
    path("<int:meeting_pk>/summary/", views.summary, name="summary"),
    path("<int:meeting_pk>/submit/", views.submit, name="submit"),
    path("<int:meeting_pk>/approve/", views.approve, name="approve"),
    path("<int:meeting_pk>/return/", views.return_, name="return"),
    path("<int:meeting_pk>/distribute/", views.distribute, name="distribute"),
    path("<int:meeting_pk>/revise/", views.revise, name="revise"),
    path("<int:meeting_pk>/minutes.pdf", views.download_pdf, name="download_pdf"),
    path("<int:meeting_pk>/minutes.docx", views.download_docx, name="download_docx"),
    path("<int:meeting_pk>/minutes.md", views.download_markdown, name="download_markdown"),
    path("<int:meeting_pk>/actions/<int:action_pk>/sign/", views.sign, name="sign"),
    path("<int:meeting_pk>/actions.xlsx", views.actions_xlsx, name="actions_xlsx"),
]
