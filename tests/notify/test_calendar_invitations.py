"""Calendar invitations that say what is true (S-PREP-2, S-PREP-5): someone taken off a
meeting before their invitation went out gets neither the invitation nor a cancellation;
once it went, they get the cancellation. A new host or recorder is a change of the
invitation: every attendee's calendar gets the update (same UID, higher SEQUENCE,
METHOD:REQUEST), and whoever it takes off the meeting gets the cancellation.

E-mails go to a real SMTP server on 127.0.0.1 (``smtp``) and are read back from it."""

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar

from accord.core import clock
from accord.core.errors import AppError
from accord.live import services as live
from accord.meetings import services as meetings
from accord.meetings.models import Meeting
from accord.notify import selectors
from accord.notify import services as notify_services
from accord.notify.models import Channel, Notification
from accord.notify.worker import Worker
from accord.org.models import Person
from tests.conftest import Org

Status = Notification.Status
ATTENDEES = ["chen@example.cn", "li@example.cn", "liu@example.cn", "wang@example.cn",
             "zhang@example.cn", "zhao@example.cn", "zhou@example.cn"]  # fmt: skip


def at(hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 9, 7, hour, minute))


@pytest.fixture
def mailed(org: Org, smtp) -> Org:
    """Everyone has an address; e-mail goes to the SMTP server on 127.0.0.1."""
    for person in Person.objects.filter(is_superuser=False):
        person.email = f"{person.username}@example.cn"
        person.save(update_fields=["email"])
    for name in ("wang", "zhang", "li", "zhou", "chen", "liu", "sun", "zhao", "outsider"):
        getattr(org, name).refresh_from_db()
    return org


def send_all(moment: dt.datetime) -> None:
    with clock.frozen(moment):
        Worker().run(once=True)


def calendars(smtp, *, since: int = 0) -> list[tuple[str, str, int, str | None]]:
    """(recipient, METHOD, SEQUENCE, the CHAIR's address) of each e-mail the SMTP server
    received from the ``since``-th on, by recipient."""
    found = []
    for message in smtp.messages[since:]:
        (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        calendar = Calendar.from_ical(part.get_content())
        (event,) = calendar.walk("VEVENT")
        people = event.get("ATTENDEE")
        people = people if isinstance(people, list) else [people]
        chairs = [str(p).removeprefix("mailto:") for p in people if p.params["ROLE"] == "CHAIR"]
        found.append(
            (message["To"].addresses[0].addr_spec, str(calendar["METHOD"]), event["SEQUENCE"])
            + (chairs[0] if chairs else None,)
        )
    return sorted(found)


def participant(meeting: Meeting, person: Person):
    return meeting.participants.get(person=person)


# -- someone taken off the meeting -------------------------------------------------------------


def test_taken_off_before_the_invitation_went_out_gets_nothing_s_prep_2(
    mailed: Org, smtp, draft_meeting: Meeting
):
    """Scheduled at 09:00, the e-mails still queued; Zhang is taken off at 09:05. His queued
    invitation is withdrawn (cancelled, with why), no cancellation is written for him, and
    his unread in-app invitation leaves his inbox. The worker then sends the six others
    their invitations and nothing to Zhang."""
    org = mailed
    meeting = meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
    with clock.frozen(at(9, 5)):
        meetings.participant_remove(actor=org.sun, participant=participant(meeting, org.zhang))

    theirs = Notification.objects.filter(recipient=org.zhang, meeting=meeting)
    assert sorted(theirs.values_list("kind", "via", "status", "last_error")) == [
        (
            "meeting.invitation",
            Channel.Kind.EMAIL,
            Status.CANCELLED,
            "the person was taken off the meeting before it went out",
        ),
        (
            "meeting.invitation",
            Channel.Kind.IN_APP,
            Status.CANCELLED,
            "the person was taken off the meeting before it went out",
        ),
    ]
    assert not Notification.objects.filter(kind="meeting.uninvited").exists()
    with clock.frozen(at(9, 10)):
        assert selectors.unread_count(org.zhang) == 0
        assert list(selectors.inbox(org.zhang)) == []

    send_all(at(9, 10))

    assert calendars(smtp) == [
        (address, "REQUEST", 0, "wang@example.cn")
        for address in ATTENDEES
        if address != "zhang@example.cn"
    ]


def test_invited_again_after_a_withdrawn_invitation_gets_a_new_one_s_prep_2(
    mailed: Org, smtp, draft_meeting: Meeting
):
    """Taken off before his invitation went out, then invited again: the calendar revision
    moved on, so Zhang gets a fresh invitation (SEQUENCE 1), in the app and by e-mail."""
    org = mailed
    meeting = meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
    with clock.frozen(at(9, 5)):
        meetings.participant_remove(actor=org.sun, participant=participant(meeting, org.zhang))
    with clock.frozen(at(9, 6)):
        meetings.participant_invite(
            actor=org.sun, meeting=meeting, person=org.zhang, role="executor"
        )
    send_all(at(9, 10))

    invitations = Notification.objects.filter(
        kind="meeting.invitation", recipient=org.zhang, status=Status.SENT
    )
    assert sorted(invitations.values_list("event", "via")) == [
        (f"invite:meeting:{meeting.pk}:seq:1", Channel.Kind.EMAIL),
        (f"invite:meeting:{meeting.pk}:seq:1", Channel.Kind.IN_APP),
    ]
    assert ("zhang@example.cn", "REQUEST", 1, "wang@example.cn") in calendars(smtp)
    with clock.frozen(at(9, 10)):
        assert selectors.unread_count(org.zhang) == 1


def test_taken_off_after_the_invitation_went_out_gets_the_cancellation_s_prep_2(
    mailed: Org, smtp, draft_meeting: Meeting
):
    """The invitations went out at 09:01; Zhang is taken off at 09:05: he alone gets the
    CANCEL, same UID, SEQUENCE 1, in the app and by e-mail."""
    org = mailed
    meeting = meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
    send_all(at(9, 1))
    assert len(smtp.messages) == 7

    with clock.frozen(at(9, 5)):
        meetings.participant_remove(actor=org.sun, participant=participant(meeting, org.zhang))
    send_all(at(9, 6))

    assert calendars(smtp, since=7) == [("zhang@example.cn", "CANCEL", 1, None)]
    uninvited = Notification.objects.filter(kind="meeting.uninvited")
    assert sorted(uninvited.values_list("recipient__username", "via", "status")) == [
        ("zhang", Channel.Kind.EMAIL, Status.SENT),
        ("zhang", Channel.Kind.IN_APP, Status.SENT),
    ]


def test_an_invitation_read_in_the_app_counts_as_received(org: Org, draft_meeting: Meeting):
    """Without e-mail: Zhang read his invitation in the app, Zhou did not. Taken off, Zhang
    is told he no longer is invited; Zhou's invitation is withdrawn and nothing is said."""
    meeting = meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
    with clock.frozen(at(9, 2)):
        notify_services.notifications_mark_read(actor=org.zhang)
    with clock.frozen(at(9, 5)):
        meetings.participant_remove(actor=org.sun, participant=participant(meeting, org.zhang))
        meetings.participant_remove(actor=org.sun, participant=participant(meeting, org.zhou))

    uninvited = Notification.objects.filter(kind="meeting.uninvited")
    assert list(uninvited.values_list("recipient__username", "via", "payload")) == [
        ("zhang", Channel.Kind.IN_APP, {"sequence": 1})
    ]
    zhou = Notification.objects.get(kind="meeting.invitation", recipient=org.zhou)
    assert (zhou.status, zhou.read_at) == (Status.CANCELLED, at(9, 5))


def test_a_withdrawn_invitation_cannot_be_sent_again_from_the_log(org: Org, draft_meeting: Meeting):
    """It is cancelled in the delivery log with why, and "Send again" is not offered: an
    in-app notice is not queued."""
    meeting = meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
    meetings.participant_remove(actor=org.sun, participant=participant(meeting, org.zhou))
    row = Notification.objects.get(kind="meeting.invitation", recipient=org.zhou)

    (delivery,) = selectors.deliveries([row], person=org.admin)
    assert (delivery.can_resend, delivery.error) == (
        False,
        "the person was taken off the meeting before it went out",
    )
    with pytest.raises(AppError) as refused:
        notify_services.notification_resend(actor=org.admin, notification=row)
    assert str(refused.value) == "Only a failed or cancelled notice can be sent again."
    row.refresh_from_db()
    assert row.status == Status.CANCELLED


# -- a new host or recorder --------------------------------------------------------------------


def test_a_new_host_sends_every_attendee_the_update_s_prep_5(
    mailed: Org, smtp, draft_meeting: Meeting
):
    """Wang hosted; Chen (a participant) hosts from 10:00: the seven attendees' calendars get
    METHOD:REQUEST, SEQUENCE 1, with Chen as the chair; nobody is taken off."""
    org = mailed
    meeting = meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
    send_all(at(9, 1))

    with clock.frozen(at(10)):
        meetings.meeting_update(actor=org.sun, meeting=meeting, host=org.chen)
    send_all(at(10, 1))

    assert calendars(smtp, since=7) == [
        (address, "REQUEST", 1, "chen@example.cn") for address in ATTENDEES
    ]
    assert not Notification.objects.filter(kind="meeting.uninvited").exists()
    meeting.refresh_from_db()
    assert meeting.calendar_sequence == 1


def test_a_new_recorder_is_invited_and_the_one_replaced_is_taken_off_s_prep_5(
    mailed: Org, smtp, draft_meeting: Meeting
):
    """Zhao recorded and is also a participant. Qian (finance, not a participant) records
    from 10:00: eight calendars get the update. Back to Zhao at 11:00: seven get the next
    update, and Qian, whose update went out, gets the CANCEL."""
    org = mailed
    meeting = meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
    send_all(at(9, 1))

    with clock.frozen(at(10)):
        meetings.meeting_update(actor=org.sun, meeting=meeting, recorder=org.outsider)
    send_all(at(10, 1))
    assert calendars(smtp, since=7) == sorted(
        (address, "REQUEST", 1, "wang@example.cn") for address in [*ATTENDEES, "qian@example.cn"]
    )

    with clock.frozen(at(11)):
        meetings.meeting_update(actor=org.sun, meeting=meeting, recorder=org.zhao)
    send_all(at(11, 1))
    assert calendars(smtp, since=15) == sorted(
        [(address, "REQUEST", 2, "wang@example.cn") for address in ATTENDEES]
        + [("qian@example.cn", "CANCEL", 3, None)]
    )


def test_a_change_that_is_not_in_the_invitation_sends_nothing(
    mailed: Org, smtp, draft_meeting: Meeting
):
    meeting = meetings.meeting_schedule(actor=mailed.sun, meeting=draft_meeting)
    send_all(at(9, 1))

    with clock.frozen(at(10)):
        meetings.meeting_update(actor=mailed.sun, meeting=meeting, goal="确定Q3上线分工与节奏")
    send_all(at(10, 1))

    assert len(smtp.messages) == 7
    meeting.refresh_from_db()
    assert meeting.calendar_sequence == 0


# -- a meeting held at another time than planned (issue #17) -------------------------------------


def held_times(smtp, *, since: int) -> list[tuple[str, str, int, str, str]]:
    """(recipient, METHOD, SEQUENCE, DTSTART, DTEND in UTC) of the e-mails from ``since`` on."""
    found = []
    for message in smtp.messages[since:]:
        (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        (event,) = Calendar.from_ical(part.get_content()).walk("VEVENT")
        found.append(
            (
                message["To"].addresses[0].addr_spec,
                str(Calendar.from_ical(part.get_content())["METHOD"]),
                event["SEQUENCE"],
                event["DTSTART"].dt.isoformat(),
                event["DTEND"].dt.isoformat(),
            )
        )
    return sorted(found)


def test_a_meeting_held_two_days_early_updates_every_calendar(
    mailed: Org, smtp, draft_meeting: Meeting
):
    """Planned for 2026-09-09 14:00–15:30 (06:00–07:30 UTC), started at 2026-09-07 21:11 and
    ended at 21:14: every attendee's calendar first gets the held start (SEQUENCE 1), then the
    held end (SEQUENCE 2), both METHOD:REQUEST on the invitation's UID; the e-mail gives the
    time held and the time planned."""
    org = mailed
    meeting = meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
    send_all(at(9, 1))

    with clock.frozen(at(21, 11)):
        live.meeting_start(actor=org.wang, meeting=meeting, confirm_time=True)
    send_all(at(21, 12))
    started = held_times(smtp, since=7)
    with clock.frozen(at(21, 13)):
        for topic in meeting.topics.all():
            live.outcome_record(actor=org.zhao, topic=topic, kind="consensus", text="同意")
    with clock.frozen(at(21, 14)):
        live.meeting_end(actor=org.wang, meeting=meeting)
    send_all(at(21, 15))

    assert started == [
        (address, "REQUEST", 1, "2026-09-07T13:11:00+00:00", "2026-09-07T14:41:00+00:00")
        for address in ATTENDEES
    ]
    assert held_times(smtp, since=14) == [
        (address, "REQUEST", 2, "2026-09-07T13:11:00+00:00", "2026-09-07T13:14:00+00:00")
        for address in ATTENDEES
    ]
    # The e-mail (in the recipient's Chinese) names the time held and the time planned.
    body = smtp.messages[7].get_body(("plain",)).get_content()
    assert "2026-09-07 21:11（星期一）" in body
    assert "2026-09-09 14:00（星期三）" in body
