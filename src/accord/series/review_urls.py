"""The moves of the review of the previous plan (S-REVIEW-2), mounted at /series/review/."""

from django.urls import path

from accord.meetings.review_forms import MOVES
from accord.series import review_views as views

app_name = "review"

urlpatterns = [
    path(
        f"<int:meeting_pk>/<int:action_pk>/{move}/",
        views.review_move,
        {"move": move},
        name=move,
    )
    for move in MOVES
]
