"""Who is calling: a personal token (``Authorization: Bearer acc_…``) or the browser
session. Session calls that change anything need the CSRF token, as the web forms do."""

from django.utils import translation
from ninja.errors import Throttled
from ninja.security import HttpBearer, SessionAuth

from accord.api.services import token_authenticate
from accord.org.sign_in import Pause, token_failed, token_pause


class TokenThrottled(Throttled):
    """Tokens from this address are refused for now; answered 429 with Retry-After."""

    def __init__(self, pause: Pause) -> None:
        super().__init__(wait=pause.minutes * 60)
        self.pause = pause


def _speak_their_language(request, person) -> None:
    if person.locale:
        translation.activate(person.locale)
        request.LANGUAGE_CODE = person.locale


class TokenAuth(HttpBearer):
    """A wrong token counts against the client address (``accord.org.sign_in``); once the
    address has failed too often, each wrong token from it is answered 429 with
    Retry-After, uncounted, until the pause ends. A valid token is looked up first and never
    slowed: it is 256 random bits that nobody guesses, so the pause is there to stop a flood
    of wrong ones, and token calls keep the queries they had."""

    def authenticate(self, request, token: str):
        person = token_authenticate(token)
        if person is None:
            pause = token_pause(request) or token_failed(request)
            if pause is not None:
                raise TokenThrottled(pause)
            return None
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

__all__ = ["AUTH", "SessionAuthActive", "TokenAuth", "TokenThrottled"]
