"""The cross-department matrix: how many of the period's items meetings organised by each
department gave to each department, and how many of them are late."""

import dataclasses

from django.db.models import Count

from accord.analytics.period import Period
from accord.analytics.scope import completion_conditions, period_items
from accord.core import clock
from accord.org.models import Department, Person


@dataclasses.dataclass(frozen=True)
class MatrixCell:
    """Items of the period that meetings organised by ``giver`` gave to ``given``, and how
    many of them are late (done late or open late)."""

    giver: str
    given: str
    items: int
    late: int


@dataclasses.dataclass(frozen=True)
class Matrix:
    givers: list[str]
    given: list[str]
    cells: list[MatrixCell]

    def grid(self, field: str = "items") -> list[list[int]]:
        """The values as rows (givers) × columns (departments given the work)."""
        by_pair = {(c.giver, c.given): getattr(c, field) for c in self.cells}
        return [[by_pair.get((g, d), 0) for d in self.given] for g in self.givers]


def cross_department_matrix(
    *, person: Person, period: Period, department: Department | None = None
) -> Matrix:
    """Organising department of the meeting → department given the work. With a
    department: the work it gave and the work it was given (one query)."""
    late = completion_conditions(clock.today())["late"]
    rows = (
        period_items(person, period, department, either_side=True)
        .values("meeting__organiser_department__name", "department__name")
        .annotate(items=Count("pk"), late=Count("pk", filter=late))
        .order_by("meeting__organiser_department__name", "department__name")
    )
    cells = [
        MatrixCell(
            giver=row["meeting__organiser_department__name"] or "",
            given=row["department__name"],
            items=row["items"],
            late=row["late"],
        )
        for row in rows
    ]
    givers = sorted({c.giver for c in cells})
    given = sorted({c.given for c in cells})
    return Matrix(givers=givers, given=given, cells=cells)
