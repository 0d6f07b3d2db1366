"""After the period's meetings: whether their minutes were distributed on time, per
organising department; and how long the owners of their items took to sign them off after
the distribution, per department given the work."""

import dataclasses
import datetime as dt

from django.db.models import (
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Q,
    Sum,
    Value,
    When,
)

from accord.actions.models import ActionItem
from accord.analytics.period import Period, midnight
from accord.analytics.scope import period_meetings, rate, seen_items
from accord.core import clock
from accord.org.models import Department, Person

Status = ActionItem.Status


@dataclasses.dataclass(frozen=True)
class MinutesTimeliness:
    """Per organising department, meetings of the period that ended (so have minutes):
    distributed on time (first distribution at or before ``Minutes.due_at``, 24 h after the
    end by default), late (distributed after it, or not distributed and the time is up),
    and still within time."""

    key: object
    label: str
    meetings: int
    on_time: int
    late: int
    pending: int

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.on_time, self.on_time + self.late)


def minutes_timeliness(
    *, person: Person, period: Period, department: Department | None = None
) -> list[MinutesTimeliness]:
    """One query; a meeting without an organising department is under an empty label."""
    now = clock.now()
    rows = (
        period_meetings(person, period, department)
        .filter(minutes__isnull=False)
        .values("organiser_department_id", "organiser_department__name")
        .annotate(
            meetings=Count("pk"),
            on_time=Count("pk", filter=Q(minutes__first_distributed_at__lte=F("minutes__due_at"))),
            late=Count(
                "pk",
                filter=Q(minutes__first_distributed_at__gt=F("minutes__due_at"))
                | Q(minutes__first_distributed_at__isnull=True, minutes__due_at__lt=now),
            ),
            pending=Count(
                "pk", filter=Q(minutes__first_distributed_at__isnull=True, minutes__due_at__gte=now)
            ),
        )
        .order_by("organiser_department__name")
    )
    return [
        MinutesTimeliness(
            key=row["organiser_department_id"],
            label=row["organiser_department__name"] or "",
            meetings=row["meetings"],
            on_time=row["on_time"],
            late=row["late"],
            pending=row["pending"],
        )
        for row in rows
    ]


@dataclasses.dataclass(frozen=True)
class SignOff:
    """Per department given the work, items of the period's meetings whose minutes were
    distributed: signed, not signed, and the **average** (not the median, which SQLite
    cannot compute in SQL) hours from the minutes' first distribution to the signature; a
    signature given before the distribution counts as 0 hours."""

    key: object
    label: str
    signed: int
    unsigned: int
    total_latency: dt.timedelta

    @property
    def average_hours(self) -> float | None:
        if not self.signed:
            return None
        return round(self.total_latency.total_seconds() / 3600 / self.signed, 1)


def sign_off_latency(
    *, person: Person, period: Period, department: Department | None = None
) -> list[SignOff]:
    """One query."""
    items = seen_items(person)
    meetings = period_meetings(person, period, None)
    items = items.filter(
        meeting__in=meetings.values("pk"), meeting__minutes__first_distributed_at__isnull=False
    ).exclude(status=Status.CANCELLED)
    if department is not None:
        items = items.filter(department=department)
    # Only signatures given since the period began can belong to its meetings' items (an
    # item is signed after its meeting): joining just those keeps the join small.
    items = items.annotate(
        sig=FilteredRelation(
            "signature", condition=Q(signature__signed_at__gte=midnight(period.start))
        )
    )
    distributed = F("meeting__minutes__first_distributed_at")
    latency = Case(
        When(sig__signed_at__lt=distributed, then=Value(dt.timedelta(0))),
        default=ExpressionWrapper(F("sig__signed_at") - distributed, DurationField()),
        output_field=DurationField(),
    )
    rows = (
        items.values("department_id", "department__name")
        .annotate(
            signed=Count("sig"),
            unsigned=Count("pk", filter=Q(sig__isnull=True)),
            total_latency=Sum(latency, filter=Q(sig__isnull=False)),
        )
        .order_by("department__name")
    )
    return [
        SignOff(
            key=row["department_id"],
            label=row["department__name"],
            signed=row["signed"],
            unsigned=row["unsigned"],
            total_latency=row["total_latency"] or dt.timedelta(0),
        )
        for row in rows
    ]
