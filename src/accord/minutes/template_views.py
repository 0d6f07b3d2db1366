"""Managing the company templates of the minutes (administrators and the PMO; 403 for
everyone else): upload (checked by filling a sample record), list, choose the active one,
delete. Views parse with ``accord.minutes.forms`` and call
``accord.exports.company_templates``."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accord.core.refusals import call_with_form
from accord.exports import company_templates as templates
from accord.minutes.forms import TemplateActiveForm, TemplateUploadForm
from accord.minutes.models import MinutesTemplate


def _require_manager(request: HttpRequest) -> None:
    if not templates.can_manage_templates(request.user):
        raise Forbidden


def _page(
    request: HttpRequest,
    form: forms.Form,
    *,
    status: int = 200,
    failed: list[str] | None = None,
) -> HttpResponse:
    context = {
        "nav": "manage",
        "section": "templates",
        "form": form,
        "templates": list(templates.minutes_templates()),
        "failed": failed or [],
    }
    return render(request, "minutes/templates.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def template_list(request: HttpRequest) -> HttpResponse:
    """The templates, the active one marked, and the upload form."""
    _require_manager(request)
    if request.method == "GET":
        return _page(request, TemplateUploadForm())
    form = TemplateUploadForm(request.POST, request.FILES)
    template, status = call_with_form(
        form,
        lambda data: templates.minutes_template_upload(
            actor=request.user,
            name=data["name"],
            file=data["file"],
            activate=data["activate"],
        ),
    )
    if status is not None:
        return _page(request, form, status=status)
    messages.success(request, _("Template %(name)s uploaded.") % {"name": template.name})
    return redirect("minutes_templates:list")


def _get(pk: int) -> MinutesTemplate:
    try:
        return MinutesTemplate.objects.get(pk=pk)
    except MinutesTemplate.DoesNotExist:
        raise Http404 from None


def _errors(form: forms.Form) -> list[str]:
    return [str(message) for errors in form.errors.values() for message in errors]


@login_required
@require_POST
def template_activate(request: HttpRequest, pk: int) -> HttpResponse:
    """Use this template for the Word download (``on=1``), or go back to the built-in
    layout (``on=0``)."""
    _require_manager(request)
    template = _get(pk)
    form = TemplateActiveForm(request.POST)
    _result, status = call_with_form(
        form,
        lambda data: templates.minutes_template_activate(
            actor=request.user, template=template, active=data["on"]
        ),
    )
    if status is not None:
        return _page(request, TemplateUploadForm(), status=status, failed=_errors(form))
    if template.active:
        notice = _("The Word download now uses %(name)s.")
    else:
        notice = _("%(name)s is no longer used; the Word download uses the built-in layout.")
    messages.success(request, notice % {"name": template.name})
    return redirect("minutes_templates:list")


@login_required
@require_POST
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    template = _get(pk)
    name = template.name
    form = forms.Form(request.POST)
    _result, status = call_with_form(
        form,
        lambda _data: templates.minutes_template_delete(actor=request.user, template=template),
    )
    if status is not None:
        return _page(request, TemplateUploadForm(), status=status, failed=_errors(form))
    messages.success(request, _("Template %(name)s deleted.") % {"name": name})
    return redirect("minutes_templates:list")
