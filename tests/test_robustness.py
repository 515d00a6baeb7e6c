"""No input stops a public page: every endpoint answers bad input with a 4xx in its own format.

A fixed matrix of every public URL against inputs that once gave a 500, then hypothesis over
random query strings (unknown keys, huge and unicode values, NUL, invalid dates, years 1 and
9999, search operators). HTML error pages never echo input unescaped; API errors are JSON,
export and feed errors plain text. Anything but GET and HEAD is a 405.
"""

import json
import os
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commitments.models import Commitment
from sources.models import SourceDocument

pytestmark = pytest.mark.django_db

EXAMPLES = 40 if os.environ.get("CI") else 150

PARAMETERS = [
    "q",
    "as_of",
    "status",
    "theme",
    "department",
    "overdue",
    "has_funding",
    "announced_after",
    "announced_before",
    "sort",
    "page",
    "kind",
    "provenance",
    "published_after",
    "published_before",
    "stage",
]

# Inputs that broke some endpoint once (issue 10), and their neighbours.
FIXED_INPUTS = [
    {"as_of": "0001-01-01"},
    {"as_of": "0001-06-30"},
    {"as_of": "9999-12-31"},
    {"as_of": "2025-02-30"},
    {"q": "-"},
    {"q": '"'},
    {"q": "--"},
    {"q": "- -"},
    {"q": '"" -'},
    {"q": "or"},
    {"q": "!@#$%^&*()"},
    {"q": "a\x00b"},
    {"page": "0"},
    {"page": "-1"},
    {"page": "99999999999999999999"},
    {"announced_after": "0001-01-01", "announced_before": "9999-12-31"},
    {"published_after": "9999-12-31"},
    {"status": "nope", "sort": "nope"},
    {"sort": "-" * 500},
]


def public_urls() -> list[str]:
    slug = Commitment.objects.published().values_list("slug", flat=True).first()
    source = SourceDocument.objects.values_list("pk", flat=True).first()
    return [
        "/",
        "/commitments/",
        f"/commitments/{slug}/",
        "/funding/",
        "/methodology/",
        "/sources/",
        f"/sources/{source}/",
        "/export/commitments.csv",
        "/export/announcements.csv",
        "/export/funding.csv",
        "/export/sources.csv",
        "/export/citations.csv",
        "/feeds/updates.atom",
        f"/feeds/commitments/{slug}.atom",
        "/api/commitments/",
        f"/api/commitments/{slug}/",
        "/api/sources/",
        f"/api/sources/{source}/",
        "/healthz/",
    ]


def read(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def assert_answered(url: str, params, response) -> None:
    """No 5xx, and an error answered in the endpoint's own format, never echoing raw input."""
    body = read(response)
    where = f"{url}?{urlencode(params, doseq=True)}"
    assert response.status_code < 500, f"{response.status_code} for {where}"
    if response.status_code < 400:
        return
    content_type = response["Content-Type"]
    if url.startswith("/api/"):
        assert content_type.startswith("application/json"), where
        assert "error" in json.loads(body), where
    elif url.startswith(("/export/", "/feeds/", "/healthz/")):
        assert content_type.startswith("text/plain"), where
    else:
        assert content_type.startswith("text/html"), where
        for value in params.values() if isinstance(params, dict) else ():
            values = value if isinstance(value, list) else [value]
            for raw in values:
                # Long enough that finding it verbatim means it was echoed, not coincidence.
                if "<" in raw and len(raw) >= 8:
                    assert raw not in body, f"unescaped input echoed by {where}"


def test_fixed_matrix_of_urls_and_inputs(curated):
    client = Client(raise_request_exception=False)
    failures = []
    for url in public_urls():
        for params in FIXED_INPUTS:
            try:
                assert_answered(url, params, client.get(url, params))
            except AssertionError as error:
                failures.append(str(error).splitlines()[0])
    assert failures == [], "\n".join(failures)


values = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=0, max_size=300),
    st.sampled_from(["0001-01-01", "9999-12-31", "2025-13-01", "2025-00-10", "1-1-1", "-"]),
    st.dates().map(str),
    st.integers().map(str),
    st.sampled_from(['"a b" -c', "or -", "<script>alert(1)</script>", "a & b | !c", "*", "'"]),
    st.sampled_from(["<b id=probe>", '"><img src=x onerror=alert(1)>', "</title><script>x"]),
    st.just("x" * 5000),
)
query_strings = st.dictionaries(
    st.one_of(st.sampled_from(PARAMETERS), st.text(min_size=1, max_size=12)),
    st.one_of(values, st.lists(values, min_size=1, max_size=3)),
    max_size=5,
)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), params=query_strings)
def test_random_query_strings_never_give_a_server_error(curated, data, params):
    url = data.draw(st.sampled_from(public_urls()))
    client = Client(raise_request_exception=False)
    assert_answered(url, params, client.get(url, params))


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_only_get_and_head_are_answered(curated, method):
    client = Client(enforce_csrf_checks=True)
    for url in public_urls():
        response = getattr(client, method)(url)
        assert response.status_code == 405, f"{method.upper()} {url}: {response.status_code}"
        assert sorted(response["Allow"].replace(" ", "").split(",")) == ["GET", "HEAD"], url
    for url in public_urls():
        assert client.head(url).status_code == 200, url


@pytest.mark.parametrize("debug", [False, True])  # the dev server's debug page gave a 500
def test_too_many_parameters_is_a_400_not_a_500(curated, settings, debug):
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    query = "&".join(f"k{n}=1" for n in range(1500))
    for url in public_urls():
        response = client.get(f"{url}?{query}")
        assert_answered(url, {}, response)
        assert response.status_code == 400, url


def test_the_apps_connections_run_without_parallel_query_unless_asked():
    """PG_MAX_PARALLEL_WORKERS_PER_GATHER (default 0) reaches PostgreSQL's own setting."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("parallel query is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"


def test_a_statement_that_runs_too_long_is_stopped_and_answered_with_a_503(client, monkeypatch):
    """A pathological request cannot hold a worker: PostgreSQL cancels a statement after the
    web processes' statement timeout, and the page says so (503, Retry-After), not a 500. The
    next request is served as usual."""
    from django.conf import settings
    from django.db import connection

    from commitments.views import MethodologyView

    if connection.vendor != "postgresql":
        pytest.skip("the statement timeout is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == f"{settings.STATEMENT_TIMEOUT_MS // 1000}s"

    def slow(self, **kwargs):
        with connection.cursor() as cursor:  # as if a query ran past the timeout
            cursor.execute("SET LOCAL statement_timeout = 50")
            cursor.execute("SELECT pg_sleep(5)")
        return {}

    monkeypatch.setattr(MethodologyView, "get_context_data", slow)
    response = client.get("/methodology/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "took too long to prepare and was stopped" in response.content.decode()
    monkeypatch.undo()
    assert client.get("/methodology/").status_code == 200
    with connection.cursor() as cursor:  # the request's own setting went with its transaction
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == f"{settings.STATEMENT_TIMEOUT_MS // 1000}s"


def test_commands_run_without_the_web_statement_timeout():
    """Migrations and imports may run long statements: manage.py marks its process as a command,
    and the settings then add no statement timeout."""
    import subprocess
    import sys

    script = (
        "import django, os; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default'].get('OPTIONS', {}).get('options', ''))"
    )
    env = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x",
           "DJANGO_SETTINGS_MODULE": "config.settings.test"}  # fmt: skip
    web = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert "statement_timeout=5000" in web.stdout, web.stderr
    command = subprocess.run(
        [sys.executable, "-c", script], env={**env, "TRACKER_COMMAND": "1"},
        capture_output=True, text=True,
    )  # fmt: skip
    assert "statement_timeout" not in command.stdout
    assert "jit=off" in command.stdout
    shown = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    manage = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", shown], env=env, capture_output=True,
        text=True, cwd=Path(__file__).resolve().parents[1],
    )  # fmt: skip
    assert "jit=off" in manage.stdout, manage.stderr
    assert "statement_timeout" not in manage.stdout
    production = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.production",
                  "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org"}  # fmt: skip
    served = subprocess.run([sys.executable, "-c", script], env=production, capture_output=True,
                            text=True)  # fmt: skip
    # The production settings keep every option of the base ones (they once rebuilt the
    # connection from DATABASE_URL and lost them all).
    assert "jit=off" in served.stdout, served.stderr
    assert "max_parallel_workers_per_gather=0" in served.stdout
    assert "statement_timeout=5000" in served.stdout
