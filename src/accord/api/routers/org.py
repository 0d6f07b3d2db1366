"""The organisation: departments (a tree with heads) and people.

Everyone signed in may read the department tree and, of every person, what a colleague
sees on a meeting's participant list: ``id``, ``name``, ``department``, ``title`` and
``is_active``. What reaches or identifies a person outside Accord — user name, e-mail,
mobile, the Feishu/DingTalk/WeCom/Slack ids — and their settings and roles (language,
e-mail on/off, PMO, administrator) are in ``private``, which is filled only for
administrators and for the person themself and is ``null`` for everyone else. For the same
reason ``q`` searches name and title for everyone, and user name, e-mail and mobile only
for administrators (otherwise a search would tell whose mobile number a caller typed).

Creating and changing departments and people is for administrators (others get 403), through
``accord.org.services``; a change needs ``If-Match`` with the ETag read.
"""

import hashlib

from django.db.models import Count, Q
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from accord.api.common import Page, errors, ref, require_if_match, set_etag
from accord.api.errors import PreconditionFailed
from accord.api.schemas import DepartmentRef, Locale, Text
from accord.org import services
from accord.org.models import Department, Person
from accord.org.selectors import department_tree, people_search

router = Router(tags=["organisation"])

MEMBERS = Count("members", filter=Q(members__is_active=True))


class PersonBrief(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.name or obj.username


class DepartmentOut(Schema):
    id: int
    name: str
    parent: DepartmentRef | None
    head: PersonBrief | None
    member_count: int = Field(description="active members")


class DepartmentNodeOut(DepartmentOut):
    depth: int = Field(description="0 at the top of the tree")


class PersonPrivate(Schema):
    """Shown to administrators and to the person themself only."""

    username: str
    email: str
    mobile: str
    feishu_id: str
    dingtalk_id: str
    wecom_id: str
    slack_id: str
    locale: str
    email_notifications: bool
    is_pmo: bool
    is_superuser: bool


def may_read_private(viewer: Person, person: Person) -> bool:
    return viewer.is_superuser or viewer.pk == person.pk


class PersonOut(Schema):
    id: int
    name: str
    title: str
    department: DepartmentRef | None
    is_active: bool
    private: PersonPrivate | None = Field(
        description="only for administrators and the person themself"
    )

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.name or obj.username

    @staticmethod
    def resolve_private(obj, context) -> Person | None:
        return obj if may_read_private(context["request"].user, obj) else None


class DepartmentIn(Schema):
    name: Text = Field(..., max_length=200, examples=["质量部"])
    parent_id: int | None = None
    head_id: int | None = None


class DepartmentPatch(Schema):
    name: Text | None = Field(None, max_length=200, examples=["质量管理部"])
    parent_id: int | None = Field(None, description="null: move to the top of the tree")
    head_id: int | None = Field(None, description="null: no head")


TEXT = Field("", max_length=200)


class PersonIn(Schema):
    username: Text = Field(..., max_length=200, examples=["wu.zhuanyuan"])
    name: Text = Field(..., max_length=200, examples=["吴专员"])
    department_id: int | None = None
    title: Text = Field("", max_length=200, examples=["专员"])
    email: Text = Field("", max_length=300, examples=["wu@example.com"])
    mobile: Text = Field("", max_length=200, examples=["13800000000"])
    feishu_id: Text = TEXT
    dingtalk_id: Text = TEXT
    wecom_id: Text = TEXT
    slack_id: Text = TEXT
    locale: Locale = Person.Locale.BROWSER
    is_pmo: bool = False
    is_superuser: bool = False


class PersonPatch(Schema):
    username: Text | None = Field(None, max_length=200)
    name: Text | None = Field(None, max_length=200, examples=["吴主管"])
    department_id: int | None = Field(None, description="null: no department")
    title: Text | None = Field(None, max_length=200, examples=["主管"])
    email: Text | None = Field(None, max_length=300)
    mobile: Text | None = Field(None, max_length=200)
    feishu_id: Text | None = Field(None, max_length=200)
    dingtalk_id: Text | None = Field(None, max_length=200)
    wecom_id: Text | None = Field(None, max_length=200)
    slack_id: Text | None = Field(None, max_length=200)
    locale: Locale | None = None
    is_pmo: bool | None = None
    is_superuser: bool | None = None
    is_active: bool | None = None


class PeopleFilters(Schema):
    q: Text = Field("", max_length=200, description="text in the name or title")
    department: int | None = None


# -- departments ------------------------------------------------------------------------------


def _department(pk: int) -> Department:
    return (
        Department.objects.select_related("head", "parent")
        .annotate(member_count=MEMBERS)
        .get(pk=pk)
    )


@router.get(
    "/departments",
    response={200: list[DepartmentNodeOut], **errors(401)},
    summary="The department tree: each department followed by its sub-departments",
    description="With each department's head and number of active members. One query.",
)
def department_list(request):
    return [
        {
            "id": node.department.pk,
            "name": node.department.name,
            "parent": node.parent,
            "head": node.department.head,
            "member_count": node.member_count,
            "depth": node.depth,
        }
        for node in department_tree()
    ]


@router.get(
    "/departments/{department_id}",
    response={200: DepartmentOut, **errors(401, 404)},
    summary="Read a department",
)
def department_read(request, department_id: int, response: HttpResponse):
    department = _department(department_id)
    set_etag(response, department)
    return department


@router.post(
    "/departments",
    response={201: DepartmentOut, **errors(401, 403, 409, 422)},
    summary="Create a department (administrators)",
)
def department_create(request, payload: DepartmentIn, response: HttpResponse):
    services._require_admin(request.user)  # a 403 before any question about the input
    department = services.department_create(
        actor=request.user,
        name=payload.name,
        parent=ref(Department, payload.parent_id, field="parent_id"),
        head=ref(Person, payload.head_id, field="head_id"),
    )
    department = _department(department.pk)
    set_etag(response, department)
    return Status(201, department)


@router.patch(
    "/departments/{department_id}",
    response={200: DepartmentOut, **errors(401, 403, 404, 409, 412, 422, 428)},
    summary="Rename a department, move it in the tree or set its head (administrators; "
    "needs If-Match)",
)
def department_update(
    request, department_id: int, payload: DepartmentPatch, response: HttpResponse
):
    department = Department.objects.get(pk=department_id)
    services._require_admin(request.user)
    require_if_match(request, department)
    data = payload.dict(exclude_unset=True)
    changes: dict = {}
    if data.get("name") is not None:
        changes["name"] = data["name"]
    if "parent_id" in data:
        changes["parent"] = ref(Department, data["parent_id"], field="parent_id")
    if "head_id" in data:
        changes["head"] = ref(Person, data["head_id"], field="head_id")
    services.department_update(actor=request.user, department=department, **changes)
    department = _department(department_id)
    set_etag(response, department)
    return department


# -- people ----------------------------------------------------------------------------------


def person_etag(person: Person) -> str:
    """People have no change time, so their version is a digest of what the API shows."""
    data = PersonOut.from_orm(person, context={"request": _Viewer(person)}).model_dump_json()
    return '"' + hashlib.sha256(data.encode()).hexdigest()[:32] + '"'


class _Viewer:
    """A stand-in request of the person themself, so the version covers every field."""

    def __init__(self, person: Person):
        self.user = person


def _set_person_etag(response: HttpResponse, person: Person) -> None:
    response["ETag"] = person_etag(person)


def _require_person_if_match(request, person: Person) -> None:
    """``require_if_match`` for a person, whose version is ``person_etag``."""
    sent = request.headers.get("If-Match")
    if not sent:
        require_if_match(request, person)  # the same 428 as everywhere
    if sent.strip() != "*" and person_etag(person) not in [t.strip() for t in sent.split(",")]:
        raise PreconditionFailed(
            _("Someone changed this since you read it; read it again and retry."),
            field="If-Match",
            code="stale",
        )


def _people(request) -> Person:
    return Person.objects.select_related("department")


@router.get(
    "/people",
    response={200: list[PersonOut], **errors(401, 422)},
    summary="Find people by name or title, optionally of one department",
    description="By name (then user name, then id).",
)
@paginate(Page)
def person_list(request, filters: Query[PeopleFilters]):
    department = None
    if filters.department is not None:
        department = Department.objects.filter(pk=filters.department).first()
        if department is None:
            return Person.objects.none()
    if request.user.is_superuser:
        return people_search(query=filters.q, department=department)
    people = people_search(department=department)
    text = filters.q.strip()
    if text:
        people = people.filter(Q(name__icontains=text) | Q(title__icontains=text))
    return people


@router.get(
    "/people/{person_id}",
    response={200: PersonOut, **errors(401, 404)},
    summary="Read a person (contact details only for administrators and themself)",
)
def person_read(request, person_id: int, response: HttpResponse):
    person = _people(request).get(pk=person_id)
    _set_person_etag(response, person)
    return person


@router.get(
    "/me",
    response={200: PersonOut, **errors(401)},
    summary="Read myself, with my contact details and settings",
)
def me(request, response: HttpResponse):
    person = _people(request).get(pk=request.user.pk)
    _set_person_etag(response, person)
    return person


@router.post(
    "/people",
    response={201: PersonOut, **errors(401, 403, 409, 422)},
    summary="Add a person (administrators); they sign in once a password or SSO is set",
)
def person_create(request, payload: PersonIn, response: HttpResponse):
    services._require_admin(request.user)  # a 403 before any question about the input
    data = payload.dict()
    data["department"] = ref(Department, data.pop("department_id"), field="department_id")
    person = services.person_create(actor=request.user, **data)
    person = _people(request).get(pk=person.pk)
    _set_person_etag(response, person)
    return Status(201, person)


@router.patch(
    "/people/{person_id}",
    response={200: PersonOut, **errors(401, 403, 404, 409, 412, 422, 428)},
    summary="Change a person (administrators; needs If-Match)",
)
def person_update(request, person_id: int, payload: PersonPatch, response: HttpResponse):
    person = _people(request).get(pk=person_id)
    services._require_admin(request.user)
    _require_person_if_match(request, person)
    data = payload.dict(exclude_unset=True)
    if "department_id" in data:
        data["department"] = ref(Department, data.pop("department_id"), field="department_id")
    services.person_update(actor=request.user, person=person, **data)
    person = _people(request).get(pk=person_id)
    _set_person_etag(response, person)
    return person
