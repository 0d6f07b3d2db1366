"""The owner proposes a new due date; whoever may re-plan the item answers (S-TRACK-3).

zhou's item from the launch meeting was due on 15 September. On the 20th it is five days
overdue: zhou proposes the 25th, because the test server has not arrived. sun (the
organiser, PMO) and wang (the host) are asked; sun accepts, and the item is re-planned with
zhou's reason, so the next meeting's review shows it moved and slipped (S-REVIEW-1). Or wang
declines, and zhou hears why.
"""

import datetime as dt

import pytest
from django.utils import timezone

from accord.actions import services as actions
from accord.actions import tracking
from accord.actions.models import ActionItem, ActionUpdate, DueDateProposal
from accord.core import clock
from accord.core.errors import AppError
from accord.core.models import AuditEvent
from accord.meetings import services as meetings
from accord.notify.messages import texts
from accord.notify.models import Channel, Notification
from accord.series.selectors import previous_plan_review
from accord.series.services import meeting_follow
from tests.conftest import Org

Status = DueDateProposal.Status
TODAY = dt.date(2026, 9, 20)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))


@pytest.fixture
def on_the_20th():
    with clock.frozen(at(9, 20, 10)):
        yield


def propose(org: Org, item: ActionItem, due="9月25日前", reason=" 测试服务器未到货 "):
    return tracking.due_proposal_create(actor=org.zhou, action=item, due=due, reason=reason)


def told(kind: str) -> list[tuple[str, str]]:
    """(recipient, subject) of each in-app notice of ``kind``, rendered in English."""
    rows = Notification.objects.filter(kind=kind, via=Channel.Kind.IN_APP).select_related(
        "recipient", "action__meeting", "action__owner__department"
    )
    return sorted((n.recipient.username, texts(n)[0]) for n in rows)


def nothing_changed(item: ActionItem, before: tuple) -> bool:
    return before == state(item)


def state(item: ActionItem) -> tuple:
    item.refresh_from_db()
    return (
        item.due_date,
        item.replan_count,
        item.updates.count(),
        list(item.due_proposals.values_list("status", flat=True)),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def refused(call, item: ActionItem, **kwargs) -> AppError:
    before = state(item)
    with pytest.raises(AppError) as caught:
        call(**kwargs)
    assert nothing_changed(item, before)
    return caught.value


# -- proposing ---------------------------------------------------------------------------------


def test_owner_proposes_a_date_and_the_organiser_and_host_are_asked_s_track_3(
    org: Org, item, on_the_20th
):
    proposal = propose(org, item)

    proposal.refresh_from_db()
    assert (
        proposal.proposed_by,
        proposal.old_due_date,
        proposal.due_date,
        proposal.reason,
        proposal.status,
        proposal.decided_by,
    ) == (org.zhou, dt.date(2026, 9, 15), dt.date(2026, 9, 25), "测试服务器未到货", "pending", None)
    item.refresh_from_db()
    assert (item.due_date, item.replan_count) == (dt.date(2026, 9, 15), 0)
    audit = AuditEvent.objects.order_by("-id").first()
    assert (audit.actor, audit.verb, audit.data) == (
        org.zhou,
        "action.due_proposed",
        {
            "proposal": proposal.pk,
            "from": "2026-09-15",
            "to": "2026-09-25",
            "reason": "测试服务器未到货",
        },
    )
    assert told("action.due_proposed") == [
        ("sun", "New date proposed: 搭建测试环境"),
        ("wang", "New date proposed: 搭建测试环境"),
    ]
    notice = Notification.objects.filter(kind="action.due_proposed").first()
    assert texts(notice)[1] == (
        "研发部 周工程师 proposes to move 搭建测试环境 from 2026-09-15 (Tuesday) to "
        "2026-09-25 (Friday). Reason: 测试服务器未到货\n"
        "Accept it (the item is re-planned) or decline it with a reason."
    )


def test_a_second_proposal_waits_for_the_first_to_be_answered(org: Org, item, on_the_20th):
    propose(org, item)

    error = refused(
        tracking.due_proposal_create, item, actor=org.zhou, action=item, due="9月30日前", reason="x"
    )

    assert (error.code, error.field, error.message) == (
        "duplicate",
        None,
        "Your proposal of 2026-09-25 is still waiting for an answer; withdraw it to propose "
        "another date.",
    )


@pytest.mark.parametrize(
    ("due", "reason", "field", "message"),
    [
        (
            "2026-09-18",
            "等服务器",
            "due_date",
            "The due date 2026-09-18 has already passed. Choose today (2026-09-20) or a later "
            "date.",
        ),
        (
            "尽快",
            "等服务器",
            "due_date",
            "“尽快” is not a date: nobody can be reminded of it or held to it. Write a real "
            "date instead, e.g. “9月15日前”, “2026-09-15” or “next Friday”.",
        ),
        ("2100-01-01", "等服务器", "due_date", "Choose a date between 2000-01-01 and 2099-12-31."),
        ("9月25日前", "  ", "reason", "Say why the item needs a new date."),
        ("9月25日前", "慢" * 2001, "reason", "Keep it to 2000 characters (this has 2001)."),
    ],
)
def test_a_proposal_needs_a_real_date_ahead_and_a_reason(
    org: Org, item, on_the_20th, due, reason, field, message
):
    error = refused(
        tracking.due_proposal_create, item, actor=org.zhou, action=item, due=due, reason=reason
    )

    assert (error.field, error.message) == (field, message)


def test_the_date_it_already_has_is_no_proposal(org: Org, item):
    with clock.frozen(at(9, 10, 10)):
        error = refused(
            tracking.due_proposal_create,
            item,
            actor=org.zhou,
            action=item,
            due="2026-09-15",
            reason="等服务器",
        )

    assert (error.field, error.code, error.message) == (
        "due_date",
        "unchanged",
        "The item is already due on 2026-09-15.",
    )


@pytest.mark.parametrize("who", ["li", "sun", "zhang"])
def test_only_the_owner_proposes(org: Org, item, on_the_20th, who):
    """Not the owner's head, not the organiser (who re-plans), not another participant."""
    error = refused(
        tracking.due_proposal_create,
        item,
        actor=getattr(org, who),
        action=item,
        due="9月25日前",
        reason="等服务器",
    )

    assert (error.code, error.message) == (
        "forbidden",
        "Only the owner may propose a new due date.",
    )


def test_a_done_item_gets_no_new_date(org: Org, item, on_the_20th):
    tracking.action_set_status(actor=org.zhou, action=item, status=ActionItem.Status.DONE)

    error = refused(
        tracking.due_proposal_create, item, actor=org.zhou, action=item, due="9月25日前", reason="x"
    )

    assert (error.field, error.code) == ("status", "illegal_state")


# -- answering -----------------------------------------------------------------------------------


def test_accepting_replans_with_the_owners_reason_and_the_review_counts_the_move(
    org: Org, item, on_the_20th
):
    """S-TRACK-3: the organiser adjusts the plan on the owner's word; S-REVIEW-1: the next
    meeting's review shows the committed date, the move and its reason, and counts it
    slipped."""
    proposal = propose(org, item)
    Notification.objects.all().delete()

    update = tracking.due_proposal_accept(actor=org.sun, proposal=proposal)

    item.refresh_from_db()
    assert (item.due_date, item.committed_due_date, item.replan_count) == (
        dt.date(2026, 9, 25),
        dt.date(2026, 9, 15),
        1,
    )
    assert (update.kind, update.author, update.old_due_date, update.new_due_date, update.text) == (
        ActionUpdate.Kind.REPLAN,
        org.sun,
        dt.date(2026, 9, 15),
        dt.date(2026, 9, 25),
        "测试服务器未到货",
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by, proposal.decided_at) == (
        Status.ACCEPTED,
        org.sun,
        at(9, 20, 10),
    )
    assert list(
        AuditEvent.objects.filter(subject_id=item.pk)
        .order_by("-id")
        .values_list("verb", "data")[:2]
    ) == [
        ("action.due_proposal_accepted", {"proposal": proposal.pk, "to": "2026-09-25"}),
        (
            "action.replanned",
            {
                "from": "2026-09-15",
                "to": "2026-09-25",
                "reason": "测试服务器未到货",
                "proposed_by": org.zhou.pk,
            },
        ),
    ]
    # The owner's answer is the re-plan notice, which says whose date it was.
    assert told("action.replanned") == [
        ("li", "Re-planned: 搭建测试环境"),
        ("sun", "Re-planned: 搭建测试环境"),
        ("zhou", "Re-planned: 搭建测试环境"),
    ]
    notice = Notification.objects.get(kind="action.replanned", recipient=org.zhou, via="in_app")
    assert texts(notice)[1] == (
        "搭建测试环境 (研发部 周工程师) is now due on 2026-09-25 (Friday) instead of "
        "2026-09-15 (Tuesday). Reason: 测试服务器未到货\n"
        "行政部 孙主任 accepted the date 研发部 周工程师 proposed."
    )
    follow_up = meetings.meeting_create(
        actor=org.sun, title="第二次协调会", starts_at=at(9, 21, 14)
    )
    meeting_follow(actor=org.sun, meeting=follow_up, previous=item.meeting)
    (row,) = previous_plan_review(meeting=follow_up)
    assert (row.on_time, row.overdue, row.slipped, row.moves) == (False, False, True, 1)
    assert [(r.old_due_date, r.new_due_date, r.text) for r in row.replans] == [
        (dt.date(2026, 9, 15), dt.date(2026, 9, 25), "测试服务器未到货")
    ]


def test_declining_keeps_the_date_and_tells_the_owner_why(org: Org, item, on_the_20th):
    proposal = propose(org, item)
    Notification.objects.all().delete()

    tracking.due_proposal_decline(actor=org.wang, proposal=proposal, answer=" 上线日期不能再推 ")

    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by, proposal.answer) == (
        Status.DECLINED,
        org.wang,
        "上线日期不能再推",
    )
    item.refresh_from_db()
    assert (item.due_date, item.replan_count, item.updates.count()) == (
        dt.date(2026, 9, 15),
        0,
        0,
    )
    assert told("action.due_declined") == [("zhou", "New date declined: 搭建测试环境")]
    assert not Notification.objects.exclude(kind="action.due_declined").exists()
    notice = Notification.objects.get(kind="action.due_declined", via="in_app")
    assert texts(notice)[1] == (
        "市场部 王经理 declined moving 搭建测试环境 to 2026-09-25 (Friday): 上线日期不能再推\n"
        "The item stays due on 2026-09-15 (Tuesday)."
    )
    # Answered: the owner may propose again.
    assert propose(org, item, due="9月22日前").status == Status.PENDING


@pytest.mark.parametrize("who", ["zhou", "li", "zhang"])
def test_only_who_may_replan_answers(org: Org, item, on_the_20th, who):
    proposal = propose(org, item)

    for call, kwargs in (
        (tracking.due_proposal_accept, {}),
        (tracking.due_proposal_decline, {"answer": "不行"}),
    ):
        error = refused(call, item, actor=getattr(org, who), proposal=proposal, **kwargs)
        assert (error.code, error.message) == (
            "forbidden",
            "Only the organiser may answer a proposed date.",
        )


def test_a_decline_needs_a_reason(org: Org, item, on_the_20th):
    proposal = propose(org, item)

    error = refused(
        tracking.due_proposal_decline, item, actor=org.sun, proposal=proposal, answer=" "
    )

    assert (error.field, error.code, error.message) == (
        "answer",
        "required",
        "Say why the date is declined, so the owner knows what to do.",
    )


def test_an_answered_proposal_is_not_answered_again(org: Org, item, on_the_20th):
    proposal = propose(org, item)
    tracking.due_proposal_accept(actor=org.sun, proposal=proposal)

    error = refused(
        tracking.due_proposal_decline, item, actor=org.wang, proposal=proposal, answer="x"
    )

    assert (error.code, error.message) == (
        "illegal_state",
        "This proposal was already answered (Accepted).",
    )


def test_a_proposed_date_that_has_passed_is_not_accepted(org: Org, item, on_the_20th):
    """Proposed on the 20th for the 22nd, answered on the 23rd: the re-plan refuses a past
    date and the proposal keeps waiting (to be declined, or withdrawn for a new one)."""
    proposal = propose(org, item, due="2026-09-22")

    with clock.frozen(at(9, 23, 10)):
        error = refused(tracking.due_proposal_accept, item, actor=org.sun, proposal=proposal)

    assert (error.field, error.message) == (
        "due_date",
        "The due date 2026-09-22 has already passed. Choose today (2026-09-23) or a later date.",
    )


def test_the_owner_withdraws_a_waiting_proposal_and_proposes_again(org: Org, item, on_the_20th):
    proposal = propose(org, item)

    tracking.due_proposal_withdraw(actor=org.zhou, proposal=proposal)

    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (Status.WITHDRAWN, None)
    assert AuditEvent.objects.order_by("-id").first().verb == "action.due_proposal_withdrawn"
    error = refused(tracking.due_proposal_accept, item, actor=org.sun, proposal=proposal)
    assert error.message == "This proposal was already answered (Withdrawn)."
    error = refused(tracking.due_proposal_withdraw, item, actor=org.sun, proposal=proposal)
    assert error.message == "Only the owner who proposed the date may withdraw it."
    assert propose(org, item, due="9月30日前").due_date == dt.date(2026, 9, 30)


# -- a proposal the item has moved past -------------------------------------------------------


def superseded(proposal: DueDateProposal) -> tuple:
    """The proposal's status, who answered it, and the audit row that settled it."""
    proposal.refresh_from_db()
    event = AuditEvent.objects.filter(verb="action.due_proposal_superseded").get()
    return proposal.status, proposal.decided_by, event.data["proposal"], event.data["why"]


def test_a_replan_by_the_organiser_withdraws_the_waiting_proposal(org: Org, item, on_the_20th):
    """sun re-plans zhou's item to the 28th on his own: zhou's proposal of the 25th no longer
    answers anything, so it is withdrawn (with an audit row) and can no longer be accepted,
    which would move the date sun just set."""
    proposal = propose(org, item)

    tracking.action_replan(actor=org.sun, action=item, due="9月28日前", reason="等服务器")

    assert superseded(proposal) == (Status.WITHDRAWN, None, proposal.pk, "replanned")
    error = refused(tracking.due_proposal_accept, item, actor=org.sun, proposal=proposal)
    assert error.message == "This proposal was already answered (Withdrawn)."
    assert item.due_date == dt.date(2026, 9, 28)
    assert propose(org, item, due="9月30日前").status == Status.PENDING


@pytest.mark.parametrize(
    ("who", "status"), [("zhou", ActionItem.Status.DONE), ("sun", ActionItem.Status.CANCELLED)]
)
def test_a_done_or_cancelled_item_withdraws_the_waiting_proposal(
    org: Org, item, on_the_20th, who, status
):
    proposal = propose(org, item)

    tracking.action_set_status(actor=getattr(org, who), action=item, status=status)

    assert superseded(proposal) == (Status.WITHDRAWN, None, proposal.pk, status)
    error = refused(tracking.due_proposal_accept, item, actor=org.sun, proposal=proposal)
    assert error.message == "This proposal was already answered (Withdrawn)."
    assert item.due_date == dt.date(2026, 9, 15)


def test_a_new_owner_withdraws_the_old_owners_proposal(org: Org, item):
    """While the minutes are written the recorder hands zhou's item to li: the date zhou
    asked for is no longer the owner's word."""
    with clock.frozen(at(9, 10, 10)):
        proposal = propose(org, item)
        actions.action_update(actor=org.zhao, action=item, owner=org.li)

    assert superseded(proposal) == (Status.WITHDRAWN, None, proposal.pk, "owner_changed")


def test_a_proposal_for_a_due_date_the_item_no_longer_has_is_stale(org: Org, item, on_the_20th):
    """zhou proposed moving the 15th to the 25th; the item is now due on the 18th (a date
    set by a way that does not settle proposals, e.g. a restored backup). Accepting would
    move a date zhou never saw: refused with 409 ``stale``, nothing changes."""
    proposal = propose(org, item)
    ActionItem.objects.filter(pk=item.pk).update(due_date=dt.date(2026, 9, 18))

    error = refused(tracking.due_proposal_accept, item, actor=org.sun, proposal=proposal)

    assert (error.code, error.field, error.message) == (
        "stale",
        "due_date",
        "This proposal moved the date from 2026-09-15, but the item is now due on 2026-09-18. "
        "Decline it, or ask the owner to propose again.",
    )
    proposal.refresh_from_db()
    assert proposal.status == Status.PENDING
    from accord.api.errors import CONFLICTS

    assert "stale" in CONFLICTS
