"""Reads for the administration pages: the department tree and the people search."""

from accord.org import selectors, services
from accord.org.models import Person
from tests.conftest import Org


def test_department_tree_nests_children_under_parents_by_name(org: Org, django_assert_num_queries):
    group = services.department_create(
        actor=org.admin, name="前端组", parent=org.rnd, head=org.zhou
    )
    services.department_create(actor=org.admin, name="组件小组", parent=group)
    services.department_create(actor=org.admin, name="后端组", parent=org.rnd)
    services.person_update(actor=org.admin, person=org.zhou, department=group)

    with django_assert_num_queries(1):
        tree = selectors.department_tree()

    assert [
        (
            node.department.name,
            node.depth,
            node.parent.name if node.parent else None,
            node.department.head.name if node.department.head else None,
            node.member_count,
        )
        for node in tree
    ] == [
        ("市场部", 0, None, "王经理", 2),
        ("研发部", 0, None, "李主管", 1),  # zhou moved to the front-end group
        ("前端组", 1, "研发部", "周工程师", 1),
        ("组件小组", 2, "前端组", None, 0),
        ("后端组", 1, "研发部", None, 0),
        ("行政部", 0, None, "孙主任", 2),
        ("设计部", 0, None, "陈主管", 1),
        ("财务部", 0, None, None, 1),
        ("销售部", 0, None, "刘代表", 1),
    ]


def test_department_tree_counts_active_members_only(org: Org):
    services.person_update(actor=org.admin, person=org.zhang, is_active=False)

    counts = {node.department.name: node.member_count for node in selectors.department_tree()}

    assert counts["市场部"] == 1


def test_people_search_by_any_name_part(org: Org):
    services.person_update(actor=org.admin, person=org.zhou, email="zhou@rd.example.com")

    def found(**kwargs) -> list[str]:
        return [person.username for person in selectors.people_search(**kwargs)]

    assert found(query="主管") == ["li", "chen"]  # titles and names, by name
    assert found(query="RD.EXAMPLE") == ["zhou"]
    assert found(query="zha") == ["zhang", "zhao"]
    assert found(department=org.marketing) == ["zhang", "wang"]
    assert found(query="专员", department=org.office) == ["zhao"]
    assert found(query="nobody") == []
    assert len(found()) == Person.objects.count() == 10
