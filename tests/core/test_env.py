"""Strict settings: a bad value stops start-up with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from accord import env

ACCORD = str(Path(sys.executable).with_name("accord"))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("False", False), ("1", True), ("0", False), ("yes", True), ("off", False)],
)
def test_env_bool_accepts_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("ACCORD_X", raw)
    assert env.env_bool("ACCORD_X", not expected) is expected


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("ACCORD_X", "maybe")
    with pytest.raises(ImproperlyConfigured) as error:
        env.env_bool("ACCORD_X", False)
    assert str(error.value) == "ACCORD_X='maybe' is not a boolean: use true or false."


def test_unset_and_blank_values_take_the_default(monkeypatch):
    monkeypatch.delenv("ACCORD_X", raising=False)
    assert env.env_int("ACCORD_X", 3) == 3
    monkeypatch.setenv("ACCORD_X", "  ")
    assert env.env_list("ACCORD_X", ["a"]) == ["a"]


def test_env_int_checks_number_and_range(monkeypatch):
    monkeypatch.setenv("ACCORD_X", "3d")
    with pytest.raises(ImproperlyConfigured, match=r"^ACCORD_X='3d' is not a whole number\.$"):
        env.env_int("ACCORD_X", 3)
    monkeypatch.setenv("ACCORD_X", "0")
    with pytest.raises(ImproperlyConfigured, match="must be between 1 and 60"):
        env.env_int("ACCORD_X", 3, minimum=1, maximum=60)
    monkeypatch.setenv("ACCORD_X", "7")
    assert env.env_int("ACCORD_X", 3, minimum=1, maximum=60) == 7


def test_env_list_refuses_empty_items(monkeypatch):
    monkeypatch.setenv("ACCORD_X", "a.example,,b.example")
    with pytest.raises(ImproperlyConfigured, match="has an empty item"):
        env.env_list("ACCORD_X", [])
    monkeypatch.setenv("ACCORD_X", "a.example, b.example")
    assert env.env_list("ACCORD_X", []) == ["a.example", "b.example"]


def test_env_time_zone_and_choice(monkeypatch):
    monkeypatch.setenv("ACCORD_X", "Europe/Berlin")
    assert env.env_time_zone("ACCORD_X", "Asia/Shanghai") == "Europe/Berlin"
    monkeypatch.setenv("ACCORD_X", "Mars/Base")
    with pytest.raises(ImproperlyConfigured, match="not an IANA time zone"):
        env.env_time_zone("ACCORD_X", "Asia/Shanghai")
    monkeypatch.setenv("ACCORD_X", "fr")
    with pytest.raises(ImproperlyConfigured, match=r"'fr' is not one of: zh-hans, en\."):
        env.env_choice("ACCORD_X", "zh-hans", ("zh-hans", "en"))


def test_env_database_sqlite_gets_wal_and_postgres_keeps_connections(monkeypatch):
    monkeypatch.setenv("ACCORD_X", "sqlite:////tmp/accord.sqlite3")
    sqlite = env.env_database("ACCORD_X", "")
    assert sqlite["NAME"] == "/tmp/accord.sqlite3"
    assert "journal_mode=WAL" in sqlite["OPTIONS"]["init_command"]
    monkeypatch.setenv("ACCORD_X", "postgres://u:p@db.internal:5433/accord")
    postgres = env.env_database("ACCORD_X", "")
    assert (postgres["HOST"], postgres["PORT"], postgres["NAME"]) == ("db.internal", 5433, "accord")
    assert postgres["CONN_MAX_AGE"] == 600
    monkeypatch.setenv("ACCORD_X", "mysql://u@h/db")
    with pytest.raises(ImproperlyConfigured, match="SQLite or PostgreSQL only"):
        env.env_database("ACCORD_X", "")


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("ACCORD_DEBUG", "maybe", "ACCORD_DEBUG='maybe' is not a boolean"),
        ("ACCORD_TIME_ZONE", "Mars/Base", "ACCORD_TIME_ZONE='Mars/Base' is not an IANA time zone"),
        ("ACCORD_LANGUAGE", "fr", "ACCORD_LANGUAGE='fr' is not one of: zh-hans, en."),
        (
            "ACCORD_REMINDER_DAYS_BEFORE",
            "three",
            "ACCORD_REMINDER_DAYS_BEFORE='three' is not a whole number.",
        ),
        ("ACCORD_DATABASE_URL", "foo://x", "ACCORD_DATABASE_URL='foo://x' is not a database URL"),
    ],
)
def test_the_command_stops_with_the_variable_named(tmp_path, variable, value, message):
    environment = {**os.environ, variable: value, "ACCORD_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [ACCORD, "check"], env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stderr.startswith("accord: configuration error: ")


def test_secret_key_is_generated_once_into_var(tmp_path):
    environment = {**os.environ, "ACCORD_VAR_DIR": str(tmp_path)}
    environment.pop("ACCORD_SECRET_KEY", None)
    environment.pop("ACCORD_DATABASE_URL", None)
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    runs = [
        subprocess.run(
            [ACCORD, "shell", "-c", code],
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
        )
        for _ in range(2)
    ]
    key = (tmp_path / "secret_key").read_text().strip()
    assert len(key) >= 50
    assert [run.stdout.strip().splitlines()[-1] for run in runs] == [key, key]
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_check_deploy_is_clean_in_production_settings(tmp_path):
    # A production process never runs with the browser tests' async escape hatch.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {
        **inherited,
        "ACCORD_VAR_DIR": str(tmp_path),
        "ACCORD_HTTPS": "true",
        "ACCORD_DEBUG": "false",
        "ACCORD_SECRET_KEY": "k3Y-" + "x7Qm9vTz2LpR8sWc4NbE6yHa1JuF5oKd0GiS" * 2,
        "ACCORD_ALLOWED_HOSTS": "accord.example.com",
    }
    result = subprocess.run(
        [ACCORD, "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
