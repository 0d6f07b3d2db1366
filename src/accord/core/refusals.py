"""How every page turns a service's refusal into what the person sees: the message next to
the field it names (or above the form), the typed values kept, and the status code."""

from collections.abc import Callable
from typing import Any

from django import forms

from accord.core.errors import AppError, EditConflict, PermissionDenied


def show_refusal(form: forms.Form, error: AppError) -> int:
    """Put the refusal on the form; return the status to send: 403 when the person may not
    act at all, 409 when someone else saved the same text meanwhile (the form then carries
    ``conflict``: their text, for the page to show), 422 for input or a move the service
    refused."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, error.message)
        return 403
    if isinstance(error, EditConflict):
        form.add_error(None, error.message)
        form.conflict = error
        return 409
    form.add_error(error.field if error.field in form.fields else None, error.message)
    return 422


def call_with_form(form: forms.Form, service: Callable[[dict], Any]) -> tuple[Any, int | None]:
    """Validate the form and call the service with what it cleaned: ``(result, None)`` on
    success, ``(None, status)`` with the message on the form otherwise."""
    if not form.is_valid():
        return None, 422
    try:
        return service(form.cleaned_data), None
    except AppError as error:
        return None, show_refusal(form, error)
