"""Who can reach which admin page: every admin URL of every registered model, as anonymous, an
Editor, a Reviewer and a superuser, against the matrix below. Only the superuser reaches users,
groups and permissions; a public row is read-only to everyone else."""

import datetime

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from commitments.models import Bill, Status
from desk.models import Draft, InboxItem
from sources.models import WatchTerm
from tests.commitments.factories import (
    AnnouncementFactory,
    CommitmentFactory,
    CommitmentLinkFactory,
    FundingLineFactory,
    event,
    published_commitment,
)
from tests.sources.factories import SourceDocumentFactory

pytestmark = pytest.mark.django_db
ROLES = ("anonymous", "editor", "reviewer", "superuser")
OK, DENIED, LOGIN = 200, 403, 302


@pytest.fixture
def clients(editor, reviewer, admin_user):
    out = {"anonymous": Client()}
    for role, user in (("editor", editor), ("reviewer", reviewer), ("superuser", admin_user)):
        out[role] = Client()
        out[role].force_login(user)
    return out


@pytest.fixture
def rows(editor, admin_user):
    public = published_commitment(title="Public")
    public_event = event(public, datetime.date(2025, 1, 1), new_status=Status.ANNOUNCED)
    private = CommitmentFactory(title="Not public")
    return {
        "public": public,
        "public_event": public_event,
        "uncited_event": AnnouncementFactory(commitment=public),
        "private": private,
        "line": FundingLineFactory(commitment=private),
        "citation": public_event.citations.first(),
        "link": CommitmentLinkFactory(from_commitment=public, to_commitment=private),
        "source": SourceDocumentFactory(),
        "term": WatchTerm.objects.first(),
        "bill": carrying(Bill.objects.create(parliament_id=3938, title="Bill"), public),
        "private_bill": Bill.objects.create(parliament_id=1, title="Private"),
        "inbox": InboxItem.objects.create(source=SourceDocumentFactory(), why="a new answer"),
        "draft": Draft.objects.create(
            commitment=public, announcement={"date": "2025-02-01"}, citations=[], author=editor
        ),
        "user": admin_user,
    }


def carrying(bill: Bill, commitment) -> Bill:
    bill.commitments.add(commitment)
    return bill


def staff(editor, reviewer, superuser=OK):
    return {"anonymous": LOGIN, "editor": editor, "reviewer": reviewer, "superuser": superuser}


EVERYONE = staff(OK, OK)
SUPERUSER_APPS = ("axes", "otp_totp", "otp_static")
NOBODY_BUT_SUPERUSER = staff(DENIED, DENIED)


def matrix(rows) -> dict[str, dict]:
    """url -> the status each role gets for a GET."""

    def url(name, *args):
        return reverse(f"admin:{name}", args=args)

    expected = {
        url("index"): EVERYONE,
        url("app_list", "commitments"): EVERYONE,
        url("app_list", "auth"): staff(404, 404),  # Django hides an app with nothing allowed
        url("desk_draft_add"): EVERYONE,
        url("desk_draft_change", rows["draft"].pk): EVERYONE,
        url("desk_draft_propose", "announcement", rows["public_event"].pk): EVERYONE,
        url("sources_sourcedocument_import"): EVERYONE,
        url("auth_user_changelist"): NOBODY_BUT_SUPERUSER,
        url("auth_user_change", rows["user"].pk): NOBODY_BUT_SUPERUSER,
        url("auth_group_changelist"): NOBODY_BUT_SUPERUSER,
        url("auth_group_add"): NOBODY_BUT_SUPERUSER,
        # Deleting: never a commitment or a source but by a superuser; never a public row.
        url("commitments_commitment_delete", rows["private"].pk): NOBODY_BUT_SUPERUSER,
        url("commitments_announcement_delete", rows["public_event"].pk): NOBODY_BUT_SUPERUSER,
        url("commitments_announcement_delete", rows["uncited_event"].pk): EVERYONE,
        url("commitments_fundingline_delete", rows["line"].pk): EVERYONE,
        url("commitments_citation_delete", rows["citation"].pk): NOBODY_BUT_SUPERUSER,
        url("commitments_commitmentlink_delete", rows["link"].pk): EVERYONE,
        url("sources_sourcedocument_delete", rows["source"].pk): NOBODY_BUT_SUPERUSER,
        url("desk_draft_delete", rows["draft"].pk): staff(DENIED, DENIED, DENIED),
        # Inbox items arrive from watch_parliament; an item's page is its card in the list.
        url("desk_inboxitem_add"): staff(DENIED, DENIED, DENIED),
        url("desk_inboxitem_change", rows["inbox"].pk): staff(LOGIN, LOGIN, LOGIN),
        url("desk_inboxitem_delete", rows["inbox"].pk): staff(DENIED, DENIED, DENIED),
        # A bill is named by an editor; once it carries a public commitment, only a superuser
        # changes it; deleting one is a superuser's act.
        url("commitments_bill_delete", rows["private_bill"].pk): NOBODY_BUT_SUPERUSER,
        url("commitments_bill_delete", rows["bill"].pk): NOBODY_BUT_SUPERUSER,
        # Citations come only through drafts.
        url("commitments_citation_add"): NOBODY_BUT_SUPERUSER,
        # Everyone on the staff sets up their own two-factor sign-in.
        url("two_factor"): EVERYONE,
        # Sign-in records (django-axes) and two-factor devices: the superuser's alone; sign-in
        # records are made by sign-ins, never by hand.
        url("axes_accessattempt_add"): staff(DENIED, DENIED, DENIED),
        url("axes_accessfailurelog_add"): staff(DENIED, DENIED, DENIED),
        url("axes_accesslog_add"): staff(DENIED, DENIED, DENIED),
    }
    for model in admin.site._registry:
        if model._meta.app_label in SUPERUSER_APPS:
            label = f"{model._meta.app_label}_{model._meta.model_name}"
            expected.setdefault(url(f"{label}_changelist"), NOBODY_BUT_SUPERUSER)
            expected.setdefault(url(f"{label}_add"), NOBODY_BUT_SUPERUSER)
    objects = {
        "commitment": rows["public"],
        "announcement": rows["public_event"],
        "fundingline": rows["line"],
        "citation": rows["citation"],
        "commitmentlink": rows["link"],
        "sourcedocument": rows["source"],
        "draft": rows["draft"],
        "watchterm": rows["term"],
        "inboxitem": rows["inbox"],
        "bill": rows["bill"],
    }
    for model, model_admin in admin.site._registry.items():
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        if model._meta.app_label in ("auth", *SUPERUSER_APPS):
            continue
        expected.setdefault(url(f"{label}_changelist"), EVERYONE)
        if model._meta.model_name not in ("citation",):
            expected.setdefault(url(f"{label}_add"), EVERYONE)
        obj = objects[model._meta.model_name]
        expected.setdefault(url(f"{label}_change", obj.pk), EVERYONE)  # to view, at least
        if hasattr(model_admin, "history_view"):
            expected.setdefault(url(f"{label}_history", obj.pk), EVERYONE)
    return expected


def test_every_admin_page_answers_each_role_as_the_matrix_says(clients, rows):
    expected = matrix(rows)
    assert len(expected) > 30
    wrong = []
    for url, statuses in expected.items():
        for role in ROLES:
            status = clients[role].get(url).status_code
            if status != statuses[role]:
                wrong.append(f"{role} GET {url}: {status}, expected {statuses[role]}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_a_public_row_refuses_a_direct_save_from_every_role_but_the_superuser(clients, rows, role):
    for name, obj in (
        ("commitments_commitment_change", rows["public"]),
        ("commitments_announcement_change", rows["public_event"]),
        ("commitments_citation_change", rows["citation"]),
        ("commitments_bill_change", rows["bill"]),
    ):
        response = clients[role].post(reverse(f"admin:{name}", args=[obj.pk]), {})
        assert response.status_code == DENIED, (role, name)


def test_an_editor_names_a_bill_and_links_a_commitment_not_yet_public(clients, rows):
    private = rows["private"]
    response = clients["editor"].post(
        reverse("admin:commitments_bill_add"),
        {"parliament_id": "4000", "title": "A Bill", "commitments": [private.pk],
         "stages-TOTAL_FORMS": "0", "stages-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(Bill.objects.get(parliament_id=4000).commitments.all()) == [private]
