"""Writes of the API app: personal tokens."""

import datetime as dt
import hmac

from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils.translation import gettext as _

from accord.api.models import ApiToken
from accord.core import clock
from accord.core.compiled import Compiled
from accord.core.errors import AppError, PermissionDenied
from accord.core.services import audit_record
from accord.core.tokens import token_hash
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


PERSON_FIELDS = tuple(field.attname for field in Person._meta.concrete_fields)


def _token_person(shape: None, *, prefix: str):
    """The live token of ``prefix`` with every field of its person."""
    return ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True).values(
        "pk", "hashed", "last_used_at", *(f"person__{name}" for name in PERSON_FIELDS)
    )


TOKEN_PERSON = Compiled(_token_person)


def token_authenticate(text: str) -> Person | None:
    """The active person a token's text belongs to, or None. Records when it was last used,
    at most once a minute. (Asked on every API call: one query, written once.)"""
    parts = text.split("_", 2)  # acc_<hex>_<secret>; the secret may hold "_" itself
    if len(parts) != 3 or not all(parts):
        return None
    found = TOKEN_PERSON.rows(None, prefix=f"{parts[0]}_{parts[1]}")  # the prefix is unique
    if not found or not hmac.compare_digest(found[0]["hashed"], token_hash(text)):
        return None
    token = found[0]
    person = Person.from_db(
        DEFAULT_DB_ALIAS, PERSON_FIELDS, [token[f"person__{name}"] for name in PERSON_FIELDS]
    )
    if not person.is_active:
        return None
    now = clock.now()
    if token["last_used_at"] is None or now - token["last_used_at"] >= TOKEN_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token["pk"]).update(last_used_at=now)
    return person
