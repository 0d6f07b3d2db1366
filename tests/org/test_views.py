"""Administration pages: the department tree and the people, for administrators only."""

import re

import pytest
from django.contrib.auth.hashers import check_password
from django.urls import reverse

from accord.core.models import AuditEvent
from accord.org import services
from accord.org.models import Department, Person
from tests.conftest import Org


@pytest.fixture
def admin_client(client, org: Org):
    client.force_login(org.admin)
    return client


def url(name: str, *args) -> str:
    return reverse(f"org:{name}", args=args)


def page(response) -> str:
    return response.content.decode()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def errors(response) -> list[str]:
    html = page(response)
    found = re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', html, re.S)
    found += re.findall(r'<div class="alert error" role="alert">(.*?)</div>', html, re.S)
    return [text_of(item) for item in found]


def rows(response, marker: str) -> list[list[str]]:
    found = re.findall(rf"<tr {marker}=[^>]*>(.*?)</tr>", page(response), re.S)
    return [
        [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in found
    ]


def tree_state() -> list[tuple]:
    return list(Department.objects.order_by("id").values_list("name", "parent_id", "head_id"))


def person_state(person: Person) -> tuple:
    return Person.objects.filter(pk=person.pk).values_list(
        "username", "name", "email", "department_id", "title", "mobile", "feishu_id",
        "dingtalk_id", "wecom_id", "slack_id", "locale", "is_pmo", "is_superuser", "is_active",
    ).get()  # fmt: skip


@pytest.fixture
def frontend(org: Org) -> Department:
    group = services.department_create(
        actor=org.admin, name="前端组", parent=org.rnd, head=org.zhou
    )
    services.department_create(actor=org.admin, name="组件小组", parent=group)
    return group


# -- who may enter ---------------------------------------------------------------------------


def _pages(org: Org) -> list[tuple[str, str, dict | None]]:
    return [
        ("get", url("departments"), None),
        ("get", url("department_create"), None),
        ("post", url("department_create"), {"name": "测试组"}),
        ("get", url("department_edit", org.rnd.pk), None),
        ("post", url("department_edit", org.rnd.pk), {"name": "研究院"}),
        ("get", url("people"), None),
        ("get", url("person_create"), None),
        ("post", url("person_create"), {"username": "x", "name": "x"}),
        ("get", url("person_edit", org.zhou.pk), None),
        ("post", url("person_edit", org.zhou.pk), {"username": "x", "name": "x"}),
        ("post", url("person_password", org.zhou.pk), {"password": "a", "password_again": "a"}),
    ]


@pytest.mark.parametrize("who", ["sun", "wang", "zhou"])
def test_every_administration_page_is_403_for_others(client, org: Org, who: str):
    """PMO, department heads and staff alike: 403, and nothing changes."""
    client.force_login(getattr(org, who))
    before = (tree_state(), person_state(org.zhou), Person.objects.count())

    statuses = [
        getattr(client, method)(path, data or {}).status_code for method, path, data in _pages(org)
    ]

    assert statuses == [403] * 11
    assert (tree_state(), person_state(org.zhou), Person.objects.count()) == before


def test_administration_needs_sign_in(client, org: Org):
    response = client.get(url("departments"))

    assert response.status_code == 302
    assert response.url == f"{reverse('web:login')}?next={url('departments')}"


def test_the_nav_shows_administration_to_administrators_only(client, org: Org):
    client.force_login(org.sun)
    assert 'href="/manage/departments/"' not in page(client.get(reverse("actions:boards")))

    client.force_login(org.admin)
    response = client.get(url("departments"))
    assert '<a href="/manage/departments/" aria-current="page">Administration</a>' in page(response)


# -- departments -----------------------------------------------------------------------------


def test_department_tree(admin_client, org: Org, frontend: Department, django_assert_num_queries):
    with django_assert_num_queries(4):  # session, person, the bell, the tree
        response = admin_client.get(url("departments"))

    assert response.status_code == 200
    assert rows(response, "data-department") == [
        ["市场部", "—", "王经理", "2"],
        ["研发部", "—", "李主管", "2"],
        ["└ 前端组", "研发部", "周工程师", "0"],
        ["└ 组件小组", "前端组", "No head", "0"],
        ["行政部", "—", "孙主任", "2"],
        ["设计部", "—", "陈主管", "1"],
        ["财务部", "—", "No head", "1"],
        ["销售部", "—", "刘代表", "1"],
    ]
    assert re.findall(r'data-depth="(\d)"', page(response)) == [
        "0",
        "0",
        "1",
        "2",
        "0",
        "0",
        "0",
        "0",
    ]


def test_department_tree_query_count_does_not_grow(
    admin_client, org: Org, frontend: Department, django_assert_num_queries
):
    for number in range(20):
        services.department_create(actor=org.admin, name=f"小组{number}", parent=frontend)

    with django_assert_num_queries(4):
        response = admin_client.get(url("departments"))

    assert len(rows(response, "data-department")) == 28


def test_department_create(admin_client, org: Org):
    response = admin_client.post(
        url("department_create"), {"name": " 测试组 ", "parent": org.rnd.pk, "head": org.zhou.pk}
    )

    assert response.status_code == 302
    assert response.url == url("departments")
    created = Department.objects.get(name="测试组")
    assert (created.parent, created.head) == (org.rnd, org.zhou)
    assert "Department 测试组 created." in page(admin_client.get(response.url))


def test_department_create_duplicate_is_422(admin_client, org: Org):
    before = tree_state()

    response = admin_client.post(
        url("department_create"), {"name": "研发部", "parent": org.marketing.pk}
    )

    assert response.status_code == 422
    assert errors(response) == ["A department named 研发部 already exists."]
    assert 'name="name" value="研发部"' in page(response)
    assert f'<option value="{org.marketing.pk}" selected>市场部</option>' in page(response)
    assert tree_state() == before


def test_department_create_without_a_name_is_422(admin_client, org: Org):
    before = tree_state()

    response = admin_client.post(url("department_create"), {"name": "", "head": "abc"})

    assert response.status_code == 422
    assert errors(response) == [
        "This field is required.",
        "Select a valid choice. That choice is not one of the available choices.",
    ]
    assert tree_state() == before


def test_department_edit_form(admin_client, org: Org, frontend: Department):
    response = admin_client.get(url("department_edit", frontend.pk))

    assert response.status_code == 200
    html = page(response)
    assert 'name="name" value="前端组"' in html
    assert f'<option value="{org.rnd.pk}" selected>研发部</option>' in html
    assert f'<option value="{org.zhou.pk}" selected>周工程师</option>' in html
    assert (
        f'<option value="{frontend.pk}"' not in html.split('name="parent"')[1].split("</select>")[0]
    )


def test_department_edit_renames_moves_and_sets_the_head(
    admin_client, org: Org, frontend: Department
):
    response = admin_client.post(
        url("department_edit", frontend.pk),
        {"name": "前端开发组", "parent": org.design.pk, "head": org.chen.pk},
    )

    assert response.status_code == 302
    frontend.refresh_from_db()
    assert (frontend.name, frontend.parent, frontend.head) == ("前端开发组", org.design, org.chen)
    assert AuditEvent.objects.order_by("-id").first().verb == "department.updated"
    assert "Department 前端开发组 saved." in page(admin_client.get(response.url))


def test_department_edit_to_the_top_without_a_head(admin_client, org: Org, frontend: Department):
    response = admin_client.post(
        url("department_edit", frontend.pk), {"name": "前端组", "parent": "", "head": ""}
    )

    assert response.status_code == 302
    frontend.refresh_from_db()
    assert (frontend.parent, frontend.head) == (None, None)


def test_department_edit_refuses_a_cycle(admin_client, org: Org, frontend: Department):
    before, audits = tree_state(), AuditEvent.objects.count()
    team = Department.objects.get(name="组件小组")

    response = admin_client.post(
        url("department_edit", org.rnd.pk), {"name": "研究院", "parent": team.pk, "head": org.li.pk}
    )

    assert response.status_code == 422
    assert errors(response) == [
        "组件小组 is part of 研发部: a department cannot move under one of its own sub-departments."
    ]
    assert 'name="name" value="研究院"' in page(response)  # what was typed is kept
    assert (tree_state(), AuditEvent.objects.count()) == (before, audits)


def test_department_edit_refuses_a_duplicate_name(admin_client, org: Org, frontend: Department):
    before = tree_state()

    response = admin_client.post(
        url("department_edit", frontend.pk), {"name": "设计部", "parent": org.rnd.pk}
    )

    assert response.status_code == 422
    assert errors(response) == ["A department named 设计部 already exists."]
    assert tree_state() == before


def test_department_edit_missing_is_404(admin_client, org: Org):
    assert admin_client.get(url("department_edit", 99999)).status_code == 404
    assert admin_client.post(url("department_edit", 99999), {"name": "x"}).status_code == 404


# -- people ----------------------------------------------------------------------------------


def test_people_list(admin_client, org: Org, django_assert_num_queries):
    # session, person, the bell, count, page, department filter
    with django_assert_num_queries(6):
        response = admin_client.get(url("people"))

    assert response.status_code == 200
    assert rows(response, "data-person")[:3] == [
        ["刘代表", "liu", "销售部", "代表", ""],
        ["周工程师", "zhou", "研发部", "工程师", ""],
        ["孙主任", "sun", "行政部", "主任", "PMO"],
    ]
    assert ["管理员", "admin", "—", "—", "Administrator"] in rows(response, "data-person")
    assert "10 people" in page(response)


def test_people_search_and_department_filter(admin_client, org: Org):
    searched = admin_client.get(url("people"), {"q": "主管"})
    filtered = admin_client.get(url("people"), {"department": org.marketing.pk})
    both = admin_client.get(url("people"), {"q": "zh", "department": org.office.pk})

    assert [row[1] for row in rows(searched, "data-person")] == ["li", "chen"]
    assert [row[1] for row in rows(filtered, "data-person")] == ["zhang", "wang"]
    assert [row[1] for row in rows(both, "data-person")] == ["zhao"]
    assert 'name="q" value="主管"' in page(searched)


def test_people_search_with_htmx_returns_the_table(admin_client, org: Org):
    response = admin_client.get(url("people"), {"q": "主管"}, HTTP_HX_REQUEST="true")

    assert "<html" not in page(response)
    assert [row[1] for row in rows(response, "data-person")] == ["li", "chen"]


def test_people_bad_filter_is_422(admin_client, org: Org):
    response = admin_client.get(url("people"), {"department": "finance"})

    assert response.status_code == 422
    assert errors(response) == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert len(rows(response, "data-person")) == 10


def test_people_paginate_with_constant_queries(admin_client, org: Org, django_assert_num_queries):
    for number in range(30):
        services.person_create(
            actor=org.admin, username=f"temp{number:02d}", name=f"临时{number:02d}"
        )

    with django_assert_num_queries(6):
        first = admin_client.get(url("people"))
    with django_assert_num_queries(6):
        second = admin_client.get(url("people"), {"page": "2"})

    assert len(rows(first, "data-person")) == 25
    assert len(rows(second, "data-person")) == 15
    assert "Page 2 of 2" in page(second)


PERSON_POST = {
    "username": "wu.gong",
    "name": "吴工程师",
    "email": "wu@example.com",
    "title": "工程师",
    "mobile": "13800000000",
    "feishu_id": "ou_wu",
    "dingtalk_id": "dd_wu",
    "wecom_id": "wx_wu",
    "slack_id": "U0WU",
    "locale": "zh-hans",
    "is_pmo": "on",
    "is_active": "on",
}


def test_person_create(admin_client, org: Org):
    response = admin_client.post(url("person_create"), PERSON_POST | {"department": org.rnd.pk})

    assert response.status_code == 302
    person = Person.objects.get(username="wu.gong")
    assert response.url == url("person_edit", person.pk)
    assert person_state(person) == (
        "wu.gong", "吴工程师", "wu@example.com", org.rnd.pk, "工程师", "13800000000", "ou_wu",
        "dd_wu", "wx_wu", "U0WU", "zh-hans", True, False, True,
    )  # fmt: skip
    assert not person.has_usable_password()
    shown = page(admin_client.get(response.url))
    assert "吴工程师 added. Set a password so that they can sign in." in shown
    assert "No password is set: this person cannot sign in yet." in shown


def test_person_create_duplicate_user_name_is_422(admin_client, org: Org):
    people = Person.objects.count()

    response = admin_client.post(url("person_create"), PERSON_POST | {"username": "zhou"})

    assert response.status_code == 422
    assert errors(response) == ["The user name zhou is taken."]
    assert 'name="name" value="吴工程师"' in page(response)
    assert 'name="feishu_id" value="ou_wu"' in page(response)
    assert Person.objects.count() == people


def test_person_create_bad_email_is_422(admin_client, org: Org):
    people = Person.objects.count()

    response = admin_client.post(url("person_create"), PERSON_POST | {"email": "wu@"})

    assert response.status_code == 422
    assert errors(response) == ["Enter a valid email address."]
    assert Person.objects.count() == people


def test_person_edit_form(admin_client, org: Org):
    response = admin_client.get(url("person_edit", org.sun.pk))

    html = page(response)
    assert response.status_code == 200
    assert 'name="username" value="sun"' in html
    assert f'<option value="{org.office.pk}" selected>行政部</option>' in html
    assert 'name="is_pmo" id="id_is_pmo" checked' in html
    assert 'name="is_active" id="id_is_active" checked' in html
    assert 'name="is_superuser" id="id_is_superuser">' in html


def test_person_edit(admin_client, org: Org):
    data = PERSON_POST | {
        "username": "zhou.gong",
        "department": org.design.pk,
        "is_superuser": "on",
    }
    del data["is_active"]

    response = admin_client.post(url("person_edit", org.zhou.pk), data)

    assert response.status_code == 302
    assert response.url == url("people")
    assert person_state(org.zhou) == (
        "zhou.gong", "吴工程师", "wu@example.com", org.design.pk, "工程师", "13800000000",
        "ou_wu", "dd_wu", "wx_wu", "U0WU", "zh-hans", True, True, False,
    )  # fmt: skip
    assert "吴工程师 saved." in page(admin_client.get(response.url))


def test_person_edit_refuses_removing_ones_own_admin_rights(admin_client, org: Org):
    before = person_state(org.admin)
    data = {"username": "admin", "name": "管理员", "is_active": "on"}  # administrator unticked

    response = admin_client.post(url("person_edit", org.admin.pk), data)

    assert response.status_code == 422
    assert errors(response) == ["You cannot take away your own administrator rights."]
    assert person_state(org.admin) == before


def test_person_edit_duplicate_user_name_is_422(admin_client, org: Org):
    before = person_state(org.zhou)

    response = admin_client.post(url("person_edit", org.zhou.pk), PERSON_POST | {"username": "li"})

    assert response.status_code == 422
    assert errors(response) == ["The user name li is taken."]
    assert 'name="username" value="li"' in page(response)
    assert person_state(org.zhou) == before


def test_person_edit_missing_is_404(admin_client, org: Org):
    assert admin_client.get(url("person_edit", 99999)).status_code == 404


def test_person_password(admin_client, org: Org):
    response = admin_client.post(
        url("person_password", org.zhou.pk),
        {"password": "青山绿水-2026-walk", "password_again": "青山绿水-2026-walk"},
    )

    assert response.status_code == 302
    assert response.url == url("person_edit", org.zhou.pk)
    org.zhou.refresh_from_db()
    assert org.zhou.password.startswith("argon2$")
    assert check_password("青山绿水-2026-walk", org.zhou.password)
    assert "Password set for 周工程师." in page(admin_client.get(response.url))


def test_person_password_of_oneself_keeps_one_signed_in(admin_client, org: Org):
    admin_client.post(
        url("person_password", org.admin.pk),
        {"password": "青山绿水-2026-walk", "password_again": "青山绿水-2026-walk"},
    )

    assert admin_client.get(url("departments")).status_code == 200


@pytest.mark.parametrize(
    ("again", "password", "message"),
    [
        ("12345678", "12345678", "This password is too common. This password is entirely numeric."),
        ("short", "short", "This password is too short. It must contain at least 8 characters."),
        ("青山绿水-2026-walk", "青山绿水-2026-run", "The two passwords differ."),
    ],
)
def test_person_password_refused(admin_client, org: Org, password: str, again: str, message: str):
    before = Person.objects.get(pk=org.zhou.pk).password

    response = admin_client.post(
        url("person_password", org.zhou.pk), {"password": password, "password_again": again}
    )

    assert response.status_code == 422
    assert errors(response) == [message]
    assert f'value="{password}"' not in page(response)  # passwords are never sent back
    assert Person.objects.get(pk=org.zhou.pk).password == before


@pytest.mark.parametrize(
    ("name", "with_pk", "queries"),
    [
        # session, person, the bell, + the choices of each select (parent, head; department)
        ("department_create", False, 5),
        ("department_edit", True, 6),  # + the department
        ("person_create", False, 4),
        ("person_edit", True, 5),  # + the person
    ],
)
def test_form_pages_query_counts_do_not_grow(
    admin_client, org: Org, django_assert_num_queries, name: str, with_pk: bool, queries: int
):
    for number in range(20):
        services.department_create(actor=org.admin, name=f"小组{number}", parent=org.rnd)
        services.person_create(actor=org.admin, username=f"temp{number}", name=f"临时{number}")
    path = (
        url(name, org.rnd.pk if name.startswith("department") else org.zhou.pk)
        if with_pk
        else url(name)
    )

    with django_assert_num_queries(queries):
        response = admin_client.get(path)

    assert response.status_code == 200


def test_out_of_range_ids_are_404_or_422(admin_client, org: Org):
    huge = 10**30

    assert admin_client.get(url("department_edit", huge)).status_code == 404
    assert admin_client.get(url("person_edit", huge)).status_code == 404
    assert admin_client.get(url("people"), {"department": str(huge)}).status_code == 422
    response = admin_client.post(url("department_create"), {"name": "测试组", "parent": str(huge)})
    assert response.status_code == 422
