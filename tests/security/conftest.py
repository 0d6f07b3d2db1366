"""What the attack tests share: a real HTTP client against the live test server, signed in as
a person through a session cookie (the web) or a personal token (the API)."""

import re

import httpx
import pytest
from django.conf import settings
from django.test import Client

from accord.api.services import token_create

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """A person's browser without JavaScript: cookies, the CSRF token of the last page read,
    and forms posted as the page would post them."""

    def __init__(self, base_url: str, person) -> None:
        client = Client()
        client.force_login(person)
        self.http = httpx.Client(
            base_url=base_url,
            headers={"Accept-Language": "en", "Referer": base_url + "/"},
            cookies={
                settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value
            },
            timeout=30,
        )
        self.csrf = ""

    def get(self, path: str, **kwargs) -> httpx.Response:
        response = self.http.get(path, **kwargs)
        found = _CSRF_INPUT.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path: str, data: dict, **kwargs) -> httpx.Response:
        return self.http.post(path, data={"csrfmiddlewaretoken": self.csrf, **data}, **kwargs)

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def browser_as(live_server):
    opened: list[Browser] = []

    def open_as(person) -> Browser:
        browser = Browser(live_server.url, person)
        opened.append(browser)
        return browser

    yield open_as
    for browser in opened:
        browser.close()


@pytest.fixture
def api_as(live_server):
    """An HTTP client of the live server's API, authenticated with a fresh token of ``person``."""
    opened: list[httpx.Client] = []

    def open_as(person) -> httpx.Client:
        token = token_create(actor=person, name="attack")[1]
        client = httpx.Client(
            base_url=live_server.url + "/api/v1",
            headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
            timeout=30,
        )
        opened.append(client)
        return client

    yield open_as
    for client in opened:
        client.close()
