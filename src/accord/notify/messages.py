"""What each kind of notification says, rendered when it is sent, in its reader's
language (the person's own, or the installation's for a department's group bot).

The facts that made the event (a due date, a version, a reason) travel in the row's
``payload``; names and titles are read live, so a renamed meeting is named as it is now."""

import datetime as dt
import email.utils

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from accord.exports import ics
from accord.notify import reasons
from accord.notify.models import Channel, Notification
from accord.notify.transports import Mention, Message
from accord.notify.transports.base import Attachment

CALENDAR_KINDS = {"meeting.invitation", "meeting.updated", "meeting.cancelled", "meeting.uninvited"}


def url(name: str, *args) -> str:
    return settings.BASE_URL + reverse(name, args=args)


def when(value: dt.datetime) -> str:
    local = timezone.localtime(value)
    return _("%(date)s (%(weekday)s)") % {
        "date": formats.date_format(local, "Y-m-d H:i"),
        "weekday": formats.date_format(local, "l"),
    }


def day(value: dt.date | str) -> str:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return _("%(date)s (%(weekday)s)") % {
        "date": value.isoformat(),
        "weekday": formats.date_format(value, "l"),
    }


def place(meeting) -> str:
    parts = [
        meeting.location,
        meeting.online_meeting_number
        and _("online meeting %(number)s") % {"number": meeting.online_meeting_number},
    ]
    separator = pgettext("list separator", ", ")
    return separator.join(part for part in parts if part) or _("place not set")


def language_of(notification: Notification) -> str:
    person = notification.recipient
    if person is not None and person.locale:
        return person.locale
    return settings.LANGUAGE_CODE


def _meeting_texts(kind: str, n: Notification) -> tuple[str, str, str, str]:
    meeting = n.meeting
    title = meeting.title
    facts = _("%(title)s, %(when)s, %(place)s") % {
        "title": title,
        "when": when(meeting.starts_at),
        "place": place(meeting),
    }
    link, label = url("meetings:detail", meeting.pk), _("Open the meeting")
    if kind == "meeting.invitation":
        subject = _("Invitation: %(title)s") % {"title": title}
        text = _("You are invited: %(facts)s.") % {"facts": facts}
        if meeting.goal:
            text += "\n" + _("Goal: %(goal)s") % {"goal": meeting.goal}
    elif kind == "meeting.scheduled":
        subject = _("Scheduled: %(title)s") % {"title": title}
        text = _("The meeting is scheduled: %(facts)s.") % {"facts": facts}
    elif kind == "meeting.updated":
        subject = _("Changed: %(title)s") % {"title": title}
        text = _("The meeting has changed. It is now: %(facts)s.") % {"facts": facts}
        if meeting.held_at_another_time:
            text += "\n" + _("It was held at another time than planned (%(planned)s).") % {
                "planned": when(meeting.planned_start)
            }
    elif kind == "meeting.cancelled":
        subject = _("Cancelled: %(title)s") % {"title": title}
        text = _("The meeting %(facts)s is cancelled. Reason: %(reason)s") % {
            "facts": facts,
            "reason": meeting.cancel_reason,
        }
    elif kind == "meeting.uninvited":
        subject = _("No longer invited: %(title)s") % {"title": title}
        text = _("You were taken off the meeting %(facts)s.") % {"facts": facts}
    elif kind == "meeting.materials":
        subject = _("Prepare for %(title)s") % {"title": title}
        text = _(
            "The meeting %(facts)s is coming up. Read the materials and answer the questions "
            "for your department before it starts."
        ) % {"facts": facts}
        link, label = url("meetings:prepare", meeting.pk), _("Prepare")
    elif kind == "meeting.answers_nudge":
        subject = _("Answers missing: %(title)s") % {"title": title}
        text = _(
            "%(department)s has not yet submitted its answers to the questions for %(facts)s. "
            "Please submit them before the meeting."
        ) % {"department": n.payload.get("department_name", ""), "facts": facts}
        link, label = url("meetings:prepare", meeting.pk), _("Answer")
    elif kind == "meeting.planned":
        subject = _("Next in the series: %(title)s") % {"title": title}
        missing = n.payload.get("missing")
        if missing:
            needs = {
                "host": _("name a host"),
                "recorder": _("name a recorder"),
                "topics": _("add an agenda topic"),
                "participants": _("invite the participants"),
            }.get(missing, _("check the meeting"))
            text = _(
                "The next meeting is ready as a draft: %(facts)s. It opens with the review of "
                "the previous plan. To schedule it, %(needs)s."
            ) % {"facts": facts, "needs": needs}
            link, label = url("meetings:edit", meeting.pk), _("Finish planning")
        else:
            text = _(
                "The next meeting is scheduled and its invitations have gone out: %(facts)s. "
                "It opens with the review of the previous plan."
            ) % {"facts": facts}
    else:
        raise KeyError(kind)
    return subject, text, link, label


def _minutes_texts(kind: str, n: Notification) -> tuple[str, str, str, str]:
    meeting = n.meeting
    title = meeting.title
    link, label = url("minutes:detail", meeting.pk), _("Open the minutes")
    if kind == "minutes.review":
        subject = _("Minutes to review: %(title)s") % {"title": title}
        text = _(
            "The minutes of %(title)s are submitted. Approve them or send them back with comments."
        ) % {"title": title}
    elif kind == "minutes.returned":
        subject = _("Minutes sent back: %(title)s") % {"title": title}
        text = _("The host sent the minutes of %(title)s back: %(comment)s") % {
            "title": title,
            "comment": n.payload.get("comment", ""),
        }
    elif kind == "minutes.late":
        subject = _("Minutes late: %(title)s") % {"title": title}
        text = _("The minutes of %(title)s were due at %(due)s and have not been distributed.") % {
            "title": title,
            "due": when(dt.datetime.fromisoformat(n.payload["due_at"])),
        }
    elif kind == "minutes.approved":
        subject = _("Minutes approved: %(title)s") % {"title": title}
        text = _("Version %(version)s of the minutes of %(title)s is approved.") % {
            "version": n.payload.get("version", 1),
            "title": title,
        }
    elif kind == "minutes.distributed":
        subject = _("Minutes: %(title)s") % {"title": title}
        text = _("Version %(version)s of the minutes of %(title)s is distributed.") % {
            "version": n.payload.get("version", 1),
            "title": title,
        }
    elif kind in ("action.sign_request", "action.sign_reminder"):
        items = n.payload.get("items", [])
        if kind == "action.sign_request":
            subject = _("Please sign your action items: %(title)s") % {"title": title}
        else:
            subject = _("Still unsigned: %(title)s") % {"title": title}
        text = ngettext(
            "Confirm by signing that you own %(count)d action item of %(title)s:",
            "Confirm by signing that you own %(count)d action items of %(title)s:",
            len(items),
        ) % {"count": len(items), "title": title}
        text += "".join(
            "\n- " + _("%(task)s (%(due)s)") % {"task": item["task"], "due": day(item["due"])}
            for item in items
        )
        label = _("Sign")
    else:
        raise KeyError(kind)
    return subject, text, link, label


def _action_texts(kind: str, n: Notification) -> tuple[str, str, str, str]:
    action = n.action
    task = action.task if len(action.task) <= 80 else action.task[:79] + "…"
    due = day(n.payload.get("due", action.due_date.isoformat()))
    owner = action.owner.display
    link, label = url("actions:detail", action.pk), _("Open the action item")
    if kind == "action.created":
        subject = _("New action item: %(task)s") % {"task": task}
        text = _("%(task)s (%(owner)s), due on %(due)s, from %(meeting)s.") % {
            "task": action.task,
            "owner": owner,
            "due": due,
            "meeting": action.meeting.title,
        }
    elif kind == "action.due_soon":
        subject = _("Due %(due)s: %(task)s") % {"due": due, "task": task}
        text = _("%(task)s (%(owner)s) is due on %(due)s.") % {
            "task": action.task,
            "owner": owner,
            "due": due,
        }
    elif kind == "action.completed":
        subject = _("Done: %(task)s") % {"task": task}
        text = _("%(owner)s marked %(task)s done.") % {"owner": owner, "task": action.task}
    elif kind == "action.reminder":
        subject = _("Due %(due)s: %(task)s") % {"due": due, "task": task}
        text = _("Your action item from %(meeting)s is due on %(due)s: %(task)s") % {
            "meeting": action.meeting.title,
            "due": due,
            "task": action.task,
        }
    elif kind == "action.status_request":
        subject = _("Status please: %(task)s") % {"task": task}
        text = _("%(task)s was due on %(due)s. Mark it done, or report how far it is.") % {
            "task": action.task,
            "due": due,
        }
        label = _("Report status")
    elif kind == "action.overdue":
        subject = _("Overdue: %(task)s") % {"task": task}
        text = _(
            "%(task)s (%(owner)s) was due on %(due)s and is overdue. The owner gives the "
            "reason; the organiser coordinates or re-plans it."
        ) % {"task": action.task, "owner": owner, "due": due}
        label = _("Give the reason")
    elif kind == "action.replanned":
        subject = _("Re-planned: %(task)s") % {"task": task}
        text = _(
            "%(task)s (%(owner)s) is now due on %(new)s instead of %(old)s. Reason: %(reason)s"
        ) % {
            "task": action.task,
            "owner": owner,
            "new": day(n.payload["due"]),
            "old": day(n.payload["old_due"]),
            "reason": n.payload.get("reason", ""),
        }
        if n.payload.get("proposed_by"):
            text += "\n" + _("%(by)s accepted the date %(owner)s proposed.") % {
                "by": n.payload.get("accepted_by", ""),
                "owner": n.payload["proposed_by"],
            }
    elif kind == "action.due_proposed":
        subject = _("New date proposed: %(task)s") % {"task": task}
        text = _(
            "%(by)s proposes to move %(task)s from %(old)s to %(new)s. Reason: %(reason)s\n"
            "Accept it (the item is re-planned) or decline it with a reason."
        ) % {
            "by": n.payload.get("by", ""),
            "task": action.task,
            "old": day(n.payload["due"]),
            "new": day(n.payload["proposed"]),
            "reason": n.payload.get("reason", ""),
        }
        label = _("Answer the proposal")
    elif kind == "action.due_declined":
        subject = _("New date declined: %(task)s") % {"task": task}
        text = _(
            "%(by)s declined moving %(task)s to %(proposed)s: %(answer)s\n"
            "The item stays due on %(due)s."
        ) % {
            "by": n.payload.get("by", ""),
            "task": action.task,
            "proposed": day(n.payload["proposed"]),
            "answer": n.payload.get("answer", ""),
            "due": due,
        }
    elif kind == "action.escalated":
        subject = _("Escalated: %(task)s") % {"task": task}
        text = _(
            "%(by)s escalated %(task)s (%(owner)s, due on %(due)s, from %(meeting)s). What "
            "is needed: %(note)s"
        ) % {
            "by": n.payload.get("by", ""),
            "meeting": action.meeting.title,
            "task": action.task,
            "owner": owner,
            "due": due,
            "note": n.payload.get("note", ""),
        }
    else:
        raise KeyError(kind)
    return subject, text, link, label


def _short(task: str, length: int = 60) -> str:
    return task if len(task) <= length else task[: length - 1] + "…"


def _digest_texts(n: Notification) -> tuple[str, str, str, str]:
    """The weekly digest, compact enough for a chat bot: last week's numbers, then what is
    overdue and what is due in the coming week, each with up to ten items."""
    p = n.payload
    week = p.get("week", "")
    if p.get("scope") == "department":
        subject = _("Weekly digest: %(name)s, %(week)s") % {"name": p.get("name", ""), "week": week}
    else:
        subject = _("Weekly digest of your meetings, %(week)s") % {"week": week}
    rate = p.get("rate")
    lines = [
        _(
            "%(start)s – %(end)s: %(due)d due, %(on_time)d done on time, %(late)d late, "
            "on-time rate %(rate)s."
        )
        % {
            "start": p.get("start", ""),
            "end": p.get("end", ""),
            "due": p.get("due", 0),
            "on_time": p.get("on_time", 0),
            "late": p.get("late", 0),
            "rate": "–" if rate is None else f"{rate}%",
        }
    ]
    for part, heading in (
        ("overdue", _("Overdue now: %(count)d")),
        ("next", _("Due by %(end)s: %(count)d")),
    ):
        found = p.get(part) or {"count": 0, "items": []}
        lines.append(heading % {"count": found["count"], "end": p.get("next_end", "")})
        lines += [
            "- "
            + _("%(task)s (%(owner)s, %(due)s)")
            % {"task": _short(item["task"]), "owner": item["owner"], "due": item["due"]}
            for item in found["items"]
        ]
        more = found["count"] - len(found["items"])
        if more > 0:
            lines.append(_("… and %(count)d more") % {"count": more})
    query = f"?start={p.get('start', '')}&end={p.get('end', '')}"
    if p.get("scope") == "department":
        query += f"&department={p.get('id', '')}"
    return subject, "\n".join(lines), url("analytics:dashboard") + query, _("Open the analytics")


def _broken_texts(n: Notification) -> tuple[str, str, str, str]:
    """A channel Accord switched off because of what it answered, with that answer in the
    reader's language (``accord.notify.reasons``) and, for a department's, the department."""
    p = n.payload
    why = p.get("why") or {}
    facts = {
        "name": p.get("channel_name", ""),
        "department": p.get("department_name", ""),
        "reason": reasons.describe(why.get("code", ""), why.get("params"), p.get("reason", "")),
    }
    if facts["department"]:
        text = _(
            "Accord stopped sending through %(name)s, the channel of %(department)s, because "
            "it answered: %(reason)s. Fix the address or secret, switch it on again, and send "
            "the waiting notices again from the delivery log."
        )
    else:
        text = _(
            "Accord stopped sending through %(name)s because it answered: %(reason)s. "
            "Fix the address or secret, switch it on again, and send the waiting "
            "notices again from the delivery log."
        )
    return (
        _("Channel switched off: %(name)s") % facts,
        text % facts,
        url("notify:channels"),
        _("Open the channels"),
    )


def texts(n: Notification) -> tuple[str, str, str, str]:
    """Subject, text, link and link label of ``n`` in the active language."""
    kind = n.kind
    if kind == "channel.test":
        return (
            _("Accord test message"),
            _("This channel works: %(name)s, set up by %(person)s.")
            % {
                "name": n.payload.get("channel_name", ""),
                "person": n.payload.get("by", ""),
            },
            settings.BASE_URL + "/",
            _("Open Accord"),
        )
    if kind == "channel.broken":
        return _broken_texts(n)
    if kind == "channel.switched_off":
        p = n.payload
        facts = {
            "name": p.get("channel_name", ""),
            "department": p.get("department_name", ""),
            "kind": Channel.Kind(p["channel_kind"]).label if p.get("channel_kind") else "",
            "by": p.get("by", ""),
        }
        return (
            _("Channel switched off: %(name)s of %(department)s") % facts,
            _(
                "%(by)s switched off %(name)s (%(kind)s), the channel of %(department)s: "
                "notices no longer reach that group through it until someone switches it "
                "on again."
            )
            % facts,
            url("notify:channels"),
            _("Open the channels"),
        )
    if kind == "export.ready":
        rows = n.payload.get("rows", 0)
        return (
            _("Your export is ready: %(name)s") % {"name": n.payload.get("filename", "")},
            ngettext(
                "The Excel export you asked for (%(count)d row) is ready to download for 7 days.",
                "The Excel export you asked for (%(count)d rows) is ready to download for 7 days.",
                rows,
            )
            % {"count": rows},
            url("actions:export", n.payload.get("export_id", 0)),
            _("Download"),
        )
    if kind == "export.failed":
        return (
            _("Export failed: %(name)s") % {"name": n.payload.get("filename", "")},
            _(
                "The Excel export you asked for could not be prepared. Try again, or ask "
                "your administrator."
            ),
            url("actions:export", n.payload.get("export_id", 0)),
            _("Open the export"),
        )
    if kind == "digest.weekly":
        return _digest_texts(n)
    if kind.startswith("meeting."):
        return _meeting_texts(kind, n)
    if kind.startswith("minutes.") or kind.startswith("action.sign"):
        return _minutes_texts(kind, n)
    return _action_texts(kind, n)


def calendar(n: Notification) -> Attachment | None:
    """The invitation or cancellation for a calendar, for e-mails of meeting changes."""
    if n.kind not in CALENDAR_KINDS or n.meeting is None:
        return None
    from accord.notify.notices import meeting_attendees

    meeting = n.meeting
    method = "CANCEL" if n.kind in ("meeting.cancelled", "meeting.uninvited") else "REQUEST"
    if n.kind == "meeting.uninvited":
        attendees = [n.recipient] if n.recipient else []
    else:
        attendees = meeting_attendees(meeting)
    organiser = meeting.organiser
    content = ics.meeting_calendar(
        method=method,
        meeting_id=meeting.pk,
        sequence=n.payload.get("sequence", meeting.calendar_sequence),
        summary=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        organiser=ics.Attendee(
            organiser.email or email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
            organiser.name,
        ),
        attendees=[
            ics.Attendee(person.email, person.name, chair=person.pk == meeting.host_id)
            for person in attendees
        ],
        stamp=n.created_at,
        location=", ".join(p for p in (meeting.location, meeting.online_link) if p),
        description=meeting.goal,
        url=url("meetings:detail", meeting.pk),
        cancel_all=n.kind == "meeting.cancelled",
    )
    return Attachment("invite.ics", content, f"text/calendar; method={method}")


def mention(person) -> Mention:
    return Mention(
        name=person.name or person.username,
        mobile=person.mobile,
        feishu_id=person.feishu_id,
        dingtalk_id=person.dingtalk_id,
        wecom_id=person.wecom_id,
        slack_id=person.slack_id,
    )


def render(n: Notification, *, mentioned=()) -> Message:
    """The message of ``n`` ready for its transport."""
    language = language_of(n)
    with translation.override(language):
        subject, text, link, label = texts(n)
        html = ""
        attachment = None
        to_email = to_name = ""
        if n.via == Channel.Kind.EMAIL:
            html = render_to_string(
                "notify/email.html",
                {
                    "subject": subject,
                    "text": text,
                    "link": link,
                    "label": label,
                    "language": language,
                },
            )
            attachment = calendar(n)
            to_email = n.recipient.email if n.recipient else n.channel.target
            to_name = n.recipient.name if n.recipient else ""
        elif n.channel is not None and n.channel.kind == Channel.Kind.EMAIL:
            to_email = n.channel.target
    return Message(
        key=n.key,
        subject=subject,
        text=text,
        link=link,
        link_label=label,
        language=language,
        mentions=tuple(mention(person) for person in mentioned),
        to_email=to_email,
        to_name=to_name,
        html=html,
        calendar=attachment,
        kind=n.kind,
        data={key: value for key, value in n.payload.items() if key != "mentions"},
    )
