"""The editors' admin: every page loads, filters work, permissions are right, stale edits are
refused, and a bad quote is a form error."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from commitments.models import AnnouncementKind, Citation, Commitment, Status
from sources.conflicts import LockingConcurrentForm
from tests.admin_forms import admin_form_data
from tests.commitments.factories import (
    CitationFactory,
    CommitmentFactory,
    CommitmentLinkFactory,
    FundingLineFactory,
    event,
    published_commitment,
)

pytestmark = pytest.mark.django_db

MODEL_ADMINS = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)

NO_ADD_PAGE = {
    ("desk", "inboxitem"),
    ("axes", "accessattempt"),
    ("axes", "accesslog"),
    ("axes", "accessfailurelog"),
}


@pytest.fixture
def populated():
    commitment = published_commitment(title="Casey audit")
    announcement = event(
        commitment, datetime.date(2025, 1, 16), kind=AnnouncementKind.FIRST_ANNOUNCED,
        new_status=Status.ANNOUNCED, new_deadline=datetime.date(2025, 5, 31),
        deadline_wording="in May",
    )  # fmt: skip
    line = FundingLineFactory(commitment=commitment)
    CitationFactory(commitment=commitment, funding_line=line)
    later = published_commitment(title="Not yet")  # no status-setting event yet
    CommitmentLinkFactory(from_commitment=commitment, to_commitment=later)
    return {"commitment": commitment, "announcement": announcement}


def test_our_models_are_all_registered():
    assert {
        ("sources", "sourcedocument"),
        ("commitments", "commitment"),
        ("commitments", "announcement"),
        ("commitments", "fundingline"),
        ("commitments", "citation"),
        ("commitments", "commitmentlink"),
    } <= set(MODEL_ADMINS)


@pytest.mark.parametrize(("app_label", "model_name"), MODEL_ADMINS)
def test_changelist_search_and_add_pages_load(admin_client, populated, app_label, model_name):
    changelist = reverse(f"admin:{app_label}_{model_name}_changelist")
    response = admin_client.get(changelist)
    assert response.status_code == 200
    assert admin_client.get(changelist, {"q": "Casey"}).status_code == 200
    add = admin_client.get(reverse(f"admin:{app_label}_{model_name}_add")).status_code
    # Inbox items arrive from watch_parliament, sign-in records from django-axes: neither has
    # an add page (the permission matrix, tests/test_admin_permissions.py, pins it per role).
    assert add == (403 if (app_label, model_name) in NO_ADD_PAGE else 200)


@pytest.mark.parametrize(("app_label", "model_name"), MODEL_ADMINS)
def test_change_pages_load(admin_client, populated, app_label, model_name):
    model = admin.site._registry.keys()
    model = next(m for m in model if m._meta.model_name == model_name)
    obj = model.objects.first()
    if obj is None:
        pytest.skip(f"no {model_name} in the populated data")
    url = reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])
    assert admin_client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"Casey audit", "Not yet"}),
        ({"status": "announced"}, {"Casey audit"}),
        ({"status": "none"}, {"Not yet"}),
        ({"status": "delivered"}, set()),
        ({"overdue": "yes"}, {"Casey audit"}),
        ({"overdue": "no"}, {"Not yet"}),
        ({"theme": "inquiries"}, {"Casey audit", "Not yet"}),
    ],
)
def test_commitment_list_filters(admin_client, populated, params, expected):
    response = admin_client.get(reverse("admin:commitments_commitment_changelist"), params)
    assert response.status_code == 200
    shown = {c.title for c in response.context["cl"].result_list}
    assert shown == expected


def test_commitment_changelist_queries_do_not_grow_with_rows(
    admin_client, django_assert_max_num_queries
):
    for n in range(30):
        published_commitment(title=f"C{n}", parent=None)
    with django_assert_max_num_queries(12):
        assert (
            admin_client.get(reverse("admin:commitments_commitment_changelist")).status_code == 200
        )


def test_editors_group_has_the_permissions_editors_need():
    perms = set(
        Group.objects.get(name="Editors").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert ("commitments", "change_commitment") in perms
    assert ("commitments", "add_citation") not in perms  # citations come through drafts
    assert ("desk", "add_draft") in perms
    assert ("desk", "publish_draft") not in perms
    assert ("commitments", "delete_announcement") in perms
    assert ("sources", "add_sourcedocument") in perms
    assert ("commitments", "delete_commitment") not in perms
    assert ("sources", "delete_sourcedocument") not in perms
    assert not any(
        codename.endswith("_user") or codename.endswith("_group") for _, codename in perms
    )


def test_an_editor_edits_a_commitment_that_is_not_public_yet(editor_client):
    commitment = CommitmentFactory(title="Being drafted")
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    data = admin_form_data(editor_client.get(url))
    data["summary"] = "Edited by an editor."
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    commitment.refresh_from_db()
    assert commitment.summary == "Edited by an editor."
    assert commitment.history.first().history_user.username == "editor"


def test_a_public_commitment_changes_only_through_a_draft(editor_client, reviewer, populated):
    """Its page is read-only to editors and reviewers alike, and points to the desk."""
    commitment = populated["commitment"]
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    page = editor_client.get(url)
    assert page.context["has_change_permission"] is False
    assert f"/admin/desk/draft/add/?commitment={commitment.pk}" in page.content.decode()
    assert editor_client.post(url, {"summary": "Direct edit."}).status_code == 403
    editor_client.force_login(reviewer)
    assert editor_client.post(url, {"summary": "Direct edit."}).status_code == 403
    commitment.refresh_from_db()
    assert commitment.summary != "Direct edit."
    event_url = reverse(
        "admin:commitments_announcement_change", args=[populated["announcement"].pk]
    )
    assert editor_client.post(event_url, {"summary": "Direct edit."}).status_code == 403


def test_an_editor_cannot_delete_a_commitment(editor_client, populated):
    url = reverse("admin:commitments_commitment_delete", args=[populated["commitment"].pk])
    assert editor_client.get(url).status_code == 403


@pytest.fixture
def second_admin(client, django_user_model):
    """Another superuser: public rows are edited directly only by superusers."""
    user = django_user_model.objects.create_superuser("second", "second@example.org", "x" * 16)
    client.force_login(user)
    return client


def test_a_conflicting_edit_is_refused_not_overwritten(second_admin, admin_client, populated):
    editor_client = second_admin
    commitment = populated["commitment"]
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    stale = admin_form_data(editor_client.get(url))  # the editor opens the page ...
    fresh = admin_form_data(admin_client.get(url))  # ... someone else opens it too
    fresh["summary"] = "First save wins."
    assert admin_client.post(url, fresh).status_code == 302
    stale["summary"] = "Second save, from a stale page."
    response = editor_client.post(url, stale)
    assert response.status_code == 200
    refusal = " ".join(response.context["adminform"].form.non_field_errors())
    assert "Your changes to this commitment were not saved" in refusal
    assert "admin saved this commitment" in refusal  # who
    assert "→ “First save wins.”" in refusal  # what they changed
    assert response.context["adminform"].form["summary"].value() == stale["summary"]  # kept
    commitment.refresh_from_db()
    assert commitment.summary == "First save wins."


def test_a_stale_inline_edit_is_refused_not_overwritten(second_admin, admin_client, populated):
    editor_client = second_admin
    commitment, announcement = populated["commitment"], populated["announcement"]
    page = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    stale = admin_form_data(editor_client.get(page))  # the editor opens the commitment ...
    own_page = reverse("admin:commitments_announcement_change", args=[announcement.pk])
    fresh = admin_form_data(admin_client.get(own_page))  # ... someone edits one of its events
    fresh["summary"] = "Corrected on the announcement's own page."
    assert admin_client.post(own_page, fresh).status_code == 302
    prefix = next(k for k, v in stale.items() if k.endswith("-id") and v == str(announcement.pk))
    stale[prefix.removesuffix("-id") + "-summary"] = "Stale inline edit."
    response = editor_client.post(page, stale)
    assert response.status_code == 200
    assert "Your changes to this announcement were not saved" in response.content.decode()
    assert "“Corrected on the announcement&#x27;s own page.”" in response.content.decode()
    announcement.refresh_from_db()
    assert announcement.summary == "Corrected on the announcement's own page."


def test_a_bad_quote_is_a_form_error_in_the_admin(admin_client, populated):
    commitment = populated["commitment"]
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    response = admin_client.get(url)
    data = admin_form_data(response)
    prefix = next(
        inline.formset.prefix
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Citation
    )
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    data[f"{prefix}-{total}-source"] = str(Citation.objects.first().source_id)
    data[f"{prefix}-{total}-quote"] = "A sentence the source never said."
    before = Citation.objects.count()
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "does not appear in the stored text" in response.content.decode()
    assert Citation.objects.count() == before


def test_editor_admin_add_commitment_needs_a_theme(editor_client):
    response = editor_client.post(
        reverse("admin:commitments_commitment_add"),
        {"title": "X", "slug": "x", "pledge_text": "Y"},
    )
    assert response.status_code == 200
    assert not Commitment.objects.filter(slug="x").exists()


@pytest.mark.parametrize(
    ("parent", "inline"),
    [
        (model, inline)
        for model, model_admin in admin.site._registry.items()
        for inline in model_admin.inlines
        if issubclass(inline.form, LockingConcurrentForm)
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_every_versioned_inline_tells_its_rows_they_are_rows(parent, inline, rf, admin_user):
    """A row of an inline that the editor left alone is not version-checked; a form only knows
    it is a row when its formset says so."""
    request = rf.get("/")
    request.user = admin_user
    formset_class = inline(parent, admin.site).get_formset(request)
    formset = formset_class(instance=parent())
    assert formset.empty_form.in_formset is True


def test_history_lists_what_changed_and_no_save_that_changed_nothing(admin_client):
    commitment = CommitmentFactory(title="Being drafted", summary="First wording.")
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    unchanged = admin_form_data(admin_client.get(url))
    assert admin_client.post(url, unchanged).status_code == 302
    assert commitment.history.count() == 1  # the save that changed nothing left no entry
    edited = admin_form_data(admin_client.get(url))
    edited["summary"] = "Second wording."
    assert admin_client.post(url, edited).status_code == 302
    assert commitment.history.count() == 2
    history = admin_client.get(
        reverse("admin:commitments_commitment_history", args=[commitment.pk])
    ).content.decode()
    assert "Second wording." in history
    assert "Version" not in history  # the counter every save moves is not a change
