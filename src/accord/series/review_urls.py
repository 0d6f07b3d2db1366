"""The moves of the review of the previous plan (S-REVIEW-2), mounted at /series/review/."""

from django.urls import path

from accord.series import review_views as views
from accord.series.review_forms import MOVES

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
