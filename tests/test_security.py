"""Staff sign-in and the headers every page sends: lockout after repeated wrong passwords (per
username and per address, behind a proxy too), two-factor sign-in with an authenticator app or a
recovery code, the idle timeout, the minimum password length, the security headers, the request
id on every response and every log line."""

import datetime
import io
import json
import logging
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.policy import RECOVERY_CODES
from commitments.models import Status
from config.settings.base import client_address
from tests.commitments.factories import event, published_commitment
from tests.sources.factories import SourceDocumentFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
INDEX = reverse("admin:index")
TWO_FACTOR = reverse("admin:two_factor")
PASSWORD = "correct horse battery staple"  # the conftest users' password


def sign_in(client, username, password=PASSWORD, code="", **headers):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "otp_token": code, "next": INDEX},
        headers=headers,
    )


def code_for(device, steps_ahead=0) -> str:
    """The code the user's app shows now (or `steps_ahead` 30-second steps later: the device
    accepts one step of drift, and never the same step twice)."""
    number = totp(device.bin_key, step=device.step, t0=device.t0 - 30 * steps_ahead)
    return f"{number:06d}"


# -- lockout ---------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_username_even_against_the_right_one(
    client, editor, settings, caplog
):
    caplog.set_level(logging.WARNING, logger="axes")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "editor", "wrong password 123")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    locked = sign_in(client, "editor", "wrong password 123")
    assert locked.status_code == 429
    assert "Sign-in is paused" in locked.content.decode()
    right = sign_in(Client(REMOTE_ADDR="198.51.100.7"), "editor")  # another address, too
    assert right.status_code == 429
    assert "_auth_user_id" not in right.wsgi_request.session
    failures = [r.getMessage() for r in caplog.records if "login failure" in r.getMessage()]
    assert len(failures) >= settings.AXES_FAILURE_LIMIT
    assert "editor" in failures[0]


def test_wrong_passwords_from_one_address_lock_that_address_for_every_username(
    client, editor, reviewer, settings
):
    for i in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess{i}", "wrong password 123")
    assert sign_in(client, "reviewer").status_code == 429
    elsewhere = sign_in(Client(REMOTE_ADDR="198.51.100.8"), "reviewer")
    assert elsewhere.status_code == 302  # the username itself was never tried


def test_behind_the_proxy_the_address_it_saw_is_the_one_locked(client, editor, settings):
    """Behind one proxy (production's default), the address the proxy appended to
    X-Forwarded-For is the client's; whatever the client wrote before it is ignored, so an
    attacker cannot dodge the lock by making up a new address each time."""
    for name, value in client_address(1).items():
        setattr(settings, name, value)
    for i in range(settings.AXES_FAILURE_LIMIT):
        made_up = f"10.9.8.{i}, 203.0.113.9"  # the attacker's own words, then the proxy's
        sign_in(client, f"guess{i}", "wrong password 123", **{"X-Forwarded-For": made_up})
    assert AccessAttempt.objects.filter(ip_address="203.0.113.9").exists()
    again = {"X-Forwarded-For": "10.1.1.1, 203.0.113.9"}
    assert sign_in(client, "editor", **again).status_code == 429
    # Another client behind the same proxy (the same REMOTE_ADDR) is not locked.
    assert sign_in(client, "editor", **{"X-Forwarded-For": "192.0.2.44"}).status_code == 302


def test_a_right_password_before_the_limit_clears_the_count(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "editor", "wrong password 123")
    assert sign_in(client, "editor").status_code == 302
    client.logout()
    assert sign_in(client, "editor", "wrong password 123").status_code == 200


def test_the_superuser_sees_the_attempts_in_the_admin(client, admin_client, editor):
    sign_in(client, "editor", "wrong password 123")
    assert AccessFailureLog.objects.filter(username="editor").exists()
    page = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200
    assert "editor" in page.content.decode()
    log = admin_client.get(reverse("admin:axes_accessfailurelog_changelist"))
    assert "editor" in log.content.decode()


# -- passwords -------------------------------------------------------------------------------


def test_passwords_need_twelve_characters(django_user_model):
    user = django_user_model(username="newcomer")
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Tr4ck3r!x2z", user)  # 11
    validate_password("Tr4ck3r!x2zq", user)  # 12


# -- two-factor ------------------------------------------------------------------------------


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def test_a_reviewer_must_set_up_two_factor_before_the_admin_opens(client, reviewer, required):
    response = sign_in(client, "reviewer")
    assert response.status_code == 302
    assert response["Location"] == TWO_FACTOR
    # Nothing else of the admin opens before.
    assert client.get(INDEX).status_code == 302
    assert client.get(reverse("admin:desk_draft_add")).status_code == 302
    setup = client.get(TWO_FACTOR)
    html = setup.content.decode()
    assert setup.status_code == 200
    assert "<svg" in html  # the QR code, drawn inline
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', html).group(1)
    assert secret.replace(" ", "") in device.config_url
    wrong = client.post(TWO_FACTOR, {"action": "confirm", "token": "000000"})
    assert "does not match" in wrong.content.decode()
    at_once = client.post(TWO_FACTOR, {"action": "confirm", "token": code_for(device)})
    assert "Too many wrong codes in a row" in at_once.content.decode()  # throttled
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)  # waited
    done = client.post(TWO_FACTOR, {"action": "confirm", "token": code_for(device)})
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())
    assert len(codes) == RECOVERY_CODES
    assert "they are not shown again" in done.content.decode()
    assert client.get(INDEX).status_code == 200
    # Next time, the password alone is not enough.
    client.logout()
    without = sign_in(client, "reviewer")
    assert without.status_code == 200
    assert "Enter the code from your authenticator app" in without.content.decode()
    assert sign_in(client, "reviewer", code=code_for(device, steps_ahead=1)).status_code == 302
    assert client.get(INDEX).status_code == 200


def test_a_wrong_code_is_refused_and_the_password_is_not_written_back(client, reviewer):
    TOTPDevice.objects.create(user=reviewer, name="app", confirmed=True)
    response = sign_in(client, "reviewer", code="123456")
    html = response.content.decode()
    assert response.status_code == 200
    assert "That code is not valid" in html
    assert PASSWORD not in html
    assert client.get(INDEX).status_code == 302


def test_a_recovery_code_signs_in_once(client, reviewer, required):
    device = TOTPDevice.objects.create(user=reviewer, name="app", confirmed=True)
    sign_in(client, "reviewer", code=code_for(device))
    codes = re.findall(
        r"<li><code>([a-z0-9]+)</code></li>",
        client.post(TWO_FACTOR, {"action": "recovery"}).content.decode(),
    )
    assert len(codes) == RECOVERY_CODES
    assert StaticToken.objects.filter(device__user=reviewer).count() == RECOVERY_CODES
    client.logout()
    assert sign_in(client, "reviewer", code=codes[0]).status_code == 302
    assert client.get(INDEX).status_code == 200
    client.logout()
    again = sign_in(client, "reviewer", code=codes[0])
    assert again.status_code == 200
    assert "That code is not valid" in again.content.decode()


def test_an_editor_may_sign_in_without_two_factor(client, editor, required):
    assert sign_in(client, "editor").status_code == 302
    assert client.get(INDEX).status_code == 200
    assert "Two-factor sign-in" in client.get(TWO_FACTOR).content.decode()


def test_outside_production_two_factor_is_optional_for_superusers(client, admin_user):
    assert sign_in(client, "admin", "password").status_code == 302
    assert client.get(INDEX).status_code == 200


# -- idle timeout ----------------------------------------------------------------------------


def test_a_staff_session_ends_after_the_idle_timeout_and_each_request_extends_it(
    client, editor, settings
):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    sign_in(client, "editor")
    session = Session.objects.get()
    soon = timezone.now() + datetime.timedelta(minutes=1)
    Session.objects.filter(pk=session.pk).update(expire_date=soon)
    assert client.get(INDEX).status_code == 200
    extended = Session.objects.get(pk=session.pk).expire_date
    assert extended > timezone.now() + datetime.timedelta(minutes=29)
    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(INDEX)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_the_public_site_keeps_no_session(client, settings):
    commitment = published_commitment(title="Casey audit", slug="casey")
    event(commitment, datetime.date(2025, 1, 16), new_status=Status.ANNOUNCED)
    for path in ("/", "/commitments/", "/commitments/casey/"):
        response = client.get(path)
        assert settings.SESSION_COOKIE_NAME not in response.cookies, path
    assert not Session.objects.exists()


# -- headers ---------------------------------------------------------------------------------


def public_addresses():
    commitment = published_commitment(title="Casey audit", slug="casey")
    event(commitment, datetime.date(2025, 1, 16), new_status=Status.ANNOUNCED)
    source = SourceDocumentFactory()
    return {
        "home": "/",
        "list": "/commitments/?status=announced",
        "detail": "/commitments/casey/",
        "past": "/commitments/casey/?as_of=2025-02-01",
        "funding": "/funding/",
        "changes": "/changes/",
        "corrections": "/corrections/",
        "methodology": "/methodology/",
        "sources": "/sources/",
        "source": f"/sources/{source.pk}/",
        "csv": "/export/commitments.csv",
        "xlsx": "/export/commitments.xlsx",
        "api": "/api/commitments/",
        "feed": "/feeds/updates.atom",
        "health": "/healthz/",
        "not found": "/no-such-page/",
        "bad filter": "/commitments/?status=nonsense",
        "static": "/static/css/site.css",
        "favicon": "/favicon.ico",
    }


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_every_public_page_sends_the_strict_policy_and_the_other_headers(client):
    for name, path in public_addresses().items():
        response = client.get(path)
        assert response.status_code in (200, 400, 404), (name, response.status_code)
        if name in ("static", "favicon"):  # files WhiteNoise serves before any middleware
            assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", name
            continue
        policy = directives(response["Content-Security-Policy"])
        assert policy["default-src"] == "'self'", name
        assert policy["script-src"] == "'none'", name
        assert policy["style-src"] == "'self'", name
        assert policy["frame-ancestors"] == "'none'", name
        assert policy["base-uri"] == "'none'", name
        assert "camera=()" in response["Permissions-Policy"], name
        assert "geolocation=()" in response["Permissions-Policy"], name
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["X-Request-ID"], name


def test_admin_pages_allow_the_admins_own_scripts_and_nothing_from_elsewhere(admin_client, client):
    for c, path in (
        (client, LOGIN),
        (admin_client, INDEX),
        (admin_client, reverse("admin:commitments_commitment_changelist")),
        (admin_client, reverse("admin:desk_draft_add")),
        (admin_client, TWO_FACTOR),
    ):
        response = c.get(path)
        assert response.status_code == 200, path
        policy = directives(response["Content-Security-Policy"])
        assert policy["script-src"] == "'self'", path
        assert policy["default-src"] == "'self'", path
        assert "unsafe-inline" not in response["Content-Security-Policy"], path
        assert "camera=()" in response["Permissions-Policy"], path


def test_no_template_writes_an_inline_style_or_script(settings):
    """The policy forbids them, so a page that relied on one would break silently."""
    offenders = []
    for folder in (settings.BASE_DIR / "templates", settings.BASE_DIR / "accounts"):
        for template in folder.rglob("*.html"):
            text = template.read_text()
            if re.search(r"\sstyle=\"|<script(?![^>]*\bsrc=)(?![^>]*application/json)", text):
                offenders.append(str(template))
    for template in (settings.BASE_DIR / "templates").rglob("*.jinja"):
        if re.search(r"\sstyle=\"|<script", template.read_text()):
            offenders.append(str(template))
    assert not offenders


# -- request ids and logs --------------------------------------------------------------------


def test_a_request_id_from_the_proxy_is_kept_and_one_is_made_otherwise(client):
    given = client.get("/healthz/", headers={"X-Request-ID": "proxy-4f2a9c"})
    assert given["X-Request-ID"] == "proxy-4f2a9c"
    made = client.get("/healthz/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)


def test_each_request_is_one_json_log_line_with_its_request_id(client, settings):
    """As production writes them (LOG_FORMAT=json): the settings' own filter and formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    config = settings.LOGGING
    handler.addFilter(_filter(config["filters"]["request_id"]))
    handler.setFormatter(_formatter(config["formatters"]["json"]))
    logger = logging.getLogger("tracker.request")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)  # as production logs (the suite does not)
    try:
        client.get("/commitments/", headers={"X-Request-ID": "req-777"})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == "req-777"
    assert line["path"] == "/commitments/"
    assert line["status"] == 200
    assert line["method"] == "GET"
    assert line["level"] == "INFO"
    assert isinstance(line["duration_ms"], float)


def _filter(spec):
    return import_string(spec["()"])()


def _formatter(spec):
    options = {k: v for k, v in spec.items() if k not in ("()", "format")}
    return import_string(spec["()"])(spec["format"], **options)


def test_the_admin_index_links_to_the_two_factor_page(client, editor):
    client.force_login(editor)
    assert f'href="{TWO_FACTOR}"' in client.get(INDEX).content.decode()
