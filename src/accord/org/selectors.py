"""Reads of the organisation for the administration pages."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from accord.org.models import Department, Person


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
