"""Production settings fail closed and pass Django's deployment checklist."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

MANAGE = [sys.executable, str(settings.BASE_DIR / "manage.py")]


def run_with(env_overrides: dict, *args: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    return subprocess.run(
        [*MANAGE, *args], env=env, capture_output=True, text=True, check=False, timeout=120
    )


@pytest.fixture
def production_env(tmp_path):
    return {
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "tracker.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "ADMIN_URL": "editors-desk/",
    }


def test_production_refuses_to_start_without_a_secret_key(production_env):
    del production_env["SECRET_KEY"]
    result = run_with(production_env, "check")
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_production_passes_check_deploy_with_no_warnings(production_env):
    result = run_with(production_env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_debug_is_off_even_if_asked(production_env):
    production_env["DEBUG"] = "true"
    result = run_with(
        production_env,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEBUG, settings.ADMIN_URL)",
    )
    assert result.stdout.split() == ["False", "editors-desk/"], result.stderr


def test_production_requires_two_factor_reads_admins_and_starts_sentry(production_env):
    production_env.update(
        {
            "ADMINS": "Duty editor <duty@example.org>, ops@example.org",
            # A DSN on a closed local port: the client starts; nothing is sent unless an error is.
            "SENTRY_DSN": "http://publickey@127.0.0.1:9/1",
        }
    )
    script = (
        "import sentry_sdk; from django.conf import settings; "
        "print(settings.TWO_FACTOR_REQUIRED, settings.TRUSTED_PROXY_COUNT, "
        "settings.LOGGING['handlers']['console']['formatter'], "
        "sentry_sdk.get_client().is_active()); "
        "print(settings.ADMINS)"
    )
    result = run_with(production_env, "shell", "--no-imports", "-c", script)
    first, second = result.stdout.strip().splitlines()
    assert first.split() == ["True", "1", "json", "True"], result.stderr
    assert second == "[('Duty editor', 'duty@example.org'), ('', 'ops@example.org')]"


def test_the_jinja2_day_month_year_filter_writes_dates_as_djangos_date_filter_does():
    """The list's rows (Jinja2) write "j M Y" dates without Django's formatter: the same text."""
    import datetime

    from django.template.defaultfilters import date

    from config.jinja2 import day_month_year

    day = datetime.date(2024, 1, 1)
    while day < datetime.date(2025, 1, 1):
        assert day_month_year(day) == date(day, "j M Y")
        day += datetime.timedelta(days=1)
    assert day_month_year(None) == date(None, "j M Y") == ""


def test_check_deploy_warns_while_the_admin_is_at_the_default_address(production_env):
    del production_env["ADMIN_URL"]
    result = run_with(production_env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "accounts.W001" in result.stderr + result.stdout
