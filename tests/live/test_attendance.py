"""Attendance on the run page (S-TPL-1: the minutes list the people present): the host
takes it before the start and during the meeting; refusals keep the choice."""

import re

from django.urls import reverse

from accord.core import clock
from accord.core.models import AuditEvent
from accord.live import services as live
from accord.meetings import services as meetings
from accord.meetings.models import Meeting, Participant
from accord.org import services as org_services
from tests.conftest import STARTS, Org
from tests.live.test_views import HTMX, RUN_PAGE_QUERIES_RECORDER, during, run_url, text

# -- attendance (S-TPL-1: the minutes list the people present) ---------------------------------


def section(response, id_: str) -> str:
    """The visible text of one <section id=…> of a page, whitespace collapsed."""
    match = re.search(rf'<section id="{id_}".*?</section>', response.content.decode(), flags=re.S)
    assert match is not None, f"no section #{id_}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))).strip()


def chosen(response, select_id: str) -> list[str]:
    """The values selected in a <select> of the page."""
    html = response.content.decode()
    select = re.search(rf'<select[^>]* id="{select_id}"[^>]*>(.*?)</select>', html, flags=re.S)
    assert select is not None, f"no select #{select_id}"
    return re.findall(r'<option value="([^"]*)" selected>', select.group(1))


def participant_of(meeting: Meeting, person) -> Participant:
    return meeting.participants.get(person=person)


def attendance_url(meeting: Meeting, person) -> str:
    return run_url(meeting, "run_attendance", participant_of(meeting, person).pk)


def attendance_of(meeting: Meeting) -> dict[str, str]:
    return dict(meeting.participants.values_list("person__username", "attendance"))


NOBODY_MARKED = {
    "wang": "invited",
    "zhang": "invited",
    "li": "invited",
    "zhou": "invited",
    "chen": "invited",
    "liu": "invited",
    "zhao": "invited",
}


def test_host_takes_attendance_before_the_start_s_tpl_1(client, org: Org, scheduled_meeting):
    """S-TPL-1: the host sees the participants by department and marks who is present, absent
    or excused; the counts say how many of those expected are there."""
    meeting = scheduled_meeting
    page = run_url(meeting)
    client.force_login(org.wang)

    response = client.get(page)

    assert response.status_code == 200
    assert section(response, "attendance") == (
        "Attendance 0 of 7 expected present 0 absent, 0 excused, 7 not marked yet. "
        "The minutes list the people present: absent and excused people are left out. "
        "市场部 0 of 2 present "
        "王经理 Decision-maker Invited Invited Present Absent Excused Save the attendance of 王经理 "
        "张专员 Executor Invited Invited Present Absent Excused Save the attendance of 张专员 "
        "研发部 0 of 2 present "
        "李主管 Decision-maker Invited Invited Present Absent Excused Save the attendance of 李主管 "
        "周工程师 Executor Invited Invited Present Absent Excused Save the attendance of 周工程师 "
        "行政部 0 of 1 present "
        "赵专员 Executor Invited Invited Present Absent Excused Save the attendance of 赵专员 "
        "设计部 0 of 1 present "
        "陈主管 Decision-maker Invited Invited Present Absent Excused Save the attendance of 陈主管 "
        "销售部 0 of 1 present "
        "刘代表 Decision-maker Invited Invited Present Absent Excused Save the attendance of 刘代表"
    )
    zhou = participant_of(meeting, org.zhou)
    assert (
        f'<span class="who"><label for="id_attendance-{zhou.pk}-attendance">周工程师</label>'
        in response.content.decode()
    )

    audits = AuditEvent.objects.count()
    for person, attendance in [(org.wang, "present"), (org.zhou, "absent"), (org.liu, "excused")]:
        response = client.post(attendance_url(meeting, person), {"attendance": attendance})
        assert (response.status_code, response.url) == (302, f"{page}#attendance")
    response = client.get(page)

    assert attendance_of(meeting) == {
        **NOBODY_MARKED,
        "wang": "present",
        "zhou": "absent",
        "liu": "excused",
    }
    assert AuditEvent.objects.count() == audits + 3
    shown = text(response)
    assert (
        "Attendance of 王经理: Present. Attendance of 周工程师: Absent. "
        "Attendance of 刘代表: Excused." in shown
    )
    attendance = section(response, "attendance")
    # 刘代表 is excused, so not expected: 1 of 6
    assert attendance.startswith(
        "Attendance 1 of 6 expected present 1 absent, 1 excused, 4 not marked yet."
    )
    assert "市场部 1 of 2 present 王经理 Decision-maker Present" in attendance
    assert "研发部 0 of 2 present 李主管 Decision-maker Invited" in attendance
    assert "周工程师 Executor Absent" in attendance
    assert "销售部 0 of 0 present 刘代表 Decision-maker Excused" in attendance
    assert chosen(response, f"id_attendance-{zhou.pk}-attendance") == ["absent"]


def test_htmx_attendance_swaps_the_list_with_the_counts(client, org: Org, running_meeting):
    """S-TPL-1: the recorder marks attendance during the meeting; with htmx the list comes back
    with the new counts (a choice in the list sends itself)."""
    zhang = participant_of(running_meeting, org.zhang)
    client.force_login(org.zhao)

    page = client.get(run_url(running_meeting)).content.decode()
    response = client.post(
        attendance_url(running_meeting, org.zhang), {"attendance": "present"}, **HTMX
    )

    assert (
        f'hx-post="{attendance_url(running_meeting, org.zhang)}" hx-trigger="change, submit"'
        in (page)
    )
    assert response.status_code == 200
    assert response.content.decode().startswith('<section id="attendance"')
    assert text(response).startswith(
        "Attendance of 张专员: Present. Attendance 1 of 7 expected present 0 absent, 0 excused, "
        "6 not marked yet."
    )
    assert chosen(response, f"id_attendance-{zhang.pk}-attendance") == ["present"]
    assert attendance_of(running_meeting) == {**NOBODY_MARKED, "zhang": "present"}


def test_attendance_refusals_keep_the_choice_and_change_nothing(client, org: Org, running_meeting):
    """S-TPL-1: only the host or the recorder takes attendance, only when the meeting takes
    place, only with a known value: refused with the message, the choice kept, nothing written."""
    draft = meetings.meeting_create(
        actor=org.sun, title="草稿会", starts_at=STARTS, host=org.wang, recorder=org.zhao
    )
    meetings.participant_invite(
        actor=org.sun, meeting=draft, person=org.zhou, role=Participant.Role.EXECUTOR
    )
    zhou = participant_of(running_meeting, org.zhou)
    draft_zhou = participant_of(draft, org.zhou)
    audits = AuditEvent.objects.count()

    client.force_login(org.zhang)  # a participant
    page = client.get(run_url(running_meeting))
    forbidden = client.post(attendance_url(running_meeting, org.zhou), {"attendance": "absent"})
    client.force_login(org.wang)
    malformed = client.post(attendance_url(running_meeting, org.zhou), {"attendance": "maybe"})
    draft_page = client.get(run_url(draft))
    too_early = client.post(attendance_url(draft, org.zhou), {"attendance": "absent"})

    assert 'id="attendance"' not in page.content.decode()
    assert forbidden.status_code == 403
    assert "Only the host or the recorder may take attendance." in section(forbidden, "attendance")
    assert chosen(forbidden, f"id_attendance-{zhou.pk}-attendance") == ["absent"]
    assert malformed.status_code == 422
    assert "Select a valid choice. maybe is not one of the available choices." in text(malformed)
    assert 'id="attendance"' not in draft_page.content.decode()
    assert too_early.status_code == 422
    assert "Attendance is taken when the meeting takes place." in text(too_early)
    assert chosen(too_early, f"id_attendance-{draft_zhou.pk}-attendance") == ["absent"]
    assert attendance_of(running_meeting) == NOBODY_MARKED
    assert attendance_of(draft) == {"zhou": "invited"}
    assert AuditEvent.objects.count() == audits


def test_attendance_is_closed_once_the_minutes_are_submitted(client, org: Org, ended_meeting):
    """S-TPL-1: attendance is corrected while the minutes are written, not during review."""
    from accord.minutes import services as minutes_services

    minutes_services.minutes_submit(actor=org.zhao, meeting=ended_meeting)
    client.force_login(org.zhao)

    page = client.get(run_url(ended_meeting))
    response = client.post(attendance_url(ended_meeting, org.zhou), {"attendance": "absent"})

    assert 'id="attendance"' not in page.content.decode()
    assert response.status_code == 422
    assert "Attendance is taken when the meeting takes place." in text(response)
    assert attendance_of(ended_meeting) == NOBODY_MARKED


def test_absent_and_excused_people_are_not_in_the_minutes_s_tpl_1(
    client, org: Org, running_meeting
):
    """S-TPL-1: the minutes' “departments and people present” leave out whoever the host marked
    absent or excused on the run page; the recorder corrects it while writing the minutes."""
    meeting = running_meeting
    minutes_page = reverse("minutes:detail", args=[meeting.pk])
    client.force_login(org.wang)
    client.post(attendance_url(meeting, org.zhou), {"attendance": "absent"})
    client.post(attendance_url(meeting, org.chen), {"attendance": "excused"})
    client.post(attendance_url(meeting, org.zhang), {"attendance": "present"})
    from tests.conftest import close_topics

    with clock.frozen(during(80)):
        close_topics(org, meeting)
        ended = client.post(run_url(meeting, "run_end"))
    assert (ended.status_code, ended.url) == (302, minutes_page)

    client.force_login(org.zhang)
    before = section(client.get(minutes_page), "basic")
    client.force_login(org.zhao)
    corrected = client.post(attendance_url(meeting, org.chen), {"attendance": "present"})
    client.force_login(org.zhang)
    after = section(client.get(minutes_page), "basic")

    assert (
        "Departments and people present 市场部: 经理, 专员 研发部: 主管 行政部: 专员 销售部: 代表 "
        "Core goal" in before
    )
    assert "工程师" not in before and "设计部:" not in before
    assert corrected.status_code == 302
    assert (
        "Departments and people present 市场部: 经理, 专员 研发部: 主管 行政部: 专员 设计部: 主管 "
        "销售部: 代表 Core goal" in after
    )


# -- query counts of the new parts -------------------------------------------------------------


def _crowded_meeting(org: Org, *, start: bool, extra: int = 5) -> Meeting:
    """More people than the fixture meeting (7 + ``extra`` participants, three of them marked)
    and, once started, more action items."""
    meeting = meetings.meeting_create(
        actor=org.sun, title="扩大会", starts_at=STARTS, host=org.wang, recorder=org.zhao
    )
    meetings.topic_add(actor=org.sun, meeting=meeting, title="议题", planned_minutes=30)
    extra = [
        org_services.person_create(
            actor=org.admin,
            username=f"extra{number}{int(start)}",
            name=f"新人{number}",
            department=org.marketing,
        )
        for number in range(extra)
    ]
    for department, head, executors in [
        (org.marketing, org.wang, [org.zhang, *extra]),
        (org.rnd, org.li, [org.zhou]),
        (org.design, org.chen, []),
        (org.sales, org.liu, []),
    ]:
        meetings.participants_invite_department(
            actor=org.sun,
            meeting=meeting,
            department=department,
            decision_maker=head,
            executors=executors,
        )
    meetings.participant_invite(
        actor=org.sun, meeting=meeting, person=org.zhao, role=Participant.Role.EXECUTOR
    )
    meetings.meeting_schedule(actor=org.sun, meeting=meeting)
    for participant, attendance in zip(
        meeting.participants.all(), ["present", "absent", "excused"], strict=False
    ):
        live.participant_set_attendance(
            actor=org.wang, participant=participant, attendance=attendance
        )
    if start:
        from accord.actions.services import action_create

        with clock.frozen(STARTS):
            live.meeting_start(actor=org.wang, meeting=meeting)
        for number in range(6):
            action_create(
                actor=org.zhao,
                meeting=meeting,
                task=f"任务{number}",
                owner=extra[number % len(extra)],
                due="9月30日前",
            )
    return meeting


# session, person, the bell, the meeting and its record, whether it follows a meeting; the host's attendance list comes with the
# participants, so it adds none; before the start nobody records (no people, no departments).
RUN_PAGE_QUERIES_HOST_SCHEDULED = 11


def test_attendance_adds_no_query_however_many_people(
    client, org: Org, running_meeting, django_assert_num_queries
):
    """The run page with the attendance list runs the same queries for 7 or 12 participants,
    before the start and during the meeting (the host records too)."""
    client.force_login(org.wang)
    small_scheduled = _crowded_meeting(org, start=False, extra=0)
    crowded_scheduled = _crowded_meeting(org, start=False)
    crowded_running = _crowded_meeting(org, start=True)
    for meeting in (running_meeting, crowded_running):  # the objections: one query more
        live.objection_raise(actor=org.liu, meeting=meeting, text="异议")
    for meeting, expected in [
        (small_scheduled, RUN_PAGE_QUERIES_HOST_SCHEDULED),
        (crowded_scheduled, RUN_PAGE_QUERIES_HOST_SCHEDULED),
        (running_meeting, RUN_PAGE_QUERIES_RECORDER),
        (crowded_running, RUN_PAGE_QUERIES_RECORDER),
    ]:
        with django_assert_num_queries(expected):
            response = client.get(run_url(meeting))
        assert response.status_code == 200
        assert "expected present" in section(response, "attendance")
