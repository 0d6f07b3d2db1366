"""The Tokens page: list, create (the text shown once), revoke; and what a token then does
at the API."""

import datetime as dt
import hashlib
import re

import pytest
from api.conftest import bearer
from conftest import NOW
from django.test import Client

from accord.api.models import ApiToken
from accord.api.services import token_create
from accord.core import clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def zhou(world, client):
    client.force_login(world.org.zhou)
    return client


def created_text(response) -> str:
    match = re.search(r"<code data-token-text>([^<]+)</code>", response.content.decode())
    assert match, "the new token's text is on the page"
    return match.group(1)


def test_the_page_lists_my_tokens_only(world, zhou):
    mine, text = token_create(actor=world.org.zhou, name="OA同步")
    theirs, _ = token_create(actor=world.org.li, name="李的脚本")
    mine.revoked_at = NOW
    mine.save()
    response = zhou.get("/api-tokens/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-token="{mine.pk}"' in page
    assert "OA同步" in page
    assert f"{mine.prefix}…" in page
    assert "Revoked 2026-09-07 09:00" in page
    assert "never" in page
    assert f'data-token="{theirs.pk}"' not in page and "李的脚本" not in page
    assert text not in page
    assert 'href="/api-tokens/"' in page  # the link in the top bar


def test_creating_shows_the_text_once_and_stores_only_its_hash(world, zhou):
    response = zhou.post("/api-tokens/", {"name": "BI报表"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = created_text(response)
    token = ApiToken.objects.get(person=world.org.zhou)
    assert (token.name, token.revoked_at, token.last_used_at) == ("BI报表", None, None)
    assert text.startswith(token.prefix + "_")
    assert token.hashed == hashlib.sha256(text.encode()).hexdigest()
    stored = [str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields]
    assert not any(text in value for value in stored)

    again = zhou.get("/api-tokens/").content.decode()
    assert "BI报表" in again and token.prefix in again
    assert text not in again and "data-token-text" not in again

    api = bearer(text)
    assert api.get("/api/v1/me").json()["id"] == world.org.zhou.pk


def test_last_use_is_recorded(world, zhou):
    token, text = token_create(actor=world.org.zhou, name="机器人")
    assert bearer(text).get("/api/v1/me").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == NOW
    later = NOW + dt.timedelta(hours=2)
    with clock.frozen(later):
        bearer(text).get("/api/v1/actions")
    token.refresh_from_db()
    assert token.last_used_at == later
    assert "2026-09-07 11:00" in zhou.get("/api-tokens/").content.decode()


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_bad_name_creates_nothing(world, zhou, name):
    response = zhou.post("/api-tokens/", {"name": name})
    assert response.status_code == 422
    assert 'class="field invalid"' in response.content.decode()
    assert "data-token-text" not in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_creating_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.org.zhou)
    response = client.post("/api-tokens/", {"name": "无CSRF"})
    assert response.status_code == 403
    assert ApiToken.objects.count() == 0


def test_revoking_a_token_locks_it_out_of_the_api(world, zhou):
    token, text = token_create(actor=world.org.zhou, name="旧集成")
    assert bearer(text).get("/api/v1/actions").status_code == 200
    response = zhou.post(f"/api-tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert response["Location"] == "/api-tokens/"
    token.refresh_from_db()
    assert token.revoked_at == NOW
    refused = bearer(text).get("/api/v1/actions")
    assert refused.status_code == 401
    assert refused.json()["code"] == "unauthenticated"
    write = bearer(text).post("/api/v1/notifications/read-all")
    assert write.status_code == 401
    page = zhou.get("/api-tokens/").content.decode()
    assert "Token 旧集成 is revoked: calls with it are refused." in page
    assert f'action="/api-tokens/{token.pk}/revoke/"' not in page


def test_nobody_revokes_anothers_token(world, zhou):
    theirs, text = token_create(actor=world.org.li, name="李的脚本")
    assert zhou.post(f"/api-tokens/{theirs.pk}/revoke/").status_code == 404
    assert zhou.post("/api-tokens/999999/revoke/").status_code == 404
    assert zhou.get(f"/api-tokens/{theirs.pk}/revoke/").status_code == 405
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert bearer(text).get("/api/v1/me").status_code == 200


def test_revoking_needs_the_csrf_token(world):
    token, _ = token_create(actor=world.org.zhou, name="脚本")
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.org.zhou)
    assert client.post(f"/api-tokens/{token.pk}/revoke/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_page_needs_signing_in(world):
    response = Client().get("/api-tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert Client().post("/api-tokens/", {"name": "x"}).status_code == 302
    assert ApiToken.objects.count() == 0


def test_a_wrong_or_malformed_token_is_401(world, tokens):
    for text in ("acc_00000000_nope", "garbage", tokens["participant"] + "x", ""):
        response = Client(HTTP_AUTHORIZATION=f"Bearer {text}").get("/api/v1/me")
        assert response.status_code == 401


@pytest.mark.parametrize("count", [1, 25])
def test_page_query_count_is_constant(world, zhou, django_assert_num_queries, count):
    for i in range(count):
        token_create(actor=world.org.zhou, name=f"令牌{i}")
    zhou.get("/api-tokens/")
    # session, person, the tokens, the unread notices on the bell
    with django_assert_num_queries(4):
        response = zhou.get("/api-tokens/")
    assert response.content.decode().count("data-token=") == count
