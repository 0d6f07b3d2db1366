"""The weekly digest (issue #7): each ``ACCORD_DIGEST_WEEKDAY`` (Monday), the week in numbers
to department heads and organisers — a time rule of ``planner.py``, built from the
analytics' figures."""

import datetime as dt

from django.conf import settings

from accord.analytics.digest_figures import digest_completion, digest_open_items
from accord.analytics.period import Period
from accord.meetings.models import Meeting
from accord.notify.notices import rule_day
from accord.notify.outbox import Event, planned_events
from accord.org.models import Department, Person

DIGEST_ORGANISER_DAYS = 90  # who organised a meeting this recently gets the organiser's digest


def _digest_list(found) -> dict:
    if found is None:
        return {"count": 0, "items": []}
    return {
        "count": found.count,
        "items": [
            {"task": item.task, "owner": item.owner, "due": item.due.isoformat()}
            for item in found.items
        ],
    }


def weekly_digest(now: dt.datetime) -> list[Event]:
    """The weekly digest, on ``ACCORD_DIGEST_WEEKDAY`` from the notify hour (until the notify
    hour of the next day; a digest missed on its day is not sent later: next week's comes).

    Each department head gets their department's (the work it was given): the past seven
    days' items by committed due date (due, done on time, late, on-time rate, as the
    analytics page counts them), what is overdue now and what is due in the seven days
    from today (counts and the first ten by due date). Each organiser of a meeting of the
    last 90 days who heads no department gets the same for the items of their meetings.
    The figures travel in the payload. Nine queries at most, however many departments.

    Items of a confidential meeting count only in the digest of a reader who may see that
    meeting (``analytics.scope``, "Confidential meetings"). Such a digest carries
    ``"confidential": true`` in its payload, and the delivery log keeps it from the PMO as
    it keeps a notice about a confidential meeting."""
    today = rule_day(now)
    if not settings.ACCORD_DIGEST_ENABLED or today.weekday() != settings.ACCORD_DIGEST_WEEKDAY:
        return []
    year, week, _weekday = today.isocalendar()
    stamp = f"{year}-W{week:02d}"
    heads = list(
        Department.objects.filter(head__isnull=False, head__is_active=True)
        .select_related("head")
        .order_by("name", "pk")
    )
    recent = Meeting.objects.exclude(status=Meeting.Status.CANCELLED).filter(
        starts_at__gte=now - dt.timedelta(days=DIGEST_ORGANISER_DAYS), starts_at__lte=now
    )
    organisers = list(
        Person.objects.filter(is_active=True, pk__in=recent.values("organiser_id"))
        .exclude(pk__in=Department.objects.filter(head__isnull=False).values("head_id"))
        .order_by("name", "pk")
    )
    wanted = [
        (f"digest:week:{stamp}:dept:{d.pk}", "department", d.pk, d.head, d.name) for d in heads
    ]
    wanted += [
        (f"digest:week:{stamp}:organiser:{p.pk}", "organiser", p.pk, p, p.name or p.username)
        for p in organisers
    ]
    planned = planned_events(key for key, *_rest in wanted)
    wanted = [row for row in wanted if row[0] not in planned]
    if not wanted:
        return []
    period = Period(today - dt.timedelta(days=7), today - dt.timedelta(days=1))
    next_end = today + dt.timedelta(days=6)
    completion: dict[str, dict] = {}
    lists: dict[str, dict] = {}
    for group in ("department", "organiser"):
        keys = [pk for _key, g, pk, _p, _n in wanted if g == group]
        if keys:
            completion[group] = digest_completion(
                group=group, keys=keys, period=period, today=today
            )
            lists[group] = digest_open_items(group=group, keys=keys, today=today)
    events = []
    for key, group, pk, person, name in wanted:
        done = completion[group].get(pk)
        overdue = lists[group].get((pk, "overdue"))
        coming = lists[group].get((pk, "next"))
        payload = {
            "week": stamp,
            "scope": group,
            "id": pk,
            "name": name,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "next_end": next_end.isoformat(),
            "due": done.due if done else 0,
            "on_time": done.on_time if done else 0,
            "late": done.late if done else 0,
            "rate": done.on_time_rate if done else None,
            "overdue": _digest_list(overdue),
            "next": _digest_list(coming),
        }
        if (done and done.confidential) or any(
            found.confidential for found in (overdue, coming) if found
        ):
            payload["confidential"] = True
        events.append(
            Event(
                key=key,
                kind="digest.weekly",
                people=[person],
                to_group_bots=False,  # a head's or organiser's own numbers
                payload=payload,
            )
        )
    return events
