"""What every service writes with: ``audit_record`` (one ``AuditEvent`` per change) and ``model_update`` (a partial update that writes nothing when nothing changed)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models

from accord.core.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def model_update(*, instance: models.Model, data: dict[str, Any]) -> dict[str, Any]:
    """The one partial update: set the fields of ``data`` whose value differs from what
    ``instance`` holds, save only those (and ``updated_at``), and return them.

    An update that changes nothing returns ``{}`` and saves nothing; the service then
    writes no audit row, no notice and no outbox row (an identical PATCH, a form saved as
    it was shown, an autosave of unchanged text). A relation is compared by its key, so
    nothing is read to compare it."""
    changed: dict[str, Any] = {}
    for name, value in data.items():
        field = instance._meta.get_field(name)
        if field.many_to_one or field.one_to_one:
            before = getattr(instance, field.attname)
            after = value.pk if isinstance(value, models.Model) else value
        else:
            before, after = getattr(instance, name), value
        if before != after:
            changed[name] = value
    if not changed:
        return {}
    for name, value in changed.items():
        setattr(instance, name, value)
    fields = list(changed)
    if any(field.name == "updated_at" for field in instance._meta.concrete_fields):
        fields.append("updated_at")
    instance.save(update_fields=fields)
    return changed


def audit_record(
    *,
    actor: models.Model | None,
    verb: str,
    subject: models.Model,
    meeting: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit row; called by every service inside its transaction. An update
    records only what changed, and nothing when nothing did (``model_update``)."""
    return AuditEvent.objects.create(
        actor=actor,
        verb=verb,
        subject_type=subject._meta.label_lower,
        subject_id=subject.pk,
        meeting=meeting,
        data=_jsonable(data or {}),
    )
