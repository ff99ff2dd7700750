import os
import subprocess
import sys

from django.conf import settings

SCRIPT = "import django; django.setup()"


def run_with(environment: dict) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.config.settings.production", **environment}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True
    )


def test_production_refuses_debug():
    result = run_with({"DJANGO_DEBUG": "true", "DJANGO_SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off" in result.stderr


def test_production_refuses_the_default_secret_key():
    result = run_with({"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_the_demo_claveunica_secret():
    result = run_with({"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "k" * 50, "CLAVEUNICA_CLIENT_SECRET": ""})
    assert result.returncode != 0
    assert "CLAVEUNICA_CLIENT_SECRET" in result.stderr


def test_production_starts_when_configured():
    result = run_with({"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "k" * 50, "CLAVEUNICA_CLIENT_SECRET": "s" * 40})
    assert result.returncode == 0, result.stderr
