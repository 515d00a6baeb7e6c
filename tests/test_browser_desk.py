"""The editors' desk in a real Chromium: a written answer is imported, an editor records that it
changes the national inquiry's status (a refused quote first, put right from the marked
differences), previews the public effect, saves one draft; a reviewer publishes it; the public
page changes only then. And the commitment's admin page fits in three screens."""

import importlib
import os

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core.management import call_command

from commitments.models import Commitment
from desk.models import Draft, DraftState
from tests.test_browser import browser  # noqa: F401  (the shared Chromium)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREEN = {"width": 1280, "height": 900}
PASSWORD = "a long passphrase 42"

# A test capture (not part of the curated dataset), in the format of a saved answer page.
CAPTURE = """https://parallelparliament.co.uk/question/999001/test-inquiry-answer
Child Sexual Exploitation: Inquiries

(asked on 2nd March 2026) - View Source

Question to the Home Office:

To ask the Secretary of State for the Home Department, whether the national inquiry has been
formally established.


Answered by
Jess Phillips Portrait
Jess Phillips
Parliamentary Under-Secretary (Home Office)
This question was answered on 4th March 2026

The national inquiry into group-based child sexual exploitation was formally established on
3 March 2026, when its terms of reference came into force.
"""


@pytest.fixture(autouse=True)
def roles(live_server):
    """The groups the migrations create, made again by the migrations' own functions: a
    transactional test's flush removed them (the permissions are back: flush recreates them)."""

    class Registry:  # the live models; permissions exist, so none to create
        get_app_configs = staticmethod(list)
        get_model = staticmethod(django_apps.get_model)

    for module, function in (
        ("commitments.migrations.0002_editors_group", "create_editors_group"),
        ("desk.migrations.0002_roles", "create_roles"),
        ("desk.migrations.0003_watch_terms", "grant"),
    ):
        getattr(importlib.import_module(module), function)(Registry, None)


def staff_page(browser, live_server, name, group):  # noqa: F811
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(name, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    page = browser.new_context(viewport=SCREEN).new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return page


def public_status(page, live_server, slug) -> str:
    page.goto(f"{live_server.url}/commitments/{slug}/")
    return page.locator(".status-box .status").inner_text()


def shoot(page, name):
    if shots := os.environ.get("SCREENSHOTS_DIR"):
        page.screenshot(path=os.path.join(shots, f"{name}.png"), full_page=True)


def test_an_answer_becomes_a_reviewed_status_change(browser, live_server, tmp_path):  # noqa: F811
    call_command("load_curated", verbosity=0)
    slug = "national-statutory-inquiry"
    reader = browser.new_context(viewport=SCREEN).new_page()
    assert public_status(reader, live_server, slug) == "In progress"

    editor = staff_page(browser, live_server, "eddie", "Editors")
    capture = tmp_path / "answer.txt"
    capture.write_text(CAPTURE)
    editor.goto(live_server.url + "/admin/sources/sourcedocument/import/")
    editor.get_by_label("File").set_input_files(str(capture))
    editor.get_by_role("button", name="Read it and show me").click()
    editor.get_by_role("button", name="Save it and record a development citing it").click()

    # Page load 1: the form, with the answer's text beside it.
    assert "/admin/desk/draft/add/" in editor.url
    pane = editor.locator(".desk-source-text")
    assert "formally established on" in pane.inner_text()
    editor.locator("#id_commitment + .select2").click()
    editor.locator(".select2-search__field").fill("national statutory")
    editor.locator(".select2-results__option", has_text="National statutory inquiry").click()
    editor.get_by_label("Date of the event").fill("2026-03-03")
    editor.get_by_label("What happened").select_option(label="Delivered")
    editor.get_by_label("Status from this date").select_option(label="Delivered")
    editor.get_by_label("Summary for the timeline").fill(
        "A written answer says the inquiry was formally established on 3 March 2026."
    )
    # A quote typed from memory, wrong in two words.
    editor.locator("#id_quotes-0-quote").fill(
        "was formaly established on 4 March 2026, when its terms of reference came into force"
    )
    editor.get_by_role("button", name="Preview the public effect").click()
    summary = editor.locator("#error-summary")
    assert "not in the stored text" in summary.inner_text()
    assert summary.bounding_box()["y"] < SCREEN["height"]  # the error is in the first screen
    assert editor.locator(".desk-nearest blockquote del").all_inner_texts() == ["formaly", "4"]
    assert editor.locator(".desk-nearest blockquote ins").all_inner_texts() == ["formally", "3"]
    shoot(editor, "desk-refused-quote-1280")

    # Put right by picking the words in the source's text.
    editor.evaluate(
        """() => {
            const pane = document.querySelector('.desk-source-text');
            const node = pane.firstChild;
            const words = 'was formally established on';
            const start = node.textContent.replace(/\\s+/g, ' ').indexOf(words) >= 0
                ? node.textContent.indexOf('was formally') : -1;
            const range = document.createRange();
            range.setStart(node, start);
            range.setEnd(node, node.textContent.indexOf('came into force') + 15);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }"""
    )
    editor.get_by_role("button", name="Use the selected words as the quote").click()
    assert editor.locator("#id_quotes-0-quote").input_value().startswith("was formally")
    editor.get_by_role("button", name="Preview the public effect").click()  # page load 2
    effect = editor.locator("#effect").inner_text()
    assert "Delivered since 3 March 2026" in effect
    shoot(editor, "desk-preview-1280")
    editor.get_by_role("button", name="Save as a draft for review").click()  # page load 3
    assert "Saved as a draft" in editor.locator(".messagelist").inner_text()
    draft = Draft.objects.get()
    assert draft.state == DraftState.PENDING
    assert public_status(reader, live_server, slug) == "In progress"  # not public yet

    reviewer = staff_page(browser, live_server, "rita", "Reviewers")
    reviewer.goto(live_server.url + "/admin/desk/draft/")
    assert (
        "In progress → Delivered from 3 Mar 2026" in reviewer.locator("#result_list").inner_text()
    )
    reviewer.locator("#result_list tbody a").first.click()
    shoot(reviewer, "desk-review-1280")
    reviewer.get_by_role("button", name="Publish").click()
    assert "Published" in reviewer.locator(".messagelist").inner_text()
    assert public_status(reader, live_server, slug) == "Delivered"
    assert Commitment.objects.get(slug=slug).summary_needs_review is True


def test_the_busiest_commitment_fits_in_three_screens_and_nothing_is_cut_off(
    browser,  # noqa: F811
    live_server,
    django_user_model,
):
    call_command("load_curated", verbosity=0)
    busiest = max(Commitment.objects.all(), key=lambda c: c.announcements.count())
    django_user_model.objects.create_superuser("boss", "boss@example.org", PASSWORD)
    page = browser.new_context(viewport=SCREEN).new_page()
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("boss")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/admin/commitments/commitment/{busiest.pk}/change/")
    height = page.evaluate("document.documentElement.scrollHeight")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert busiest.announcements.count() >= 10
    assert height <= 3 * SCREEN["height"], height
    assert width <= SCREEN["width"], width
    shoot(page, "admin-commitment-1280")
    # An error anywhere is listed in the first screen.
    page.locator("#id_title").fill("")
    page.get_by_role("button", name="Save", exact=True).click()
    summary = page.locator("#error-summary")
    assert "Title: This field is required." in summary.inner_text()
    assert summary.bounding_box()["y"] < SCREEN["height"]
