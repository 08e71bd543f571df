"""Settings come from the environment and fail fast (STYLE.md 17)."""

import os
import subprocess
import sys

import pytest


def load_settings(**environment) -> subprocess.CompletedProcess:
    env = {
        key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}
    }
    env.update(environment)
    code = "import duikou.config.settings as s; print(s.DATABASES['default']['ENGINE'], s.DEBUG)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)


def test_defaults_run_on_sqlite_with_debug():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


def test_production_without_a_secret_key_refuses_to_start():
    result = load_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_database_url_selects_postgresql():
    result = load_settings(DEBUG="0", SECRET_KEY="x" * 50, DATABASE_URL="postgres://u@db.example:5432/duikou")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False"]


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_boolean_that_is_not_one_is_refused(value):
    result = load_settings(DEBUG=value)
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr
