"""Reads of action items, and the inputs of the tracking rules (S-TRACK-1..3, S-POST-3) that
the notification planner applies. Each takes the day it is asked for, so the planner and the
tests can ask about any day; each uses an index on (status, due_date)."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.actions.models import ActionItem, ActionUpdate, DueDateProposal, Signature
from accord.actions.rules import STATUS_TRANSITIONS, can_track, is_overdue, meeting_date
from accord.actions.sheet import ActionRow
from accord.core import clock
from accord.core.compiled import Compiled
from accord.meetings import roles
from accord.meetings.models import Meeting
from accord.meetings.selectors import meeting_visible_one, meetings_visible_to
from accord.org.models import Department, Person

OPEN = ActionItem.OPEN_STATUSES
Status = ActionItem.Status


def actions_visible_to(person: Person) -> QuerySet[ActionItem]:
    """Action items of the meetings the person may see (the one visibility rule)."""
    if person.is_authenticated and person.is_active and person.is_superuser:
        return ActionItem.objects.all()
    return ActionItem.objects.filter(meeting__in=meetings_visible_to(person).values("pk"))


def action_visible_filter(person: Person) -> Q:
    """``actions_visible_to`` for a query about one item (or a few): the visibility of its
    meeting, probed by index for that meeting rather than listing every meeting one sees."""
    return Q(Exists(meeting_visible_one(person).filter(pk=OuterRef("meeting_id"))))


def actions_open() -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(status__in=OPEN)


def actions_due_for_reminder(*, today: dt.date | None = None) -> QuerySet[ActionItem]:
    """Open items due exactly N days from today (S-TRACK-1; N = ACCORD_REMINDER_DAYS_BEFORE)."""
    today = today or clock.today()
    due = today + dt.timedelta(days=settings.ACCORD_REMINDER_DAYS_BEFORE)
    return actions_open().filter(due_date=due)


def actions_awaiting_status(*, today: dt.date | None = None) -> QuerySet[ActionItem]:
    """Open items from their due date to N days after it (S-TRACK-2; N =
    ACCORD_FOLLOW_UP_DAYS_AFTER): the organiser asks for their completion status."""
    today = today or clock.today()
    earliest = today - dt.timedelta(days=settings.ACCORD_FOLLOW_UP_DAYS_AFTER)
    return actions_open().filter(due_date__gte=earliest, due_date__lte=today)


def actions_overdue(*, today: dt.date | None = None) -> QuerySet[ActionItem]:
    """Open items whose due date has passed (S-TRACK-3)."""
    return actions_open().filter(due_date__lt=today or clock.today())


def actions_overdue_without_reason(*, today: dt.date | None = None) -> QuerySet[ActionItem]:
    """Overdue items whose owner has not yet said why: the owner is asked for the reason."""
    return actions_overdue(today=today).filter(overdue_reason="")


def actions_unsigned() -> QuerySet[ActionItem]:
    """Items of approved minutes that their owner has not signed (S-POST-3)."""

    return ActionItem.objects.filter(meeting__status__in=Meeting.APPROVED_STATUSES).exclude(
        Q(status=ActionItem.Status.CANCELLED)
        | Q(Exists(Signature.objects.filter(action=OuterRef("pk"))))
    )


def actions_for_owner(*, person: Person) -> QuerySet[ActionItem]:
    """My work: the person's own items, open first by due date."""
    still_open = Case(When(status__in=OPEN, then=Value(0)), default=Value(1))
    return (
        ActionItem.objects.filter(owner=person)
        .select_related("meeting", "department", "signature")
        .order_by(still_open, "due_date", "id")
    )


# -- the action item page (S-TRACK-2, S-TRACK-3, S-POST-3) ----------------------------------


def _with_page_relations(items: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
    """Everything an item's page and the API's detail show: three queries however long its
    history is (the item, its updates, its proposed due dates)."""
    return items.select_related(
        "meeting",
        "topic",
        "owner__department",
        "department__head",
        "signature__person",
    ).prefetch_related(
        Prefetch(
            "updates",
            queryset=ActionUpdate.objects.select_related("author__department").order_by(
                "created_at", "id"
            ),
        ),
        Prefetch(
            "due_proposals",
            queryset=DueDateProposal.objects.select_related(
                "proposed_by__department", "decided_by__department"
            ).order_by("-created_at", "-id"),
        ),
    )


def action_get_visible(*, person: Person, pk: int) -> ActionItem:
    """The item with everything its page shows, if the person may see it;
    ``ActionItem.DoesNotExist`` otherwise (not visible looks the same as not existing)."""
    return _with_page_relations(ActionItem.objects.filter(action_visible_filter(person))).get(pk=pk)


def action_get_written(*, pk: int) -> ActionItem:
    """An item as it stands after a write, for the writer's answer. The write itself asked
    who may make it (a person who may record or change an item sees its meeting), so the
    visibility test is not asked a second time."""
    return _with_page_relations(ActionItem.objects.all()).get(pk=pk)


def action_known_new(action: ActionItem) -> ActionItem:
    """Mark an item written a moment ago as having no updates and no signature, so that
    showing it asks the database for neither."""
    action._prefetched_objects_cache = {
        "updates": ActionUpdate.objects.none(),
        "due_proposals": DueDateProposal.objects.none(),
    }
    ActionItem.signature.related.set_cached_value(action, None)
    return action


def action_signature(action: ActionItem) -> Signature | None:
    """The owner's signature (S-POST-3), or None; no query when selected with the item."""

    try:
        return action.signature
    except Signature.DoesNotExist:
        return None


@dataclass(frozen=True)
class ActionPermissions:
    """What a person may do on an item's page; the services still decide each request."""

    track: bool  # status and progress (S-TRACK-2)
    report_progress: bool  # a progress note, while the item is open
    explain: bool  # the overdue reason (S-TRACK-3)
    replan: bool  # a new due date with a reason (S-TRACK-3)
    propose: bool  # the owner asks for a new due date (S-TRACK-3)
    answer: bool  # accept or decline the owner's pending proposal
    sign: bool  # 签字确认 (S-POST-3)
    statuses: tuple[str, ...]  # the statuses the person may move the item to


def action_permissions(
    *, person: Person, action: ActionItem, today: dt.date | None = None
) -> ActionPermissions:
    """The forms to offer ``person`` on ``action``'s page, from the rules the services apply:
    ``can_track`` and the status transitions of ``action_set_status``, the owner or their head
    for the overdue reason, the organiser side (``roles.can_organise``) for a re-plan and
    for answering a proposed date, the owner of an open item they may not re-plan for a
    proposal when none waits, the owner of an unsigned item of approved minutes for the
    signature. Expects the item's proposals loaded (``action_get_visible``)."""
    track = can_track(person, action)
    organise = roles.can_organise(person, action.meeting)
    is_open = action.status in OPEN
    pending = action_pending_proposal(action)
    statuses: tuple[str, ...] = ()
    if track and action.meeting.status != Meeting.Status.CANCELLED:
        statuses = tuple(
            status
            for status in ActionItem.Status.values
            if status in STATUS_TRANSITIONS[action.status]
            # Cancelling, and reopening what was not in progress, is the organiser's call.
            and (
                organise
                or not (
                    status == Status.CANCELLED
                    or (status == Status.OPEN and action.status != Status.IN_PROGRESS)
                )
            )
        )
    return ActionPermissions(
        track=track,
        report_progress=track and is_open,
        explain=person.is_active
        and person.pk in (action.owner_id, action.department.head_id)
        and is_overdue(action, today=today),
        replan=organise and is_open,
        propose=person.is_active
        and person.pk == action.owner_id
        and is_open
        and not organise
        and pending is None,
        answer=organise and is_open and pending is not None,
        sign=person.is_active
        and person.pk == action.owner_id
        and action.meeting.status in Meeting.APPROVED_STATUSES
        and action.status != Status.CANCELLED  # as actions_unsigned: nothing left to confirm
        and action_signature(action) is None,
        statuses=statuses,
    )


def action_pending_proposal(action: ActionItem) -> DueDateProposal | None:
    """The owner's proposed due date waiting for an answer, if any (from the proposals
    loaded with the item)."""
    return next(
        (p for p in action.due_proposals.all() if p.status == DueDateProposal.Status.PENDING),
        None,
    )


def due_proposals_awaiting(*, person: Person) -> QuerySet[DueDateProposal]:
    """The proposed due dates waiting for ``person``'s answer, oldest first: pending, on
    open items of meetings the person organises or hosts (who is told of a proposal) and
    may see. PMO and administrators answer others on the item's page, not from a list of
    every proposal in the organisation."""
    if not person.is_authenticated or not person.is_active:
        return DueDateProposal.objects.none()
    return (
        DueDateProposal.objects.filter(
            Q(action__meeting__organiser=person) | Q(action__meeting__host=person),
            status=DueDateProposal.Status.PENDING,
            action__status__in=OPEN,
        )
        .filter(Exists(meeting_visible_one(person).filter(pk=OuterRef("action__meeting_id"))))
        .select_related("action__meeting", "proposed_by__department")
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class HistoryEntry:
    """One row of an item's history, with its statuses and reason ready to show."""

    update: ActionUpdate
    old_status: str  # translated label, or ""
    new_status: str
    reason: str


def _status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


def action_history(*, action: ActionItem) -> list[HistoryEntry]:
    """Progress notes, status changes, re-plans and overdue reasons, oldest first; uses the
    updates prefetched by ``action_get_visible``."""
    return [
        HistoryEntry(
            update=update,
            old_status=_status_label(update.old_status),
            new_status=_status_label(update.new_status),
            reason=update.get_reason_display() if update.reason else "",
        )
        for update in action.updates.all()
    ]


@dataclass(frozen=True)
class DueHistory:
    """The due date as first planned and every re-plan after it (S-TRACK-3)."""

    original: dt.date
    replans: list[ActionUpdate]


def action_due_history(*, action: ActionItem) -> DueHistory:
    replans = [u for u in action.updates.all() if u.kind == ActionUpdate.Kind.REPLAN]
    original = replans[0].old_due_date if replans else action.due_date
    return DueHistory(original=original or action.due_date, replans=replans)


# -- boards (S-TRACK-1..3) ------------------------------------------------------------------

BOARD_STATUS_ORDER = (Status.OPEN, Status.IN_PROGRESS, Status.DONE, Status.CANCELLED)


def sees_all_departments(person: Person) -> bool:
    """PMO and administrators watch every department's board."""
    return person.is_active and (person.is_superuser or person.is_pmo)


def organises_meetings(person: Person) -> bool:
    """The organiser side that chases overdue items: PMO, administrators, and whoever
    organises or hosts a meeting."""
    if not person.is_active:
        return False
    if sees_all_departments(person):
        return True
    return Meeting.objects.filter(Q(organiser=person) | Q(host=person)).exists()


def board_departments(*, person: Person, today: dt.date | None = None) -> list[Department]:
    """The department boards to offer: every department for PMO and administrators, the
    person's own otherwise; each with ``open_count`` and ``overdue_count`` of the items the
    person may see. One query."""
    today = today or clock.today()
    departments = Department.objects.all()
    if not sees_all_departments(person):
        departments = departments.filter(pk=person.department_id)
    visible_open = Q(
        actions__status__in=OPEN,
        actions__meeting__in=meetings_visible_to(person).values("pk"),
    )
    return list(
        departments.annotate(
            open_count=Count("actions", filter=visible_open),
            overdue_count=Count("actions", filter=visible_open & Q(actions__due_date__lt=today)),
        ).order_by("name")
    )


def department_board(
    *,
    person: Person,
    department: Department,
    owner: Person | None = None,
    due_after: dt.date | None = None,
    due_before: dt.date | None = None,
) -> QuerySet[ActionItem]:
    """The department's items the person may see, grouped by status (open, in progress,
    done, cancelled) and by due date within each; ``due_after``/``due_before`` include the
    day itself. Owner and meeting come with each item."""
    items = actions_visible_to(person).filter(department=department)
    if owner is not None:
        items = items.filter(owner=owner)
    if due_after is not None:
        items = items.filter(due_date__gte=due_after)
    if due_before is not None:
        items = items.filter(due_date__lte=due_before)
    rank = Case(
        *(When(status=status, then=Value(i)) for i, status in enumerate(BOARD_STATUS_ORDER)),
        output_field=IntegerField(),
    )
    return (
        items.select_related("owner", "meeting")
        .annotate(status_rank=rank)
        .order_by("status_rank", "due_date", "id")
    )


def department_board_owners(*, person: Person, department: Department) -> QuerySet[Person]:
    """Owners of the department's items the person may see: the board's owner filter."""
    return Person.objects.filter(
        pk__in=actions_visible_to(person).filter(department=department).values("owner")
    ).order_by("name", "username")


def overdue_board(
    *, person: Person, today: dt.date | None = None, oldest_first: bool = True
) -> QuerySet[ActionItem]:
    """Overdue items the person may see (S-TRACK-3), with ``age`` (a timedelta: days past the
    due date), owner, department and meeting; the oldest first unless ``oldest_first`` is
    False."""
    today = today or clock.today()
    order = ("due_date", "id") if oldest_first else ("-due_date", "-id")
    return (
        actions_overdue(today=today)
        .filter(meeting__in=meetings_visible_to(person).values("pk"))
        .select_related("owner", "department", "meeting")
        .annotate(age=ExpressionWrapper(Value(today) - F("due_date"), output_field=DurationField()))
        .order_by(*order)
    )


def replan_due_preview(*, text: str, today: dt.date | None = None) -> dt.date:
    """The date a re-plan would set for ``text`` (S-TRACK-3), read as ``action_replan`` reads
    it: relative to today and not before today. ``AppError`` on ``due_date`` if it is no date."""
    from accord.actions.deadlines import parse_due_date

    today = today or clock.today()
    return parse_due_date(text, reference=today, not_before=today, earliest="today")


def meeting_due_preview(*, meeting: Meeting, text: str) -> dt.date:
    """The date a due phrase names for a new action item of ``meeting``, read exactly as
    ``action_create`` reads it: relative to the meeting's date and not before it (S-MEET-4).
    Shown back while the recorder types; ``AppError`` on ``due_date`` if it is no date."""
    from accord.actions.deadlines import parse_due_date

    day = meeting_date(meeting)
    return parse_due_date(text, reference=day, not_before=day)


# -- the action plan as a sheet (XLSX export) ---------------------------------------------

EXPORT_RELATIONS = ("owner", "department", "meeting", "topic")


def action_export_rows(*, items: QuerySet[ActionItem], today: dt.date | None = None) -> list:
    """``items`` (already filtered through ``actions_visible_to``) as rows for
    ``accord.exports.xlsx.actions_xlsx``: names and labels, not ids. One query."""
    today = today or clock.today()
    rows = []
    for item in items.select_related(*EXPORT_RELATIONS):
        reason = item.get_overdue_reason_display() if item.overdue_reason else ""
        if item.overdue_reason_text:
            reason = (
                _("%(reason)s: %(text)s") % {"reason": reason, "text": item.overdue_reason_text}
                if reason
                else item.overdue_reason_text
            )
        rows.append(
            ActionRow(
                task=item.task,
                owner=item.owner.name or item.owner.username,
                department=item.department.name,
                due_date=item.due_date,
                resources=item.resources,
                status=item.status,
                overdue=item.status in OPEN and item.due_date < today,
                meeting=item.meeting.title,
                topic=item.topic.title if item.topic is not None else "",
                overdue_reason=reason,
                meeting_date=timezone.localtime(item.meeting.starts_at).date(),
            )
        )
    return rows


LIST_RELATIONS = ("owner__department", "department", "meeting", "topic")


def actions_filtered(
    *,
    person: Person,
    owner: int | None = None,
    department: int | None = None,
    status: str | None = None,
    due_after: dt.date | None = None,
    due_before: dt.date | None = None,
    overdue: bool | None = None,
    meeting: int | None = None,
    series: int | None = None,
    q: str = "",
) -> QuerySet[ActionItem]:
    """The items ``person`` may see, narrowed by the API's list filters (which combine;
    ``due_after``/``due_before`` include the day itself), by due date then id."""
    if _own(person, owner):
        # One's own items: owning an item is taking part in its meeting, so the visibility
        # rule holds without asking it (and the owner index answers alone).
        items = ActionItem.objects.filter(owner_id=owner)
    else:
        items = actions_visible_to(person)
        if owner is not None:
            items = items.filter(owner_id=owner)
    items = _narrowed(
        items,
        department=department,
        status=status,
        due_after=due_after,
        due_before=due_before,
        overdue=overdue,
        today=clock.today() if overdue is not None else None,
        meeting=meeting,
        series=series,
        q=q,
    )
    return items.select_related(*LIST_RELATIONS).order_by("due_date", "id")


def _own(person: Person, owner: int | None) -> bool:
    return owner is not None and owner == person.pk and person.is_active


def _narrowed(
    items: QuerySet[ActionItem],
    *,
    department: int | None = None,
    status: str | None = None,
    due_after: dt.date | None = None,
    due_before: dt.date | None = None,
    overdue: bool | None = None,
    today: dt.date | None = None,
    meeting: int | None = None,
    series: int | None = None,
    q: str = "",
) -> QuerySet[ActionItem]:
    if department is not None:
        items = items.filter(department_id=department)
    if status:
        items = items.filter(status=status)
    if due_after is not None:
        items = items.filter(due_date__gte=due_after)
    if due_before is not None:
        items = items.filter(due_date__lte=due_before)
    if overdue is not None:
        late = Q(status__in=OPEN, due_date__lt=today)
        items = items.filter(late) if overdue else items.exclude(late)
    if meeting is not None:
        items = items.filter(meeting_id=meeting)
    if series is not None:
        items = items.filter(meeting__series_id=series)
    text = (q or "").strip()
    if text:
        items = items.filter(task__icontains=text)
    return items


def _own_page(shape: tuple, *, owner: int, **filters) -> QuerySet:
    """A page of one's own items as ``values(*fields)``, each row with the count of them all
    (``total``: PostgreSQL counts it once, as an init plan)."""
    fields, offset, size, overdue = shape
    items = _narrowed(ActionItem.objects.filter(owner_id=owner), overdue=overdue, **filters)
    total = items.order_by().annotate(
        n=Func(F("pk"), function="COUNT", output_field=IntegerField())
    )
    return items.order_by("due_date", "id").values(*fields, total=Subquery(total.values("n")))[
        offset : offset + size
    ]


OWN_PAGE = Compiled(_own_page)


def actions_page(
    *, person: Person, fields: tuple[str, ...], offset: int, size: int, **filters
) -> tuple[list[dict], int]:
    """A page of what ``actions_filtered`` gives, as ``values(*fields)``, and how many
    items there are in all.

    One's own items, the list everyone opens most, take one query whose SQL is written once
    for each set of filters (``core.compiled``): the page and its count together. Any other
    list (and a text search) goes through the ORM as two queries, the page and the count."""
    text = (filters.get("q") or "").strip()
    if not _own(person, filters.get("owner")) or text:
        items = actions_filtered(person=person, **filters)
        return list(items.values(*fields)[offset : offset + size]), items.count()
    values = {
        name: value
        for name, value in filters.items()
        if name not in ("q", "overdue") and value is not None
    }
    overdue = filters.get("overdue")
    if overdue is not None:
        values["today"] = clock.today()
    rows = OWN_PAGE.rows((fields, offset, size, overdue), **values)
    if not rows and offset:  # past the end: the count needs its own query
        return rows, actions_filtered(person=person, **filters).count()
    total = rows[0]["total"] if rows else 0
    for row in rows:
        del row["total"]
    return rows, total
