"""Issue 10, finding 1: two editors saving the same record at the same moment.

Real parallel requests: each editor is a thread with its own database connection, and both
POSTs are released together by a barrier after both editors opened the same version of the
page. Of each pair exactly one save must win, the other must be refused with a message that
says what the winner changed, and the database must hold the winner's edit whole (main fields
and inline rows): no lost update, no half of one editor's form and half of the other's, no 500.
"""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from commitments.models import Announcement, AnnouncementKind, Commitment, Status
from tests.admin_forms import admin_form_data
from tests.commitments.factories import event, published_commitment

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 50


@pytest.fixture
def two_editors(django_user_model):
    clients = []
    for name in ("alice", "bob"):
        user = django_user_model.objects.create_superuser(name, f"{name}@example.org", "x" * 16)
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def race(posts):
    """POST every (client, url, data) at the same moment, each from its own thread."""
    barrier = threading.Barrier(len(posts))
    responses = [None] * len(posts)
    errors = []

    def post(index, client, url, data):
        try:
            barrier.wait(timeout=30)
            responses[index] = client.post(url, data)
        except Exception as error:  # reported below, with the round
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i, *args)) for i, args in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return responses


def inline_prefix(data, model_pk) -> str:
    key = next(k for k, v in data.items() if k.endswith("-id") and v == str(model_pk))
    return key.removesuffix("-id")


def refused_message(response) -> str:
    form = response.context["adminform"].form
    return " ".join(form.non_field_errors())


def test_simultaneous_saves_never_lose_an_edit(two_editors):
    alice, bob = two_editors
    commitment = published_commitment(title="Raced")
    announcement = event(
        commitment, datetime.date(2025, 1, 16), kind=AnnouncementKind.FIRST_ANNOUNCED,
        new_status=Status.ANNOUNCED, summary="Announced.",
    )  # fmt: skip
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    lost = []
    for round_ in range(ROUNDS):
        a_data = admin_form_data(alice.get(url))
        b_data = admin_form_data(bob.get(url))
        a_title = f"Title by alice, round {round_}"
        a_data["title"] = a_title
        b_summary = f"Summary by bob, round {round_}"
        b_data["summary"] = b_summary
        # Every other round, both also edit the same inline announcement.
        a_inline = b_inline = None
        if round_ % 2:
            prefix = inline_prefix(a_data, announcement.pk)
            a_inline = a_data[f"{prefix}-summary"] = f"Inline by alice, round {round_}"
            b_inline = b_data[f"{prefix}-summary"] = f"Inline by bob, round {round_}"
        a, b = race([(alice, url, a_data), (bob, url, b_data)])

        assert {a.status_code, b.status_code} == {302, 200}, (round_, a.status_code, b.status_code)
        winner, loser = ("alice", b) if a.status_code == 302 else ("bob", a)
        message = refused_message(loser)
        assert "were not saved" in message, (round_, message)
        assert winner in message  # who saved
        commitment.refresh_from_db()
        announcement.refresh_from_db()
        if winner == "alice":
            ok = commitment.title == a_title and commitment.summary != b_summary
            ok = ok and (a_inline is None or announcement.summary == a_inline)
            assert "title" in message.lower(), message  # what alice changed
        else:
            ok = commitment.summary == b_summary and commitment.title != a_title
            ok = ok and (b_inline is None or announcement.summary == b_inline)
            assert "summary" in message.lower(), message
        if not ok:
            lost.append(round_)
    assert lost == [], f"lost updates in rounds {lost}"


def test_a_save_racing_an_edit_of_one_of_its_rows_keeps_both_or_refuses(two_editors):
    """Alice edits an announcement on the commitment's page while Bob edits the same
    announcement on its own page: one wins, the other is told; never a silent overwrite."""
    alice, bob = two_editors
    commitment = published_commitment(title="Raced rows")
    announcement = event(commitment, datetime.date(2025, 1, 16), new_status=Status.ANNOUNCED)
    page = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    own = reverse("admin:commitments_announcement_change", args=[announcement.pk])
    for round_ in range(ROUNDS // 5):
        a_data = admin_form_data(alice.get(page))
        b_data = admin_form_data(bob.get(own))
        prefix = inline_prefix(a_data, announcement.pk)
        a_data[f"{prefix}-summary"] = f"Alice {round_}"
        b_data["summary"] = f"Bob {round_}"
        a, b = race([(alice, page, a_data), (bob, own, b_data)])
        assert sorted([a.status_code, b.status_code]) == [200, 302], round_
        announcement.refresh_from_db()
        if a.status_code == 302:
            assert announcement.summary == f"Alice {round_}"
            assert "were not saved" in refused_message(b)
        else:
            assert announcement.summary == f"Bob {round_}"
            formset = next(
                f.formset
                for f in a.context["inline_admin_formsets"]
                if f.formset.model is Announcement
            )
            assert any("were not saved" in str(form.non_field_errors()) for form in formset)
    assert Commitment.objects.get(pk=commitment.pk).title == "Raced rows"
