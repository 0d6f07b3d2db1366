"""Writes of the API app: personal tokens."""

import datetime as dt
import hmac

from django.db import transaction
from django.utils.translation import gettext as _

from accord.api.models import ApiToken, token_hash
from accord.core import clock
from accord.core.errors import AppError, PermissionDenied
from accord.core.services import audit_record
from accord.org.models import Person

TOKEN_USE_RESOLUTION = dt.timedelta(minutes=1)


@transaction.atomic
def token_create(*, actor: Person, name: str) -> tuple[ApiToken, str]:
    """A new token for the actor; returns it with its full text, which is shown once and
    never stored."""
    name = (name or "").strip()
    if not name:
        raise AppError(_("Name the token after where it is used."), field="name", code="required")
    if len(name) > 100:
        raise AppError(_("Keep the name to 100 characters."), field="name")
    text, prefix = ApiToken.generate()
    token = ApiToken.objects.create(person=actor, name=name, prefix=prefix, hashed=token_hash(text))
    audit_record(actor=actor, verb="api_token.created", subject=token, data={"name": name})
    return token, text


@transaction.atomic
def token_revoke(*, actor: Person, token: ApiToken) -> ApiToken:
    if token.person_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied(_("Only its owner can revoke a token."))
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, verb="api_token.revoked", subject=token)
    return token


def token_authenticate(text: str) -> Person | None:
    """The active person a token's text belongs to, or None. Records when it was last used,
    at most once a minute."""
    parts = text.split("_", 2)  # acc_<hex>_<secret>; the secret may hold "_" itself
    if len(parts) != 3 or not all(parts):
        return None
    prefix = f"{parts[0]}_{parts[1]}"
    # The prefix is unique: no order to ask for (first() would sort by id on every call).
    token = next(
        iter(
            ApiToken.objects.select_related("person")
            .filter(prefix=prefix, revoked_at__isnull=True)
            .order_by()[:1]
        ),
        None,
    )
    if (
        token is None
        or not hmac.compare_digest(token.hashed, token_hash(text))
        or not token.person.is_active
    ):
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person
