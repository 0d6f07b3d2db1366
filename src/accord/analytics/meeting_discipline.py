"""Meeting discipline per organising department: the period's meetings that were held, their
agenda topics, planned against actual minutes per topic, and the meetings that ran over
90 minutes."""

import dataclasses
import datetime as dt

from django.db.models import Count, F, IntegerField, Q, Sum
from django.db.models.functions import Coalesce

from accord.analytics.period import Period
from accord.analytics.scope import period_meetings
from accord.org.models import Department, Person

LONG_MEETING_MINUTES = 90


@dataclasses.dataclass(frozen=True)
class Discipline:
    """Per organising department, the period's meetings that were held (started and ended):
    how many; their agenda topics (the generated review of the previous plan left out) and
    topics per meeting; over the topics whose actual minutes were recorded, the planned and
    the actual minutes per topic; and the meetings that ran over 90 minutes (end − start)."""

    key: object
    label: str
    meetings: int
    topics: int
    timed_topics: int
    planned_minutes: int
    actual_minutes: int
    over_90: int

    @property
    def topics_per_meeting(self) -> float | None:
        return round(self.topics / self.meetings, 1) if self.meetings else None

    @property
    def planned_per_topic(self) -> float | None:
        return round(self.planned_minutes / self.timed_topics, 1) if self.timed_topics else None

    @property
    def actual_per_topic(self) -> float | None:
        return round(self.actual_minutes / self.timed_topics, 1) if self.timed_topics else None


DISCIPLINE_FIELDS = ("meetings", "topics", "timed_topics", "planned_minutes", "actual_minutes")


def discipline_total(rows: list[Discipline], label: str = "") -> Discipline:
    fields = (*DISCIPLINE_FIELDS, "over_90")
    return Discipline(
        key=None, label=label, **{f: sum(getattr(r, f) for r in rows) for f in fields}
    )


def meeting_discipline(
    *, person: Person, period: Period, department: Department | None = None
) -> list[Discipline]:
    """One query (meetings joined to their topics: meetings are counted distinct)."""
    agenda = Q(topics__is_review=False)
    timed = agenda & Q(topics__actual_minutes__isnull=False)
    long = dt.timedelta(minutes=LONG_MEETING_MINUTES)
    rows = (
        period_meetings(person, period, department)
        .filter(started_at__isnull=False, ended_at__isnull=False)
        .values("organiser_department_id", "organiser_department__name")
        .annotate(
            n_meetings=Count("pk", distinct=True),
            n_topics=Count("topics", filter=agenda, distinct=True),
            n_timed=Count("topics", filter=timed, distinct=True),
            n_planned=Coalesce(
                Sum("topics__planned_minutes", filter=timed), 0, output_field=IntegerField()
            ),
            n_actual=Coalesce(
                Sum("topics__actual_minutes", filter=timed), 0, output_field=IntegerField()
            ),
            n_over_90=Count("pk", distinct=True, filter=Q(ended_at__gt=F("started_at") + long)),
        )
        .order_by("organiser_department__name")
    )
    return [
        Discipline(
            key=row["organiser_department_id"],
            label=row["organiser_department__name"] or "",
            meetings=row["n_meetings"],
            topics=row["n_topics"],
            timed_topics=row["n_timed"],
            planned_minutes=row["n_planned"],
            actual_minutes=row["n_actual"],
            over_90=row["n_over_90"],
        )
        for row in rows
    ]
