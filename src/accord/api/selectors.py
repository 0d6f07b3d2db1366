"""Reads of the API app: a person's personal tokens for the Tokens page."""

from django.db.models import QuerySet

from accord.api.models import ApiToken
from accord.org.models import Person


def tokens_of(person: Person) -> QuerySet[ApiToken]:
    """The person's tokens, newest first, revoked ones included (their history)."""
    return ApiToken.objects.filter(person=person).order_by("-created_at", "-id")


def token_get_own(*, person: Person, pk: int) -> ApiToken:
    """One of the person's tokens; ``ApiToken.DoesNotExist`` for anyone else's."""
    return tokens_of(person).get(pk=pk)
