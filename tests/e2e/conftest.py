"""Browser journeys: Playwright drives Debian's Chromium (/usr/bin/chromium) against the
live test server. Screenshots go to `var/screenshots/` (named in the README).

Every page a journey opens is held to two cheap checks: no response of the live server may
be a server error (>= 500, htmx requests included), and `check_page` asserts the basics of
accessibility (one <h1>, a label for every field)."""

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.conftest import Org, build_org

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("ACCORD_SCREENSHOTS", Path.cwd() / "var" / "screenshots"))
PASSWORD = "Accord-Demo-2026"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}

# Playwright's sync API runs an event loop in this thread; the test itself only touches the
# database between page actions, never concurrently with them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The machine may be busy (two cores, other suites): wait up to 10 s for what a page shows.
expect.set_options(timeout=10_000)

# Responses >= 500 seen by the pages of the running test ("METHOD URL -> status").
_server_errors: list[str] = []


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: `apt-get install chromium` (the CI script does).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def _record_server_error(response) -> None:
    if response.status >= 500:
        _server_errors.append(f"{response.request.method} {response.url} -> {response.status}")


def _record_csp_violation(message) -> None:
    # Chromium reports a blocked script or style on the console; the page would be broken.
    if "Content Security Policy" in message.text:
        _server_errors.append(f"CSP: {message.text}")


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh browser context (its own cookies) in a language and at a width.

    The test fails if any response of the live server to these pages is a server error, or
    if the browser blocks anything under the Content Security Policy."""
    contexts = []
    _server_errors.clear()

    def make(*, locale: str = "zh-CN", width: int = 1280, height: int = 860):
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            viewport={"width": width, "height": height},
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("response", _record_server_error)
        page.on("console", _record_csp_violation)
        return page

    yield make
    for context in contexts:
        context.close()
    errors, _server_errors[:] = list(_server_errors), []
    if errors:
        pytest.fail("The server answered with an error:\n" + "\n".join(errors))


def sign_in(page, username: str, password: str = PASSWORD, *, next: str = "") -> None:
    page.goto("/login/" + (f"?next={next}" if next else ""))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form button[type=submit]").click()
    # A click does not wait for the navigation it starts: wait until the login page is left
    # (a wrong password stays on it, and fails here rather than three steps later).
    expect(page, f"{username} could not sign in").not_to_have_url(re.compile(r"/login/"))
    page.wait_for_load_state()
    check_page(page)


def follow(page, link) -> None:
    """Click a link and wait for the page it leads to, then check that page."""
    target = urlsplit(link.get_attribute("href")).path
    link.click()
    page.wait_for_url(lambda url: urlsplit(url).path == target)
    check_page(page)


@pytest.fixture
def log_in(live_server):
    """Sign a person in without the login form (a session made by Django's test client),
    for tests that show pages rather than walk a journey."""
    from django.conf import settings
    from django.test import Client

    def log_in(page, person) -> None:
        client = Client()
        client.force_login(person)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )

    return log_in


# Why a field has no name, if it has none: a <label> (for= or around it), aria-label,
# aria-labelledby, or a radio/checkbox inside a <fieldset> with a <legend>.
_A11Y = """() => {
  const problems = [];
  const h1s = document.querySelectorAll('h1').length;
  if (h1s !== 1) problems.push(`${h1s} <h1> elements`);
  const text = (el) => (el ? el.textContent.trim() : '');
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden') continue;
    const labelled = [...(el.labels || [])].some((label) => text(label))
      || (el.getAttribute('aria-label') || '').trim()
      || (el.getAttribute('aria-labelledby') || '').split(/\\s+/)
           .some((id) => text(document.getElementById(id)));
    const fieldset = el.closest('fieldset');
    const legend = ['radio', 'checkbox'].includes(el.type) && fieldset
      && text(fieldset.querySelector(':scope > legend'));
    if (!labelled && !legend) {
      problems.push(`<${el.tagName.toLowerCase()} name="${el.name}" id="${el.id}"> has no label`);
    }
  }
  return problems;
}"""


def check_page(page) -> None:
    """No server error so far, exactly one <h1>, and every field labelled."""
    assert not _server_errors, f"server errors: {_server_errors}"
    problems = page.evaluate(_A11Y)
    assert not problems, f"{page.url}: {problems}"


def zh(message: str, plural: str = "", n: int = 1, **params: object) -> str:
    """The Simplified Chinese a page shows for an English source string (its catalog entry),
    with ``params`` filled in. Fails when the catalog has no translation, so a journey that
    finds this text on a page has seen the Chinese UI — and keeps passing when the wording
    of a translation is improved."""
    with translation.override("zh-hans"):
        text = translation.ngettext(message, plural, n) if plural else translation.gettext(message)
    assert text != (message if n == 1 or not plural else plural), f"not translated: {message!r}"
    return text % params if params else text


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def staff(db) -> Org:
    """The source's organisation, as `tests.conftest.org`, but every person can sign in
    with PASSWORD (a journey signs each person in with their own login)."""
    return build_org(password=PASSWORD)
