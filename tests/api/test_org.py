"""The organisation API: the department tree, people and what of them each caller reads,
and the administrators' changes."""

import json

import pytest
from api.conftest import bearer
from django.test import Client

from accord.org import services as org_services
from accord.org.models import Department, Person

pytestmark = pytest.mark.django_db

PRIVATE = {
    "username",
    "email",
    "mobile",
    "feishu_id",
    "dingtalk_id",
    "wecom_id",
    "slack_id",
    "locale",
    "email_notifications",
    "is_pmo",
    "is_superuser",
}


def post(client: Client, path: str, data: dict, **headers):
    return client.post(path, json.dumps(data), content_type="application/json", **headers)


def patch(client: Client, path: str, data: dict, **headers):
    return client.patch(path, json.dumps(data), content_type="application/json", **headers)


@pytest.fixture
def contact(world) -> Person:
    """zhou with a mobile and chat ids, the details only he and administrators read."""
    org_services.person_update(
        actor=world.org.admin,
        person=world.org.zhou,
        mobile="13800001111",
        email="zhou@example.com",
        feishu_id="ou_zhou",
        wecom_id="zhou.wecom",
    )
    return world.org.zhou


# -- departments ----------------------------------------------------------------------------


def test_department_tree_with_heads(world, api_clients):
    o = world.org
    qa = org_services.department_create(actor=o.admin, name="测试组", parent=o.rnd)
    response = api_clients["outsider"].get("/api/v1/departments")
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()}
    assert [row["name"] for row in response.json()] == [
        "客服部",
        "市场部",
        "研发部",
        "测试组",
        "行政部",
        "设计部",
        "财务部",
        "销售部",
    ]
    assert rows["研发部"] == {
        "id": o.rnd.pk,
        "name": "研发部",
        "parent": None,
        "head": {"id": o.li.pk, "name": "李主管"},
        "member_count": 2,
        "depth": 0,
    }
    assert rows["测试组"] == {
        "id": qa.pk,
        "name": "测试组",
        "parent": {"id": o.rnd.pk, "name": "研发部"},
        "head": None,
        "member_count": 0,
        "depth": 1,
    }
    names = [row["name"] for row in response.json()]
    assert names.index("测试组") == names.index("研发部") + 1


@pytest.mark.parametrize("extra", [0, 30])
def test_department_tree_query_count(world, tokens, django_assert_num_queries, extra):
    for i in range(extra):
        org_services.department_create(actor=world.org.admin, name=f"部门{i}")
    client = bearer(tokens["participant"])
    client.get("/api/v1/me")
    with django_assert_num_queries(2):  # token, the tree
        response = client.get("/api/v1/departments")
    assert len(response.json()) == Department.objects.count() == 7 + extra


def test_department_detail(world, api_clients):
    o = world.org
    response = api_clients["reader"].get(f"/api/v1/departments/{o.marketing.pk}")
    assert response.status_code == 200
    assert response.json() == {
        "id": o.marketing.pk,
        "name": "市场部",
        "parent": None,
        "head": {"id": o.wang.pk, "name": "王经理"},
        "member_count": 2,
    }
    assert response["ETag"]
    assert api_clients["reader"].get("/api/v1/departments/999999").status_code == 404


def test_admin_creates_a_department(world, api_clients):
    o = world.org
    payload = {"name": "质量部", "parent_id": o.rnd.pk, "head_id": o.zhou.pk}
    response = post(api_clients["admin"], "/api/v1/departments", payload)
    assert response.status_code == 201, response.content
    created = Department.objects.get(name="质量部")
    assert (created.parent, created.head) == (o.rnd, o.zhou)
    assert response.json() == {
        "id": created.pk,
        "name": "质量部",
        "parent": {"id": o.rnd.pk, "name": "研发部"},
        "head": {"id": o.zhou.pk, "name": "周工程师"},
        "member_count": 0,
    }


@pytest.mark.parametrize("role", ["organiser", "host", "participant", "outsider"])
def test_others_may_not_create_departments(world, api_clients, role):
    response = post(api_clients[role], "/api/v1/departments", {"name": "质量部"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not Department.objects.filter(name="质量部").exists()


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({"name": ""}, 422, "name"),
        ({"name": "市场部"}, 409, "name"),
        ({"name": "x" * 201}, 422, "name"),
        ({"name": "质量部", "parent_id": 999999}, 422, "parent_id"),
        ({"name": "质量部", "head_id": 999999}, 422, "head_id"),
        ({"name": "质量部", "head_id": "abc"}, 422, "head_id"),
    ],
)
def test_bad_department_input(world, api_clients, data, status, field):
    before = Department.objects.count()
    response = post(api_clients["admin"], "/api/v1/departments", data)
    assert response.status_code == status
    assert response.json()["field"] == field
    assert Department.objects.count() == before


def test_admin_updates_a_department_with_if_match(world, api_clients):
    o = world.org
    path = f"/api/v1/departments/{o.design.pk}"
    client = api_clients["admin"]
    assert patch(client, path, {"name": "体验设计部"}).status_code == 428
    assert patch(client, path, {"name": "体验设计部"}, HTTP_IF_MATCH='"0-0"').status_code == 412
    etag = client.get(path)["ETag"]
    response = patch(
        client,
        path,
        {"name": "体验设计部", "parent_id": o.rnd.pk, "head_id": None},
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.content
    o.design.refresh_from_db()
    assert (o.design.name, o.design.parent, o.design.head) == ("体验设计部", o.rnd, None)
    cycle = patch(
        client,
        f"/api/v1/departments/{o.rnd.pk}",
        {"parent_id": o.design.pk},
        HTTP_IF_MATCH=client.get(f"/api/v1/departments/{o.rnd.pk}")["ETag"],
    )
    assert (cycle.status_code, cycle.json()["field"]) == (422, "parent")
    o.rnd.refresh_from_db()
    assert o.rnd.parent is None


def test_others_may_not_update_departments(world, api_clients):
    o = world.org
    path = f"/api/v1/departments/{o.design.pk}"
    etag = api_clients["host"].get(path)["ETag"]
    response = patch(api_clients["host"], path, {"name": "改名"}, HTTP_IF_MATCH=etag)
    assert response.status_code == 403
    o.design.refresh_from_db()
    assert o.design.name == "设计部"


# -- people ---------------------------------------------------------------------------------


def test_a_colleague_reads_name_department_title_only(world, api_clients, contact):
    response = api_clients["participant"].get(f"/api/v1/people/{world.org.li.pk}")
    assert response.status_code == 200
    assert response.json() == {
        "id": world.org.li.pk,
        "name": "李主管",
        "title": "主管",
        "department": {"id": world.org.rnd.pk, "name": "研发部"},
        "is_active": True,
        "private": None,
    }
    other = api_clients["host"].get(f"/api/v1/people/{contact.pk}")
    assert other.json()["private"] is None
    for secret in ("13800001111", "zhou@example.com", "ou_zhou", "zhou.wecom"):
        assert secret not in other.content.decode()


def test_the_person_and_admins_read_contact_details(world, api_clients, contact):
    expected = {
        "username": "zhou",
        "email": "zhou@example.com",
        "mobile": "13800001111",
        "feishu_id": "ou_zhou",
        "dingtalk_id": "",
        "wecom_id": "zhou.wecom",
        "slack_id": "",
        "locale": "",
        "email_notifications": True,
        "is_pmo": False,
        "is_superuser": False,
    }
    own = api_clients["participant"].get(f"/api/v1/people/{contact.pk}").json()
    admin = api_clients["admin"].get(f"/api/v1/people/{contact.pk}").json()
    me = api_clients["participant"].get("/api/v1/me").json()
    assert own["private"] == admin["private"] == me["private"] == expected
    assert me["id"] == contact.pk
    assert set(expected) == PRIVATE


def test_me_needs_authentication(world):
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_people_search(world, api_clients, contact):
    client = api_clients["outsider"]

    def names(query: str) -> list[str]:
        response = client.get("/api/v1/people?" + query)
        assert response.status_code == 200
        return [p["name"] for p in response.json()["items"]]

    assert names(f"department={world.org.rnd.pk}") == ["周工程师", "李主管"]
    assert names("q=主管") == ["李主管", "陈主管"]
    assert names("q=工程") == ["周工程师"]
    # Contact details are not searchable by colleagues: the search would reveal them.
    assert names("q=13800001111") == []
    assert names("q=zhou") == []
    assert names("department=999999") == []
    admin = api_clients["admin"].get("/api/v1/people?q=13800001111").json()
    assert [p["name"] for p in admin["items"]] == ["周工程师"]
    assert admin["items"][0]["private"]["mobile"] == "13800001111"
    everyone = client.get("/api/v1/people?page_size=100").json()
    assert everyone["count"] == Person.objects.count() == 11
    assert all(p["private"] is None or p["id"] == world.org.outsider.pk for p in everyone["items"])


@pytest.mark.parametrize(
    ("query", "field"), [("department=x", "department"), ("page=abc", "page"), ("q=%00", "q")]
)
def test_people_bad_filters(world, api_clients, query, field):
    response = api_clients["outsider"].get("/api/v1/people?" + query)
    assert (response.status_code, response.json()["field"]) == (422, field)


@pytest.mark.parametrize("extra", [0, 40])
def test_people_query_count(world, tokens, django_assert_num_queries, extra):
    for i in range(extra):
        org_services.person_create(
            actor=world.org.admin, username=f"p{i}", name=f"员工{i}", department=world.org.rnd
        )
    client = bearer(tokens["participant"])
    client.get("/api/v1/me")
    with django_assert_num_queries(3):  # token, count, page with departments
        response = client.get("/api/v1/people?page_size=100")
    assert response.json()["count"] == 11 + extra


def test_admin_creates_and_updates_a_person(world, api_clients):
    o = world.org
    client = api_clients["admin"]
    response = post(
        client,
        "/api/v1/people",
        {
            "username": "wu.zhuanyuan",
            "name": "吴专员",
            "department_id": o.sales.pk,
            "title": "专员",
            "mobile": "13900000000",
        },
    )
    assert response.status_code == 201, response.content
    person = Person.objects.get(username="wu.zhuanyuan")
    assert (person.name, person.department, person.mobile) == ("吴专员", o.sales, "13900000000")
    assert not person.has_usable_password()
    assert response.json()["private"]["mobile"] == "13900000000"

    path = f"/api/v1/people/{person.pk}"
    assert patch(client, path, {"title": "主管"}).status_code == 428
    etag = response["ETag"]
    assert client.get(path)["ETag"] == etag
    updated = patch(client, path, {"title": "主管", "department_id": None}, HTTP_IF_MATCH=etag)
    assert updated.status_code == 200, updated.content
    person.refresh_from_db()
    assert (person.title, person.department) == ("主管", None)
    assert updated.json()["department"] is None
    stale = patch(client, path, {"title": "经理"}, HTTP_IF_MATCH=etag)
    assert (stale.status_code, stale.json()["code"]) == (412, "stale")
    person.refresh_from_db()
    assert person.title == "主管"


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({"username": "zhou", "name": "重名"}, 409, "username"),
        ({"username": "", "name": "无名"}, 422, "username"),
        ({"username": "new", "name": ""}, 422, "name"),
        ({"username": "new", "name": "新人", "email": "not-an-address"}, 422, "email"),
        ({"username": "new", "name": "新人", "locale": "fr"}, 422, "locale"),
        ({"username": "new", "name": "新\x00人"}, 422, "name"),
        ({"username": "new", "name": "新人", "department_id": 999999}, 422, "department_id"),
    ],
)
def test_bad_person_input(world, api_clients, data, status, field):
    before = Person.objects.count()
    response = post(api_clients["admin"], "/api/v1/people", data)
    assert response.status_code == status, response.content
    assert response.json()["field"] == field
    assert Person.objects.count() == before


def test_others_may_not_change_people(world, api_clients):
    o = world.org
    refused = post(api_clients["organiser"], "/api/v1/people", {"username": "x", "name": "X"})
    assert refused.status_code == 403
    assert not Person.objects.filter(username="x").exists()
    path = f"/api/v1/people/{o.zhou.pk}"
    etag = api_clients["participant"].get(path)["ETag"]
    own = patch(api_clients["participant"], path, {"is_superuser": True}, HTTP_IF_MATCH=etag)
    assert own.status_code == 403
    o.zhou.refresh_from_db()
    assert o.zhou.is_superuser is False
    assert api_clients["participant"].get("/api/v1/people/999999").status_code == 404


def test_an_admin_cannot_demote_themself(world, api_clients):
    client = api_clients["admin"]
    path = f"/api/v1/people/{world.org.admin.pk}"
    response = patch(client, path, {"is_superuser": False}, HTTP_IF_MATCH=client.get(path)["ETag"])
    assert (response.status_code, response.json()["field"]) == (422, "is_superuser")
    world.org.admin.refresh_from_db()
    assert world.org.admin.is_superuser is True
