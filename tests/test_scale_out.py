"""Two app servers, one database, one shared cache, run for real: two gunicorn instances
(production settings) on one PostgreSQL database with the page cache in Redis. An editor signs
in (password and app code) through one and is signed in on the other; an edit saved through one
is on the other's next page, though that page was cached a moment before.

Needs PostgreSQL (CI's database) and Redis at REDIS_URL (default redis://127.0.0.1:6379; this
machine runs one; elsewhere `redis-server --port 6379 --save ''` starts one); skipped on SQLite."""

import datetime
import http.client
import os
import re
import secrets
import subprocess
import sys
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
import redis
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from commitments.models import Status
from ops.serving import HEADERS, Gunicorn
from tests.commitments.factories import event, published_commitment

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379")
CACHE_DB = 7  # a Redis database of its own, emptied before and after

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the servers see committed rows only
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="two app servers need PostgreSQL"
    ),
]


@pytest.fixture
def shared_cache():
    client = redis.Redis.from_url(f"{REDIS_URL}/{CACHE_DB}")
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail(f"no Redis at {REDIS_URL} (see this module's docstring)")
    client.flushdb()
    yield f"{REDIS_URL}/{CACHE_DB}"
    client.flushdb()


class Browser:
    """Just enough of a browser for the admin over http.client: cookies, CSRF, forms."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port, method, path, form=None):
        headers = {**HEADERS, "Referer": f"https://127.0.0.1:{port}{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, dict(response.headers), content
        finally:
            conn.close()

    def form(self, html, selector) -> dict:
        """The fields a browser would send for the form (its defaults, as rendered)."""
        form = BeautifulSoup(html, "html.parser").select_one(selector)
        data: dict[str, list[str]] = {}
        for field in form.select("input, textarea, select"):
            name = field.get("name")
            if not name or field.get("type") in ("submit", "button", "file"):
                continue
            if field.get("type") in ("checkbox", "radio") and not field.has_attr("checked"):
                continue
            if field.name == "textarea":
                value = [field.text.removeprefix("\n")]
            elif field.name == "select":
                value = [o.get("value", o.text) for o in field.select("option[selected]")]
            else:
                value = [field.get("value", "on" if field.get("type") == "checkbox" else "")]
            data.setdefault(name, []).extend(value)
        return data


def test_two_app_servers_share_sign_ins_and_show_each_others_edits_at_once(
    shared_cache, django_user_model, tmp_path
):
    commitment = published_commitment(title="Casey audit", slug="casey")
    event(commitment, datetime.date(2025, 1, 16), new_status=Status.ANNOUNCED)
    # Hashed as production hashes (the test settings' fast hasher is not among its own).
    password = PBKDF2PasswordHasher().encode("a long passphrase 42", "scaleoutsalt")
    chief = django_user_model.objects.create(
        username="chief", password=password, is_staff=True, is_superuser=True
    )
    device = TOTPDevice.objects.create(user=chief, name="app", confirmed=True)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "CACHE_URL": shared_cache,
        "PUBLIC_PAGE_CACHE_SECONDS": "600",
        "SECRET_KEY": secrets.token_urlsafe(50),  # one key for both, as deployed
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "collectstatic", "--no-input"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    browser, reader = Browser(), Browser()
    with (
        Gunicorn(env, 1, tmp_path / "a.log", "/healthz/") as a,
        Gunicorn(env, 1, tmp_path / "b.log", "/healthz/") as b,
    ):
        assert a.port != b.port
        status, _, _ = reader.request(a.port, "GET", "/commitments/casey/")
        assert status == 200
        _, headers, before = reader.request(a.port, "GET", "/commitments/casey/")
        assert headers.get("X-Page-Cache") == "hit"  # A's page is in the shared cache
        assert "Casey audit" in before

        # Sign in through B (password, then the app's code, in one form).
        _, _, login = browser.request(b.port, "GET", "/admin/login/")
        form = browser.form(login, "#login-form")
        form.update(username="chief", password="a long passphrase 42")
        form["otp_token"] = f"{totp(device.bin_key):06d}"
        status, headers, _ = browser.request(b.port, "POST", "/admin/login/", form)
        assert status == 302, re.findall(r"errornote\">(.*?)<", _, re.S)
        # The same session opens the admin on A.
        status, _, index = browser.request(a.port, "GET", "/admin/")
        assert status == 200
        assert "Edit the record" in index

        # Edit through B: the commitment's change form, as the browser would send it.
        change = f"/admin/commitments/commitment/{commitment.pk}/change/"
        _, _, page = browser.request(b.port, "GET", change)
        form = browser.form(page, "#commitment_form")
        form["title"] = ["Baroness Casey's national audit"]
        form["_save"] = ["Save"]
        status, headers, body = browser.request(b.port, "POST", change, form)
        errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', body, re.S)
        assert status == 302, errors

        # A's very next page shows it: the cached copy is no longer served.
        _, headers, after = reader.request(a.port, "GET", "/commitments/casey/")
        assert headers.get("X-Page-Cache") != "hit"
        assert "Baroness Casey&#x27;s national audit" in after
