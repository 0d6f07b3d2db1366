"""Every write to the organisation: departments (a tree with heads) and people.

Administrators only (``actor=None`` is the system itself: the demo loader, a migration);
each service runs in one transaction and writes an AuditEvent.
"""

import datetime as dt
import enum

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils.translation import gettext as _

from accord.core.errors import AppError, PermissionDenied
from accord.core.models import AuditEvent
from accord.core.services import audit_record
from accord.org.models import Department, Person
from accord.org.names import search_text


class Unchanged(enum.Enum):
    """A keyword left out of an update; ``None`` means "none" (no parent, no head)."""

    UNCHANGED = "unchanged"


UNCHANGED = Unchanged.UNCHANGED


def _require_admin(actor: Person | None) -> None:
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied(_("Only an administrator may change departments and people."))


@transaction.atomic
def department_create(
    *, actor: Person | None, name: str, parent: Department | None = None, head: Person | None = None
) -> Department:
    _require_admin(actor)
    name = _department_name(name)
    department = Department.objects.create(name=name, parent=parent, head=_active_head(head))
    audit_record(actor=actor, verb="department.created", subject=department, data={"name": name})
    return department


@transaction.atomic
def department_set_head(
    *, actor: Person | None, department: Department, head: Person | None
) -> None:
    _require_admin(actor)
    department.head = head
    department.save(update_fields=["head", "updated_at"])
    audit_record(actor=actor, verb="department.head_set", subject=department, data={"head": head})


@transaction.atomic
def person_create(
    *,
    actor: Person | None,
    username: str,
    name: str,
    department: Department | None = None,
    title: str = "",
    email: str = "",
    mobile: str = "",
    password: str | None = None,
    is_pmo: bool = False,
    is_superuser: bool = False,
    feishu_id: str = "",
    dingtalk_id: str = "",
    wecom_id: str = "",
    slack_id: str = "",
    locale: str = "",
    is_active: bool = True,
) -> Person:
    """Create a person; without a password they cannot sign in until one is set."""
    _require_admin(actor)
    person = Person(
        username=_clean_username(username),
        name=_clean_name(name),
        department=department,
        title=_clean_text("title", title),
        email=_clean_email(email),
        mobile=_clean_text("mobile", mobile),
        feishu_id=_clean_text("feishu_id", feishu_id),
        dingtalk_id=_clean_text("dingtalk_id", dingtalk_id),
        wecom_id=_clean_text("wecom_id", wecom_id),
        slack_id=_clean_text("slack_id", slack_id),
        locale=_clean_locale(locale),
        is_pmo=is_pmo,
        is_superuser=is_superuser,
        is_staff=is_superuser,
        is_active=is_active,
    )
    if password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.search_key = search_text(person)
    person.save()
    audit_record(
        actor=actor, verb="person.created", subject=person, data={"username": person.username}
    )
    return person


def person_set_locale(*, actor: Person, locale: str) -> Person:
    """A person's own language choice (blank: follow the browser)."""
    if locale not in Person.Locale.values:
        raise AppError(_("Unknown language."), field="language", code="invalid")
    if actor.locale != locale:
        actor.locale = locale
        actor.save(update_fields=["locale"])
    return actor


# -- validation shared by person_create and person_update ----------------------------------


def _too_long(field: str, limit: int) -> AppError:
    return AppError(
        _("At most %(count)d characters.") % {"count": limit}, field=field, code="too_long"
    )


def _clean_username(username: str, *, person: Person | None = None) -> str:
    username = (username or "").strip()
    if not username:
        raise AppError(_("A person needs a user name."), field="username", code="required")
    limit = Person._meta.get_field("username").max_length
    if len(username) > limit:
        raise _too_long("username", limit)
    try:
        Person.username_validator(username)
    except ValidationError as error:
        raise AppError(" ".join(error.messages), field="username", code="invalid") from None
    taken = Person.objects.filter(username=username)
    if person is not None:
        taken = taken.exclude(pk=person.pk)
    if taken.exists():
        raise AppError(
            _("The user name %(username)s is taken.") % {"username": username},
            field="username",
            code="duplicate",
        )
    return username


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise AppError(_("A person needs a name."), field="name", code="required")
    limit = Person._meta.get_field("name").max_length
    if len(name) > limit:
        raise _too_long("name", limit)
    return name


def _clean_text(field: str, value: str) -> str:
    value = (value or "").strip()
    limit = Person._meta.get_field(field).max_length
    if len(value) > limit:
        raise _too_long(field, limit)
    return value


def _clean_email(email: str) -> str:
    email = _clean_text("email", email)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise AppError(
                _("“%(email)s” is not an e-mail address.") % {"email": email},
                field="email",
                code="invalid",
            ) from None
    return email


def _clean_locale(locale: str) -> str:
    if locale not in Person.Locale.values:
        raise AppError(_("Unknown language."), field="locale", code="invalid")
    return locale


# -- administration: departments -----------------------------------------------------------


def _department_name(name: str, *, department: Department | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise AppError(_("A department needs a name."), field="name", code="required")
    limit = Department._meta.get_field("name").max_length
    if len(name) > limit:
        raise _too_long("name", limit)
    taken = Department.objects.filter(name=name)
    if department is not None:
        taken = taken.exclude(pk=department.pk)
    if taken.exists():
        raise AppError(
            _("A department named %(name)s already exists.") % {"name": name},
            field="name",
            code="duplicate",
        )
    return name


def _refuse_cycle(department: Department, parent: Department) -> None:
    """A department may not sit under itself or under one of its own sub-departments."""
    if parent.pk == department.pk:
        raise AppError(_("A department cannot be its own parent."), field="parent", code="cycle")
    parents = dict(Department.objects.values_list("pk", "parent_id"))
    seen: set[int] = set()
    current: int | None = parent.pk
    while current is not None and current not in seen:
        if current == department.pk:
            raise AppError(
                _(
                    "%(parent)s is part of %(name)s: a department cannot move under one "
                    "of its own sub-departments."
                )
                % {"parent": parent.name, "name": department.name},
                field="parent",
                code="cycle",
            )
        seen.add(current)
        current = parents.get(current)


def _active_head(head: Person | None) -> Person | None:
    if head is not None and not head.is_active:
        raise AppError(
            _("%(name)s cannot sign in and cannot head a department.") % {"name": head},
            field="head",
            code="inactive",
        )
    return head


@transaction.atomic
def department_update(
    *,
    actor: Person,
    department: Department,
    name: str | None = None,
    parent: Department | None | Unchanged = UNCHANGED,
    head: Person | None | Unchanged = UNCHANGED,
) -> Department:
    """Rename a department, move it in the tree (``parent=None``: to the top) or set its head
    (``head=None``: nobody). Refuses a duplicate name and a move that would make a loop."""
    _require_admin(actor)
    department.refresh_from_db(from_queryset=Department.objects.select_for_update())
    changed: dict = {}
    if name is not None:
        name = _department_name(name, department=department)
        if name != department.name:
            changed["name"] = name
    if not isinstance(parent, Unchanged):
        if parent is not None:
            _refuse_cycle(department, parent)
        if (parent.pk if parent else None) != department.parent_id:
            changed["parent"] = parent
    if not isinstance(head, Unchanged):
        head = _active_head(head)
        if (head.pk if head else None) != department.head_id:
            changed["head"] = head
    if not changed:
        return department
    for field, value in changed.items():
        setattr(department, field, value)
    department.save(update_fields=[*changed, "updated_at"])
    audit_record(actor=actor, verb="department.updated", subject=department, data=changed)
    return department


# -- administration: people -----------------------------------------------------------------

_PERSON_TEXT = ("title", "mobile", "feishu_id", "dingtalk_id", "wecom_id", "slack_id")


@transaction.atomic
def person_update(
    *,
    actor: Person,
    person: Person,
    username: str | None = None,
    name: str | None = None,
    email: str | None = None,
    department: Department | None | Unchanged = UNCHANGED,
    title: str | None = None,
    mobile: str | None = None,
    feishu_id: str | None = None,
    dingtalk_id: str | None = None,
    wecom_id: str | None = None,
    slack_id: str | None = None,
    locale: str | None = None,
    is_pmo: bool | None = None,
    is_superuser: bool | None = None,
    is_active: bool | None = None,
) -> Person:
    """Change what an administrator keeps about a person; ``None`` (``UNCHANGED`` for the
    department) leaves a field as it is. An administrator cannot take away their own
    administrator rights or switch off their own account: someone must be left to undo it."""
    _require_admin(actor)
    person.refresh_from_db(from_queryset=Person.objects.select_for_update())
    wanted: dict = {}
    if username is not None:
        wanted["username"] = _clean_username(username, person=person)
    if name is not None:
        wanted["name"] = _clean_name(name)
    if email is not None:
        wanted["email"] = _clean_email(email)
    if not isinstance(department, Unchanged):
        wanted["department"] = department
    texts = {
        "title": title,
        "mobile": mobile,
        "feishu_id": feishu_id,
        "dingtalk_id": dingtalk_id,
        "wecom_id": wecom_id,
        "slack_id": slack_id,
    }
    for field in _PERSON_TEXT:
        if texts[field] is not None:
            wanted[field] = _clean_text(field, texts[field])
    if locale is not None:
        wanted["locale"] = _clean_locale(locale)
    if is_pmo is not None:
        wanted["is_pmo"] = is_pmo
    if is_superuser is not None:
        if actor is not None and actor.pk == person.pk and not is_superuser:
            raise AppError(
                _("You cannot take away your own administrator rights."),
                field="is_superuser",
                code="self_demotion",
            )
        wanted["is_superuser"] = is_superuser
        wanted["is_staff"] = is_superuser  # the Django admin follows the administrator role
    if is_active is not None:
        if actor is not None and actor.pk == person.pk and not is_active:
            raise AppError(
                _("You cannot switch off your own account."),
                field="is_active",
                code="self_deactivation",
            )
        wanted["is_active"] = is_active
    changed = {field: value for field, value in wanted.items() if getattr(person, field) != value}
    if not changed:
        return person
    for field, value in changed.items():
        setattr(person, field, value)
    fields = list(changed)
    if {"name", "username"} & set(changed):
        person.search_key = search_text(person)
        fields.append("search_key")
    person.save(update_fields=fields)
    audit_record(actor=actor, verb="person.updated", subject=person, data=changed)
    return person


@transaction.atomic
def person_set_password(*, actor: Person, person: Person, password: str) -> Person:
    """Set a person's password, checked by Django's password validators and stored with the
    first configured hasher (argon2). The audit row records that it changed, never the value."""
    _require_admin(actor)
    if not password:
        raise AppError(_("Enter a password."), field="password", code="required")
    try:
        password_validation.validate_password(password, user=person)
    except ValidationError as error:
        raise AppError(" ".join(error.messages), field="password", code="weak_password") from None
    person.set_password(password)
    person.save(update_fields=["password"])
    audit_record(actor=actor, verb="person.password_set", subject=person)
    return person


@transaction.atomic
def sign_in_paused(
    *,
    username: str | None,
    ip_address: str | None,
    limit: str,
    failures: int,
    until: dt.datetime,
    path: str,
    attempt: models.Model,
) -> AuditEvent:
    """Record that sign-in was paused after too many failures (``accord.org.sign_in``).

    The subject is the account the name belongs to, so that its history shows the attack;
    a name that belongs to no one, or none at all (a bad API token), is recorded against
    the failed attempt that django-axes counted. No one is signed in: the actor is None."""
    person = Person.objects.filter(username=username).first() if username else None
    return audit_record(
        actor=None,
        verb="sign_in.paused",
        subject=person or attempt,
        data={
            "username": username,
            "ip_address": ip_address,
            "limit": limit,
            "failures": failures,
            "until": until,
            "path": path,
        },
    )
