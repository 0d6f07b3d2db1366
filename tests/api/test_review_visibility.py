"""S-REVIEW-2: the review of the previous plan shows each reader only the items of earlier
meetings they may see — a meeting can follow a confidential one."""

import datetime as dt

from conftest import STARTS

from accord.meetings import services as meetings
from accord.meetings.models import Participant
from accord.series import services as series

from .conftest import SECRET, bearer


def test_the_review_hides_the_items_of_a_confidential_earlier_meeting(world):
    o = world.org
    follower = meetings.meeting_create(
        actor=o.li, title="研发周会", starts_at=STARTS + dt.timedelta(days=7), host=o.li
    )
    meetings.participant_invite(
        actor=o.li, meeting=follower, person=o.zhou, role=Participant.Role.EXECUTOR
    )
    series.meeting_follow(actor=o.li, meeting=follower, previous=world.secret)
    from accord.api.services import token_create

    def review(person):
        _token, text = token_create(actor=person, name="review")
        response = bearer(text).get(f"/api/v1/meetings/{follower.pk}/review")
        assert response.status_code == 200
        return response

    assert [row["task"] for row in review(o.li).json()] == [SECRET["task"]]
    seen_by_zhou = review(o.zhou)
    assert seen_by_zhou.json() == []
    assert SECRET["task"] not in seen_by_zhou.content.decode()
