from django.db import transaction
from django.utils.translation import gettext as _

from accord.core.errors import AppError, PermissionDenied
from accord.core.services import audit_record
from accord.org.models import Department, Person


def _require_admin(actor: Person | None) -> None:
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied(_("Only an administrator may change departments and people."))


@transaction.atomic
def department_create(
    *, actor: Person | None, name: str, parent: Department | None = None, head: Person | None = None
) -> Department:
    _require_admin(actor)
    name = name.strip()
    if not name:
        raise AppError(_("A department needs a name."), field="name", code="required")
    if Department.objects.filter(name=name).exists():
        raise AppError(
            _("A department named %(name)s already exists.") % {"name": name},
            field="name",
            code="duplicate",
        )
    department = Department.objects.create(name=name, parent=parent, head=head)
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
) -> Person:
    """Create a person; without a password they cannot sign in until one is set."""
    _require_admin(actor)
    username = username.strip()
    if not username:
        raise AppError(_("A person needs a user name."), field="username", code="required")
    if not name.strip():
        raise AppError(_("A person needs a name."), field="name", code="required")
    if Person.objects.filter(username=username).exists():
        raise AppError(
            _("The user name %(username)s is taken.") % {"username": username},
            field="username",
            code="duplicate",
        )
    person = Person(
        username=username,
        name=name.strip(),
        department=department,
        title=title,
        email=email,
        mobile=mobile,
        is_pmo=is_pmo,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.save()
    audit_record(actor=actor, verb="person.created", subject=person, data={"username": username})
    return person


def person_set_locale(*, actor: Person, locale: str) -> Person:
    """A person's own language choice (blank: follow the browser)."""
    if locale not in Person.Locale.values:
        raise AppError(_("Unknown language."), field="language", code="invalid")
    if actor.locale != locale:
        actor.locale = locale
        actor.save(update_fields=["locale"])
    return actor
