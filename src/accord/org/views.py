"""Administration: the department tree and the people (administrators only; 403 for
everyone else). Views parse with ``accord.org.forms``, call ``accord.org.services`` or
``accord.org.selectors`` and render."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.errors import AppError
from accord.core.refusals import show_refusal
from accord.org import rules, selectors, services
from accord.org.forms import DepartmentForm, PasswordForm, PeopleFilterForm, PersonForm
from accord.org.models import Department, Person

PAGE_SIZE = 25

View = Callable[..., HttpResponse]


def admin_only(view: View) -> View:
    """403 for anyone but an active administrator, before anything is read."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not rules.is_admin(request.user):
            raise Forbidden
        return view(request, *args, **kwargs)

    return wrapper


# -- departments ---------------------------------------------------------------------------


def _partial(request: HttpRequest) -> bool:
    """An htmx swap gets the part; a history restore (the Back button) gets the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


@login_required
@admin_only
@require_GET
def departments(request: HttpRequest) -> HttpResponse:
    """The department tree with heads and member counts."""
    return render(
        request,
        "org/departments.html",
        {"nav": "manage", "section": "departments", "tree": selectors.department_tree()},
    )


def _department_page(
    request: HttpRequest, form: DepartmentForm, department: Department | None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "org/department_form.html",
        {"nav": "manage", "section": "departments", "form": form, "department": department},
        status=status,
    )


@login_required
@admin_only
@require_http_methods(["GET", "POST"])
def department_create(request: HttpRequest) -> HttpResponse:
    form = DepartmentForm(request.POST or None)
    if request.method == "GET":
        return _department_page(request, form, None)
    status = 422
    if form.is_valid():
        try:
            department = services.department_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                parent=form.cleaned_data["parent"],
                head=form.cleaned_data["head"],
            )
        except AppError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, _("Department %(name)s created.") % {"name": department.name})
            return redirect("org:departments")
    return _department_page(request, form, None, status)


@login_required
@admin_only
@require_http_methods(["GET", "POST"])
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename, move in the tree, set the head."""
    department = get_object_or_404(Department, pk=pk)
    if request.method == "GET":
        initial = {
            "name": department.name,
            "parent": department.parent_id,
            "head": department.head_id,
        }
        return _department_page(
            request, DepartmentForm(initial=initial, department=department), department
        )
    form = DepartmentForm(request.POST, department=department)
    status = 422
    if form.is_valid():
        try:
            services.department_update(
                actor=request.user,
                department=department,
                name=form.cleaned_data["name"],
                parent=form.cleaned_data["parent"],
                head=form.cleaned_data["head"],
            )
        except AppError as error:
            status = show_refusal(form, error)
            department.refresh_from_db()
        else:
            messages.success(request, _("Department %(name)s saved.") % {"name": department.name})
            return redirect("org:departments")
    return _department_page(request, form, department, status)


# -- people --------------------------------------------------------------------------------


@login_required
@admin_only
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    """Everyone, searchable and filtered by department, 25 to a page."""
    form = PeopleFilterForm(request.GET or None)
    status, filters = 200, {}
    if form.is_bound:
        if form.is_valid():
            filters = {
                "query": form.cleaned_data["q"],
                "department": form.cleaned_data["department"],
            }
        else:
            status = 422
    page = Paginator(selectors.people_search(**filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    template = "org/_people_table.html" if _partial(request) else "org/people.html"
    context = {"nav": "manage", "section": "people", "form": form, "page": page}
    return render(request, template, context, status=status)


def _person_page(
    request: HttpRequest,
    form: PersonForm,
    person: Person | None,
    password_form: PasswordForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "nav": "manage",
        "section": "people",
        "form": form,
        "person": person,
        "password_form": password_form or PasswordForm(),
    }
    return render(request, "org/person_form.html", context, status=status)


def _person_fields(data: dict) -> dict:
    return {
        "username": data["username"],
        "name": data["name"],
        "email": data["email"],
        "department": data["department"],
        "title": data["title"],
        "mobile": data["mobile"],
        "feishu_id": data["feishu_id"],
        "dingtalk_id": data["dingtalk_id"],
        "wecom_id": data["wecom_id"],
        "slack_id": data["slack_id"],
        "locale": data["locale"],
        "is_pmo": data["is_pmo"],
        "is_superuser": data["is_superuser"],
    }


@login_required
@admin_only
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    """A new person; they sign in once a password is set on the next page."""
    if request.method == "GET":
        return _person_page(request, PersonForm(initial={"is_active": True}), None)
    form = PersonForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            person = services.person_create(
                actor=request.user,
                is_active=form.cleaned_data["is_active"],
                **_person_fields(form.cleaned_data),
            )
        except AppError as error:
            status = show_refusal(form, error)
        else:
            messages.success(
                request,
                _("%(name)s added. Set a password so that they can sign in.")
                % {"name": person.name},
            )
            return redirect("org:person_edit", pk=person.pk)
    return _person_page(request, form, None, status=status)


@login_required
@admin_only
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.select_related("department"), pk=pk)
    if request.method == "GET":
        return _person_page(request, PersonForm(initial=PersonForm.initial_for(person)), person)
    form = PersonForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.person_update(
                actor=request.user,
                person=person,
                is_active=form.cleaned_data["is_active"],
                **_person_fields(form.cleaned_data),
            )
        except AppError as error:
            status = show_refusal(form, error)
            person.refresh_from_db()
        else:
            messages.success(request, _("%(name)s saved.") % {"name": person.name})
            return redirect("org:people")
    return _person_page(request, form, person, status=status)


@login_required
@admin_only
@require_POST
def person_password(request: HttpRequest, pk: int) -> HttpResponse:
    """Set a password (Django's validators; stored with argon2)."""
    person = get_object_or_404(Person.objects.select_related("department"), pk=pk)
    password_form = PasswordForm(request.POST)
    status = 422
    if password_form.is_valid():
        try:
            services.person_set_password(
                actor=request.user, person=person, password=password_form.cleaned_data["password"]
            )
        except AppError as error:
            status = show_refusal(password_form, error)
        else:
            if person.pk == request.user.pk:
                # Changing one's own password must not sign one out.
                update_session_auth_hash(request, person)
            messages.success(request, _("Password set for %(name)s.") % {"name": person.name})
            return redirect("org:person_edit", pk=person.pk)
    form = PersonForm(initial=PersonForm.initial_for(person))
    return _person_page(request, form, person, password_form=password_form, status=status)
