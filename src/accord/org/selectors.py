"""Reads of the organisation for the administration pages, and the person search of the
pickers (``people_to_pick``)."""

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from accord.org.models import Department, Person
from accord.org.names import fold

PICKER_LIMIT = 20


@dataclass(frozen=True)
class DepartmentNode:
    """A department in the tree: how deep it sits (0 at the top), the department it is part
    of, and its active members."""

    department: Department
    depth: int
    member_count: int
    parent: Department | None


def department_tree() -> list[DepartmentNode]:
    """Every department, each followed by its sub-departments (by name, at every level),
    with its head and number of active members. One query however large the tree is."""
    departments = list(
        Department.objects.select_related("head")
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("name", "id")
    )
    by_pk = {department.pk: department for department in departments}
    children: dict[int | None, list[Department]] = {}
    for department in departments:
        children.setdefault(department.parent_id, []).append(department)
    tree: list[DepartmentNode] = []
    placed: set[int] = set()

    def walk(parent_id: int | None, depth: int) -> None:
        for department in children.get(parent_id, []):
            if department.pk in placed:  # a loop in the data must not hang the page
                continue
            placed.add(department.pk)
            tree.append(_node(department, depth, by_pk))
            walk(department.pk, depth + 1)

    walk(None, 0)
    # Departments only reachable through a loop (the services refuse one) still show up.
    for department in departments:
        if department.pk not in placed:
            placed.add(department.pk)
            tree.append(_node(department, 0, by_pk))
            walk(department.pk, 1)
    return tree


def _node(department: Department, depth: int, by_pk: dict[int, Department]) -> DepartmentNode:
    parent = by_pk.get(department.parent_id) if department.parent_id else None
    return DepartmentNode(department, depth, department.member_count, parent)


def people_search(*, query: str = "", department: Department | None = None) -> QuerySet[Person]:
    """People whose user name, name, e-mail, mobile or title contains ``query`` (any case),
    optionally of one department; by name, with their department."""
    people = Person.objects.select_related("department")
    query = (query or "").strip()
    if query:
        people = people.filter(
            Q(username__icontains=query)
            | Q(name__icontains=query)
            | Q(email__icontains=query)
            | Q(mobile__icontains=query)
            | Q(title__icontains=query)
        )
    if department is not None:
        people = people.filter(department=department)
    return people.order_by("name", "username", "id")


@dataclass(frozen=True)
class PeopleFound:
    """A page of a person search: the first ``PICKER_LIMIT`` people and whether more match."""

    people: list[Person]
    more: bool


def people_to_pick(
    *, text: str, department: Department | None = None, limit: int = PICKER_LIMIT
) -> PeopleFound:
    """Active people that ``text`` names — by full name, pinyin, initials or user name (the
    stored ``search_key``), by job title or by department — best first: a whole name or key,
    then a key that starts with it, then any other match; by name within each. One query,
    however many people there are. Empty ``text``: nobody (a picker lists no 5,000 people).
    With ``department``: its members and its head only."""
    # A NUL cannot be stored or compared in PostgreSQL text; nobody types one in a name.
    typed = text.replace("\x00", "").strip()[:100]
    key = fold(typed)
    if not key:
        return PeopleFound([], False)
    people = Person.objects.filter(is_active=True).filter(
        Q(search_key__contains=key)
        | Q(name__icontains=typed)
        | Q(title__icontains=typed)
        | Q(department__name__icontains=typed)
    )
    if department is not None:
        people = people.filter(Q(department=department) | Q(pk=department.head_id or 0))
    whole = (
        Q(name=typed)
        | Q(search_key=key)
        | Q(search_key__startswith=f"{key} ")
        | Q(search_key__contains=f" {key} ")
        | Q(search_key__endswith=f" {key}")
    )
    rank = Case(
        When(whole, then=Value(0)),
        When(Q(search_key__startswith=key) | Q(search_key__contains=f" {key}"), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    found = list(
        people.select_related("department")
        .annotate(rank=rank)
        .order_by("rank", "name", "username", "pk")[: limit + 1]
    )
    return PeopleFound(found[:limit], len(found) > limit)


def person_for_picker(*, pk: int) -> Person | None:
    """The active person a picker sent back (with their department), or ``None``."""
    return Person.objects.select_related("department").filter(pk=pk, is_active=True).first()
