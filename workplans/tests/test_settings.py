"""Start-up refuses what the deployment check calls weak (run in a fresh interpreter each time)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def start(secret_key: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "example.org",
        "DJANGO_SETTINGS_MODULE": "accsm.settings",
    }
    code = "import django; django.setup()"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "key",
    [
        "k3y-" + "abcdefghij" * 4 + "12345",  # 49 characters: long enough before, weak for Django
        "ab" * 30,  # 60 characters, 2 distinct
        "django-insecure-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH",
    ],
)
def test_a_weak_key_is_refused_at_start_up_with_the_deploy_checks_words(key):
    result = start(key)
    assert result.returncode != 0
    assert "SECRET_KEY is weak" in result.stderr
    assert "less than 50 characters, less than 5 unique characters" in result.stderr


def test_a_strong_key_starts():
    result = start("Xq7-" + "abcdefghijklmnopqrstuvwxyz0123456789" + "ABCDEFGHIJKLMN")
    assert result.returncode == 0, result.stderr


def test_the_checks_of_the_database_in_use_find_nothing_to_warn_about(db):
    """On SQLite too (which keeps a covering index's keys and leaves its INCLUDE columns to
    PostgreSQL), `manage.py check --database default` and runserver print no warning."""
    from django.core.management import call_command

    call_command("check", databases=["default"], fail_level="WARNING")
