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


def audit_record(
    *,
    actor: models.Model | None,
    verb: str,
    subject: models.Model,
    meeting: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit row; called by every service inside its transaction."""
    return AuditEvent.objects.create(
        actor=actor,
        verb=verb,
        subject_type=subject._meta.label_lower,
        subject_id=subject.pk,
        meeting=meeting,
        data=_jsonable(data or {}),
    )
