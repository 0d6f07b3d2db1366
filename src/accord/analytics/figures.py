"""Every figure of the analytics page at once, for a period, an optional department and what
the person may see: the one call the page (and its CSV and Excel tables) makes."""

import dataclasses

from accord.analytics.completion import (
    Completion,
    completion_by_department,
    completion_by_person,
    completion_total,
    trend_by_month,
    trend_by_week,
)
from accord.analytics.cross_department import Matrix, cross_department_matrix
from accord.analytics.meeting_discipline import Discipline, discipline_total, meeting_discipline
from accord.analytics.minutes_sign_off import (
    MinutesTimeliness,
    SignOff,
    minutes_timeliness,
    sign_off_latency,
)
from accord.analytics.overdue import OverdueAge, ReasonCount, overdue_age, overdue_reasons
from accord.analytics.period import Period
from accord.org.models import Department, Person


@dataclasses.dataclass(frozen=True)
class Figures:
    period: Period
    department: Department | None
    departments: list[Completion]
    people: list[Completion]
    age: OverdueAge
    reasons: list[ReasonCount]
    minutes: list[MinutesTimeliness]
    sign_off: list[SignOff]
    discipline: list[Discipline]
    matrix: Matrix
    weeks: list[Completion]
    months: list[Completion]

    @property
    def total(self) -> Completion:
        return completion_total(self.departments)

    @property
    def discipline_overall(self) -> Discipline:
        return discipline_total(self.discipline)


def analytics_figures(
    *, person: Person, period: Period, department: Department | None = None
) -> Figures:
    """Every figure of the page: ten queries, however much history there is."""
    scope = {"person": person, "period": period, "department": department}
    return Figures(
        period=period,
        department=department,
        departments=completion_by_department(**scope),
        people=completion_by_person(**scope),
        age=overdue_age(**scope),
        reasons=overdue_reasons(**scope),
        minutes=minutes_timeliness(**scope),
        sign_off=sign_off_latency(**scope),
        discipline=meeting_discipline(**scope),
        matrix=cross_department_matrix(**scope),
        weeks=trend_by_week(**scope),
        months=trend_by_month(**scope),
    )
