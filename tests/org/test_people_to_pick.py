"""The person pickers' search (``org.selectors.people_to_pick``) over the stored search key
that the org services keep up to date: by name, pinyin, initials, user name, department and
title, best match first, at most 20, in one query however many people there are."""

import pytest

from accord.org import selectors, services
from accord.org.models import Department, Person
from accord.org.names import search_text_of
from tests.conftest import Org


def names(found) -> list[str]:
    return [person.name for person in found.people]


def test_the_services_keep_the_search_key(org: Org):
    assert org.zhang.search_key == "zhang zhangzhuanyuan zzy 张 张专员"
    services.person_update(actor=org.admin, person=org.zhang, name="张丽", username="zhangli")
    org.zhang.refresh_from_db()
    assert org.zhang.search_key == "zhang zhangli zl 张 张丽"
    # A change of anything else leaves it as it is.
    services.person_update(actor=org.admin, person=org.zhang, title="主管")
    org.zhang.refresh_from_db()
    assert org.zhang.search_key == "zhang zhangli zl 张 张丽"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("张专员", ["张专员"]),
        ("zhangzhuanyuan", ["张专员"]),
        ("zhang zhuanyuan", ["张专员"]),
        ("ZZY", ["张专员", "赵专员"]),  # both initials zzy
        ("zhao", ["赵专员"]),
        ("专员", ["张专员", "赵专员"]),  # the title
        ("研发部", ["周工程师", "李主管"]),  # the department
        ("wang", ["王经理"]),  # the user name (and the surname's pinyin)
        ("  ", []),
        ("无此人", []),
    ],
)
def test_people_to_pick_finds_by_any_form_of_the_name(org: Org, typed, expected):
    assert names(selectors.people_to_pick(text=typed)) == expected


def test_a_whole_name_comes_before_a_name_that_starts_with_it(org: Org):
    services.person_create(actor=org.admin, username="lihua", name="李华", department=org.sales)
    services.person_create(actor=org.admin, username="li2", name="李", department=org.sales)

    # "li": the surname 李 is a whole key of all three, by name; then a key that starts
    # with it (liudaibiao), then one that holds it (wangjingli, guanliyuan).
    assert names(selectors.people_to_pick(text="li")) == [
        "李",
        "李主管",
        "李华",
        "刘代表",
        "王经理",
        "管理员",
    ]
    # "lih": only a start of 李华's pinyin.
    assert names(selectors.people_to_pick(text="lih")) == ["李华"]


def test_people_who_cannot_sign_in_are_not_offered(org: Org):
    services.person_update(actor=org.admin, person=org.zhou, is_active=False)

    assert names(selectors.people_to_pick(text="研发部")) == ["李主管"]


def test_narrowed_to_a_department_its_members_and_its_head(org: Org):
    assert names(selectors.people_to_pick(text="专员", department=org.office)) == ["赵专员"]


@pytest.fixture
def five_thousand(org: Org) -> Department:
    """5,000 people made in bulk, their search key as the migration and the seed write it;
    every hundredth a 张 (zhang), one of them 张伟 (zhang wei)."""
    department = services.department_create(actor=org.admin, name="工程部")
    rows = []
    for n in range(5000):
        name = "张伟" if n == 4321 else (f"张{n}" if n % 100 == 0 else f"员工{n}")
        username = f"p{n:04d}"
        rows.append(
            Person(
                username=username,
                name=name,
                department=department,
                title="工程师",
                search_key=search_text_of(name=name, username=username),
            )
        )
    Person.objects.bulk_create(rows, batch_size=1000)
    return department


def test_five_thousand_people_answer_in_one_query_with_at_most_twenty(
    org: Org, five_thousand, django_assert_num_queries
):
    with django_assert_num_queries(1):
        by_name = selectors.people_to_pick(text="张伟")
    with django_assert_num_queries(1):
        by_pinyin = selectors.people_to_pick(text="zhangwei")
    with django_assert_num_queries(1):
        by_surname = selectors.people_to_pick(text="zhang")
    with django_assert_num_queries(1):
        by_user_name = selectors.people_to_pick(text="p0042")

    assert names(by_name) == names(by_pinyin) == ["张伟"]
    assert by_name.people[0].department.name == "工程部"
    # 张专员, 张伟 and fifty 张<n>: the first twenty, and "more".
    assert len(by_surname.people) == 20
    assert by_surname.more is True
    assert names(by_user_name) == ["员工42"]


@pytest.mark.django_db
def test_a_nul_in_what_was_typed_finds_by_the_rest(org: Org) -> None:
    """PostgreSQL refuses a NUL in a text it compares: it is dropped, never a 500."""
    assert [p.name for p in selectors.people_to_pick(text="王经\x00理").people] == ["王经理"]
