"""Who raised an objection, apart from who typed it (S-MEET-5, S-TPL-2).

In the launch meeting the recorder (zhao, admin office) types what the departments say:
R&D objects to the launch date, sales' representative (liu) to the priorities. The minutes
credit R&D and liu, not zhao; zhao stays on record as the one who typed them. A participant
who types their own objection (zhang) is credited without choosing.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse

from accord.core import clock
from accord.core.errors import AppError
from accord.core.models import AuditEvent
from accord.live import services as live
from accord.meetings.models import Meeting, Objection, Participant
from accord.meetings.selectors import meeting_with_record
from accord.minutes.selectors import minutes_record
from tests.conftest import STARTS, Org, close_topics

HTMX = {"HTTP_HX_REQUEST": "true"}


def refused(**kwargs) -> AppError:
    """``objection_raise`` refuses: no objection and no audit row are left behind."""
    objections, audits = Objection.objects.count(), AuditEvent.objects.count()
    with pytest.raises(AppError) as caught:
        live.objection_raise(**kwargs)
    assert (Objection.objects.count(), AuditEvent.objects.count()) == (objections, audits)
    return caught.value


def credited(objection: Objection) -> tuple:
    objection.refresh_from_db()
    return (
        objection.raised_by,
        objection.raised_by_department,
        objection.recorded_by,
        objection.raised_by_label,
    )


def run_url(meeting: Meeting, name: str = "run") -> str:
    return reverse(f"meetings:{name}", args=[meeting.pk])


def text(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def options(response) -> list[tuple[str, str, bool]]:
    """The raised-by select's options: value, label, selected."""
    html = response.content.decode()
    select = re.search(r'<select name="objection-raised_by".*?</select>', html, flags=re.S)
    assert select is not None
    return [
        (value, label.strip(), bool(selected))
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select.group(0)
        )
    ]


# -- the service -------------------------------------------------------------------------------


def test_recorder_credits_a_department_and_stays_the_typist_s_meet_5(org: Org, running_meeting):
    """S-MEET-5: the recorder notes R&D's objection; the minutes say R&D raised it, the
    record keeps who typed it."""
    objection = live.objection_raise(
        actor=org.zhao,
        meeting=running_meeting,
        text="上线日期太紧",
        raised_by_department=org.rnd,
    )

    assert credited(objection) == (None, org.rnd, org.zhao, "研发部")
    audit = AuditEvent.objects.filter(verb="objection.raised").get()
    assert (audit.actor, audit.data) == (
        org.zhao,
        {"raised_by": None, "raised_by_department": org.rnd.pk},
    )


def test_recorder_credits_a_person_in_the_meeting_s_meet_5(org: Org, running_meeting):
    objection = live.objection_raise(
        actor=org.zhao, meeting=running_meeting, text="需求D的优先级过低", raised_by=org.liu
    )

    assert credited(objection) == (org.liu, None, org.zhao, "刘代表")


def test_participant_typing_their_own_objection_is_credited_without_choosing(
    org: Org, running_meeting
):
    """A participant who neither records nor runs the meeting raises it in their own name
    by default."""
    objection = live.objection_raise(actor=org.zhang, meeting=running_meeting, text="工期太紧")

    assert credited(objection) == (org.zhang, None, org.zhang, "张专员")


def test_participant_may_raise_it_for_their_own_department(org: Org, running_meeting):
    objection = live.objection_raise(
        actor=org.zhou, meeting=running_meeting, text="人手不足", raised_by_department=org.rnd
    )

    assert credited(objection) == (None, org.rnd, org.zhou, "研发部")


@pytest.mark.parametrize("typist", ["zhao", "wang", "sun"])
def test_who_notes_for_others_must_say_who_raised_it(org: Org, running_meeting, typist):
    """The recorder, the host and the organiser type what others say: nobody is assumed."""
    error = refused(actor=getattr(org, typist), meeting=running_meeting, text="反对")

    assert (error.field, error.code, error.message) == (
        "raised_by",
        "required",
        "Say who raised the objection: a person in the meeting or a department.",
    )


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"raised_by": "outsider"},
            "raised_by",
            "钱会计 does not take part in this meeting.",
        ),
        (
            {"raised_by_department": "finance"},
            "raised_by_department",
            "财务部 does not take part in this meeting.",
        ),
        (
            {"raised_by": "liu", "raised_by_department": "rnd"},
            "raised_by",
            "Name the person or the department who raised it, not both.",
        ),
    ],
)
def test_recorder_may_credit_only_who_takes_part(org: Org, running_meeting, kwargs, field, message):
    people = {"outsider": org.outsider, "liu": org.liu}
    departments = {"finance": org.outsider.department, "rnd": org.rnd}
    named = {
        name: people.get(value) if name == "raised_by" else departments[value]
        for name, value in kwargs.items()
    }

    error = refused(actor=org.zhao, meeting=running_meeting, text="反对", **named)

    assert (error.field, error.message) == (field, message)


def test_a_participant_marked_absent_cannot_be_credited(org: Org, running_meeting):
    chen = running_meeting.participants.get(person=org.chen)
    live.participant_set_attendance(
        actor=org.zhao, participant=chen, attendance=Participant.Attendance.ABSENT
    )

    error = refused(actor=org.zhao, meeting=running_meeting, text="反对", raised_by=org.chen)

    assert (error.field, error.message) == (
        "raised_by",
        "陈主管 is marked as not present in this meeting.",
    )


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"raised_by": "li"},
            "raised_by",
            "Raise an objection in your own name or for your department; the recorder notes "
            "what others raise.",
        ),
        (
            {"raised_by_department": "design"},
            "raised_by_department",
            "You do not take part in this meeting for 设计部.",
        ),
    ],
)
def test_participant_may_not_speak_for_others(org: Org, running_meeting, kwargs, field, message):
    """zhou (R&D engineer) may not put words in his head's or another department's mouth."""
    named = {name: getattr(org, value) for name, value in kwargs.items()}

    error = refused(actor=org.zhou, meeting=running_meeting, text="反对", **named)

    assert (error.field, error.message) == (field, message)


# -- the run page ------------------------------------------------------------------------------


def test_recorders_form_offers_those_present_and_the_departments_with_no_default(
    client, org: Org, running_meeting
):
    client.force_login(org.zhao)

    response = client.get(run_url(running_meeting))

    assert options(response) == [
        ("", "—", True),
        (f"p{org.wang.pk}", "市场部 王经理", False),
        (f"p{org.zhang.pk}", "市场部 张专员", False),
        (f"p{org.li.pk}", "研发部 李主管", False),
        (f"p{org.zhou.pk}", "研发部 周工程师", False),
        (f"p{org.zhao.pk}", "行政部 赵专员", False),
        (f"p{org.chen.pk}", "设计部 陈主管", False),
        (f"p{org.liu.pk}", "销售部 刘代表", False),
        (f"d{org.marketing.pk}", "市场部", False),
        (f"d{org.rnd.pk}", "研发部", False),
        (f"d{org.office.pk}", "行政部", False),
        (f"d{org.design.pk}", "设计部", False),
        (f"d{org.sales.pk}", "销售部", False),
    ]


def test_participants_form_offers_themselves_chosen_and_their_department(
    client, org: Org, running_meeting
):
    client.force_login(org.zhang)

    response = client.get(run_url(running_meeting))

    assert options(response) == [
        ("", "—", False),
        (f"p{org.zhang.pk}", "市场部 张专员", True),
        (f"d{org.marketing.pk}", "市场部", False),
    ]


def test_recorder_notes_a_departments_objection_through_the_page_s_meet_5(
    client, org: Org, running_meeting
):
    client.force_login(org.zhao)

    response = client.post(
        run_url(running_meeting, "run_objection"),
        {"objection-text": "上线日期太紧", "objection-raised_by": f"d{org.rnd.pk}"},
        **HTMX,
    )

    assert response.status_code == 200
    objection = Objection.objects.get()
    assert credited(objection) == (None, org.rnd, org.zhao, "研发部")
    shown = text(response)
    assert "研发部 : 上线日期太紧 (noted by 赵专员) Open" in shown
    page = text(client.get(run_url(running_meeting)))
    assert "Open objections 研发部: 上线日期太紧" in page


def test_recorders_objection_without_who_is_refused_and_keeps_the_text(
    client, org: Org, running_meeting
):
    client.force_login(org.zhao)

    response = client.post(
        run_url(running_meeting, "run_objection"),
        {"objection-text": "上线日期太紧", "objection-raised_by": ""},
    )

    assert response.status_code == 422
    html = response.content.decode()
    error = re.search(r'id="id_objection-raised_by_error"[^>]*><li>([^<]*)</li>', html)
    assert error is not None
    assert error.group(1) == (
        "Say who raised the objection: a person in the meeting or a department."
    )
    assert ">\n上线日期太紧</textarea>" in html
    assert not Objection.objects.exists()


def test_a_department_named_by_a_participant_for_another_is_refused_at_the_field(
    client, org: Org, running_meeting
):
    """The page offers zhou only R&D; a forged choice is refused at the same field."""
    client.force_login(org.zhou)

    response = client.post(
        run_url(running_meeting, "run_objection"),
        {"objection-text": "反对", "objection-raised_by": f"d{org.design.pk}"},
    )

    assert response.status_code == 422
    assert "Select a valid choice." in text(response)
    assert not Objection.objects.exists()


# -- the minutes -------------------------------------------------------------------------------


def test_minutes_record_and_page_credit_who_raised_it_s_tpl_2(client, org: Org, running_meeting):
    with clock.frozen(STARTS + dt.timedelta(minutes=80)):
        for said, kwargs in (
            ("上线日期太紧", {"raised_by_department": org.rnd}),
            ("需求D的优先级过低", {"raised_by": org.liu}),
        ):
            objection = live.objection_raise(
                actor=org.zhao, meeting=running_meeting, text=said, **kwargs
            )
            live.objection_resolve(actor=org.wang, objection=objection, resolution="下次再议")
        close_topics(org, running_meeting)
        live.meeting_end(actor=org.wang, meeting=running_meeting)

    record = minutes_record(meeting=meeting_with_record(pk=running_meeting.pk))

    assert record["objections"] == [
        {"text": "上线日期太紧", "raised_by": "研发部", "resolution": "下次再议"},
        {"text": "需求D的优先级过低", "raised_by": "刘代表", "resolution": "下次再议"},
    ]
    client.force_login(org.sun)
    shown = text(client.get(reverse("minutes:detail", args=[running_meeting.pk])))
    assert "研发部 : 上线日期太紧 Resolution: 下次再议 刘代表 : 需求D的优先级过低" in shown
    assert "赵专员 :" not in shown
