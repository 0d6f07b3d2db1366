"""Who is calling: a personal token (``Authorization: Bearer acc_…``) or the browser
session. Session calls that change anything need the CSRF token, as the web forms do."""

from django.utils import translation
from ninja.security import HttpBearer, SessionAuth

from accord.api.services import token_authenticate


def _speak_their_language(request, person) -> None:
    if person.locale:
        translation.activate(person.locale)
        request.LANGUAGE_CODE = person.locale


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        person = token_authenticate(token)
        if person is not None:
            request.user = person
            _speak_their_language(request, person)
        return person


class SessionAuthActive(SessionAuth):
    def authenticate(self, request, key):
        person = super().authenticate(request, key)
        if person is not None and not person.is_active:
            return None
        return person


AUTH = [TokenAuth(), SessionAuthActive()]

__all__ = ["AUTH", "SessionAuthActive", "TokenAuth"]
