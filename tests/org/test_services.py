"""Administration of the organisation: departments as a tree with heads, people with their
contact ids and roles, passwords. Administrators only; every change audited."""

import pytest
from django.contrib.auth.hashers import check_password

from accord.core.errors import AppError
from accord.core.models import AuditEvent
from accord.org import services
from accord.org.models import Department, Person
from tests.conftest import Org


def refusal(call, **kwargs) -> AppError:
    with pytest.raises(AppError) as caught:
        call(**kwargs)
    return caught.value


def last_audit() -> AuditEvent:
    return AuditEvent.objects.order_by("-id").first()


def tree_state() -> list[tuple]:
    return list(Department.objects.order_by("id").values_list("name", "parent_id", "head_id"))


@pytest.fixture
def frontend(org: Org) -> Department:
    """R&D's front-end group, and its components team under it."""
    group = services.department_create(actor=org.admin, name="前端组", parent=org.rnd)
    services.department_create(actor=org.admin, name="组件小组", parent=group)
    return group


# -- departments -------------------------------------------------------------------------


def test_department_update_renames_moves_and_sets_the_head(org: Org, frontend: Department):
    audits = AuditEvent.objects.count()

    updated = services.department_update(
        actor=org.admin, department=frontend, name=" 前端开发组 ", parent=org.design, head=org.zhou
    )

    frontend.refresh_from_db()
    assert updated == frontend
    assert (frontend.name, frontend.parent, frontend.head) == ("前端开发组", org.design, org.zhou)
    assert AuditEvent.objects.count() == audits + 1
    event = last_audit()
    assert (event.verb, event.actor, event.subject_id) == (
        "department.updated",
        org.admin,
        frontend.pk,
    )
    assert event.data == {"name": "前端开发组", "parent": org.design.pk, "head": org.zhou.pk}


def test_department_update_to_the_top_and_without_a_head(org: Org, frontend: Department):
    services.department_update(actor=org.admin, department=frontend, head=org.zhou)

    services.department_update(actor=org.admin, department=frontend, parent=None, head=None)

    frontend.refresh_from_db()
    assert (frontend.name, frontend.parent, frontend.head) == ("前端组", None, None)
    assert last_audit().data == {"parent": None, "head": None}


def test_department_update_leaves_out_what_is_not_given(org: Org, frontend: Department):
    services.department_update(actor=org.admin, department=frontend, name="前端")

    frontend.refresh_from_db()
    assert (frontend.name, frontend.parent, frontend.head) == ("前端", org.rnd, None)


def test_department_update_without_a_change_writes_nothing(org: Org, frontend: Department):
    audits = AuditEvent.objects.count()

    services.department_update(
        actor=org.admin, department=frontend, name="前端组", parent=org.rnd, head=None
    )

    assert AuditEvent.objects.count() == audits


def test_department_update_refuses_a_duplicate_name(org: Org, frontend: Department):
    before, audits = tree_state(), AuditEvent.objects.count()

    error = refusal(services.department_update, actor=org.admin, department=frontend, name="研发部")

    assert (str(error), error.field, error.code) == (
        "A department named 研发部 already exists.",
        "name",
        "duplicate",
    )
    assert (tree_state(), AuditEvent.objects.count()) == (before, audits)


@pytest.mark.parametrize("name", ["", "   "])
def test_department_update_refuses_a_blank_name(org: Org, frontend: Department, name: str):
    error = refusal(services.department_update, actor=org.admin, department=frontend, name=name)

    assert (str(error), error.field, error.code) == (
        "A department needs a name.",
        "name",
        "required",
    )


def test_department_update_refuses_a_name_too_long(org: Org, frontend: Department):
    error = refusal(
        services.department_update, actor=org.admin, department=frontend, name="部" * 101
    )

    assert (str(error), error.field, error.code) == ("At most 100 characters.", "name", "too_long")


def test_department_update_refuses_its_own_parent(org: Org):
    before = tree_state()

    error = refusal(services.department_update, actor=org.admin, department=org.rnd, parent=org.rnd)

    assert (str(error), error.field, error.code) == (
        "A department cannot be its own parent.",
        "parent",
        "cycle",
    )
    assert tree_state() == before


@pytest.mark.parametrize("under", ["前端组", "组件小组"])
def test_department_update_refuses_a_cycle(org: Org, frontend: Department, under: str):
    """R&D cannot move under its own group, nor under that group's team."""
    before, audits = tree_state(), AuditEvent.objects.count()

    error = refusal(
        services.department_update,
        actor=org.admin,
        department=org.rnd,
        parent=Department.objects.get(name=under),
    )

    assert (str(error), error.field, error.code) == (
        f"{under} is part of 研发部: a department cannot move under one of its own "
        "sub-departments.",
        "parent",
        "cycle",
    )
    assert (tree_state(), AuditEvent.objects.count()) == (before, audits)


def test_department_update_moves_a_team_up_the_tree(org: Org, frontend: Department):
    """Moving a sub-department under an ancestor's sibling, or up, is no cycle."""
    team = Department.objects.get(name="组件小组")

    services.department_update(actor=org.admin, department=team, parent=org.rnd)

    team.refresh_from_db()
    assert team.parent == org.rnd


def test_department_update_refuses_an_inactive_head(org: Org, frontend: Department):
    Person.objects.filter(pk=org.zhou.pk).update(is_active=False)
    org.zhou.refresh_from_db()

    error = refusal(services.department_update, actor=org.admin, department=frontend, head=org.zhou)

    assert (str(error), error.field, error.code) == (
        "周工程师 cannot sign in and cannot head a department.",
        "head",
        "inactive",
    )
    frontend.refresh_from_db()
    assert frontend.head is None


@pytest.mark.parametrize("who", ["sun", "wang", "zhou"])
def test_department_update_is_for_administrators_only(org: Org, frontend: Department, who: str):
    """Sun is PMO, Wang heads a department: neither administers the organisation."""
    before, audits = tree_state(), AuditEvent.objects.count()

    error = refusal(
        services.department_update, actor=getattr(org, who), department=frontend, name="x"
    )

    assert (str(error), error.field, error.code) == (
        "Only an administrator may change departments and people.",
        None,
        "forbidden",
    )
    assert (tree_state(), AuditEvent.objects.count()) == (before, audits)


def test_department_create_refuses_a_duplicate_and_an_inactive_head(org: Org):
    error = refusal(services.department_create, actor=org.admin, name=" 研发部 ")
    assert (error.field, error.code) == ("name", "duplicate")

    Person.objects.filter(pk=org.zhou.pk).update(is_active=False)
    org.zhou.refresh_from_db()
    error = refusal(services.department_create, actor=org.admin, name="测试组", head=org.zhou)
    assert (error.field, error.code) == ("head", "inactive")
    assert not Department.objects.filter(name="测试组").exists()


# -- people ------------------------------------------------------------------------------

PERSON_FIELDS = (
    "username",
    "name",
    "email",
    "department_id",
    "title",
    "mobile",
    "feishu_id",
    "dingtalk_id",
    "wecom_id",
    "slack_id",
    "locale",
    "is_pmo",
    "is_superuser",
    "is_staff",
    "is_active",
)


def person_state(person: Person) -> tuple:
    return Person.objects.filter(pk=person.pk).values_list(*PERSON_FIELDS).get()


def test_person_create_with_every_field(org: Org):
    person = services.person_create(
        actor=org.admin,
        username="wu.gong",
        name=" 吴工程师 ",
        department=org.rnd,
        title="工程师",
        email="wu@example.com",
        mobile="13800000000",
        feishu_id="ou_wu",
        dingtalk_id="dd_wu",
        wecom_id="wx_wu",
        slack_id="U0WU",
        locale="zh-hans",
        is_pmo=True,
        is_active=False,
    )

    assert person_state(person) == (
        "wu.gong",
        "吴工程师",
        "wu@example.com",
        org.rnd.pk,
        "工程师",
        "13800000000",
        "ou_wu",
        "dd_wu",
        "wx_wu",
        "U0WU",
        "zh-hans",
        True,
        False,
        False,
        False,
    )
    assert not person.has_usable_password()
    assert (last_audit().verb, last_audit().data) == ("person.created", {"username": "wu.gong"})


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        ({"username": "wang"}, "The user name wang is taken.", "username"),
        (
            {"username": "wu gong"},
            "Enter a valid username. This value may contain only letters, numbers, and "
            "@/./+/-/_ characters.",
            "username",
        ),
        ({"name": " "}, "A person needs a name.", "name"),
        ({"email": "wu@"}, "“wu@” is not an e-mail address.", "email"),
        ({"mobile": "1" * 33}, "At most 32 characters.", "mobile"),
        ({"locale": "fr"}, "Unknown language.", "locale"),
    ],
)
def test_person_create_refuses_bad_input(org: Org, changes: dict, message: str, field: str):
    people = Person.objects.count()
    fields = {"username": "wu", "name": "吴工程师"} | changes

    error = refusal(services.person_create, actor=org.admin, **fields)

    assert (str(error), error.field) == (message, field)
    assert Person.objects.count() == people


def test_person_update_every_field(org: Org):
    audits = AuditEvent.objects.count()

    services.person_update(
        actor=org.admin,
        person=org.zhou,
        username="zhou.gong",
        name="周高级工程师",
        email="zhou@example.com",
        department=org.design,
        title="高级工程师",
        mobile="13900000000",
        feishu_id="ou_zhou",
        dingtalk_id="dd_zhou",
        wecom_id="wx_zhou",
        slack_id="U0ZHOU",
        locale="en",
        is_pmo=True,
        is_superuser=True,
        is_active=True,
    )

    assert person_state(org.zhou) == (
        "zhou.gong",
        "周高级工程师",
        "zhou@example.com",
        org.design.pk,
        "高级工程师",
        "13900000000",
        "ou_zhou",
        "dd_zhou",
        "wx_zhou",
        "U0ZHOU",
        "en",
        True,
        True,
        True,  # the Django admin follows the administrator role
        True,
    )
    assert AuditEvent.objects.count() == audits + 1
    event = last_audit()
    assert (event.verb, event.actor, event.subject_id) == ("person.updated", org.admin, org.zhou.pk)
    assert event.data == {
        "username": "zhou.gong",
        "name": "周高级工程师",
        "email": "zhou@example.com",
        "department": org.design.pk,
        "title": "高级工程师",
        "mobile": "13900000000",
        "feishu_id": "ou_zhou",
        "dingtalk_id": "dd_zhou",
        "wecom_id": "wx_zhou",
        "slack_id": "U0ZHOU",
        "locale": "en",
        "is_pmo": True,
        "is_superuser": True,
        "is_staff": True,
    }


def test_person_update_only_what_is_given(org: Org):
    before = person_state(org.zhou)

    services.person_update(actor=org.admin, person=org.zhou, title="资深工程师", department=None)

    after = person_state(org.zhou)
    assert after[3:5] == (None, "资深工程师")
    assert after[:3] + after[5:] == before[:3] + before[5:]
    assert last_audit().data == {"department": None, "title": "资深工程师"}


def test_person_update_switches_an_account_off_and_on(org: Org):
    services.person_update(actor=org.admin, person=org.zhou, is_active=False)
    assert person_state(org.zhou)[-1] is False

    services.person_update(actor=org.admin, person=org.zhou, is_active=True)
    assert person_state(org.zhou)[-1] is True


def test_person_update_keeps_their_own_user_name(org: Org):
    audits = AuditEvent.objects.count()

    services.person_update(actor=org.admin, person=org.zhou, username="zhou", name="周工程师")

    assert AuditEvent.objects.count() == audits  # nothing changed, nothing audited


@pytest.mark.parametrize(
    ("changes", "message", "field", "code"),
    [
        ({"username": "wang"}, "The user name wang is taken.", "username", "duplicate"),
        ({"username": ""}, "A person needs a user name.", "username", "required"),
        ({"name": ""}, "A person needs a name.", "name", "required"),
        (
            {"email": "zhou at example"},
            "“zhou at example” is not an e-mail address.",
            "email",
            "invalid",
        ),
        ({"feishu_id": "x" * 65}, "At most 64 characters.", "feishu_id", "too_long"),
        ({"locale": "de"}, "Unknown language.", "locale", "invalid"),
    ],
)
def test_person_update_refuses_bad_input(
    org: Org, changes: dict, message: str, field: str, code: str
):
    before, audits = person_state(org.zhou), AuditEvent.objects.count()

    error = refusal(services.person_update, actor=org.admin, person=org.zhou, **changes)

    assert (str(error), error.field, error.code) == (message, field, code)
    assert (person_state(org.zhou), AuditEvent.objects.count()) == (before, audits)


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        (
            {"is_superuser": False},
            "You cannot take away your own administrator rights.",
            "is_superuser",
        ),
        ({"is_active": False}, "You cannot switch off your own account.", "is_active"),
    ],
)
def test_person_update_an_administrator_cannot_lock_themselves_out(
    org: Org, changes: dict, message: str, field: str
):
    before = person_state(org.admin)

    error = refusal(services.person_update, actor=org.admin, person=org.admin, **changes)

    assert (str(error), error.field) == (message, field)
    assert person_state(org.admin) == before


@pytest.mark.parametrize("who", ["sun", "zhou"])
def test_person_update_is_for_administrators_only(org: Org, who: str):
    """Not even to make oneself an administrator."""
    actor = getattr(org, who)
    before = person_state(actor)

    error = refusal(services.person_update, actor=actor, person=actor, is_superuser=True)

    assert (str(error), error.code) == (
        "Only an administrator may change departments and people.",
        "forbidden",
    )
    assert person_state(actor) == before


# -- passwords ---------------------------------------------------------------------------


def test_person_set_password_with_argon2(org: Org):
    audits = AuditEvent.objects.count()

    services.person_set_password(actor=org.admin, person=org.zhou, password="青山绿水-2026-walk")

    org.zhou.refresh_from_db()
    assert org.zhou.password.startswith("argon2$")
    assert check_password("青山绿水-2026-walk", org.zhou.password)
    assert AuditEvent.objects.count() == audits + 1
    event = last_audit()
    assert (event.verb, event.actor, event.subject_id, event.data) == (
        "person.password_set",
        org.admin,
        org.zhou.pk,
        {},
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", "Enter a password."),
        (
            "abc12",
            "This password is too short. It must contain at least 8 characters.",
        ),
        ("12345678", "This password is too common. This password is entirely numeric."),
        ("password", "This password is too common."),
        ("zhou.engineer", "The password is too similar to the email address."),
    ],
)
def test_person_set_password_runs_the_validators(org: Org, password: str, message: str):
    services.person_update(actor=org.admin, person=org.zhou, email="zhou.engineer@example.com")
    before, audits = Person.objects.get(pk=org.zhou.pk).password, AuditEvent.objects.count()

    error = refusal(
        services.person_set_password, actor=org.admin, person=org.zhou, password=password
    )

    assert (str(error), error.field) == (message, "password")
    assert Person.objects.get(pk=org.zhou.pk).password == before
    assert AuditEvent.objects.count() == audits


def test_person_set_password_is_for_administrators_only(org: Org):
    before = Person.objects.get(pk=org.zhou.pk).password

    error = refusal(
        services.person_set_password, actor=org.sun, person=org.zhou, password="青山绿水-2026-walk"
    )

    assert error.code == "forbidden"
    assert Person.objects.get(pk=org.zhou.pk).password == before
