"""Click through the site as a researcher and an editor would, in a real Chromium."""

import os

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from commitments.models import Commitment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser`")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # themselves (fixtures) are still synchronous and safe. Only for these tests.
    with (
        pytest.MonkeyPatch.context() as patch,
        sync_playwright() as playwright,
    ):
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def curated(live_server):
    call_command("load_curated", verbosity=0)
    return live_server


def test_researcher_follows_a_pledge_to_its_quoted_source(page, curated):
    page.goto(curated.url + "/")
    page.get_by_role("link", name="Commitments", exact=True).first.click()
    page.get_by_role("link", name="Baroness Casey's rapid national audit").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Baroness Casey")
    assert "Delivered since 16 June 2025" in page.locator(".status-box").inner_text()

    quote = page.locator(".timeline blockquote").filter(has_text="all 12 recommendations")
    quote.get_by_role("link", name="Offences against Children (written answer 62612)").click()
    assert "/sources/" in page.url
    assert "#citation-" in page.url
    # The link lands on the passage in the stored text, highlighted.
    # (other citations of the same passage may be anchored beside it: the first mark after it)
    passage = page.locator(page.url[page.url.index("#") :] + " ~ mark").first
    assert "On 16 June the Government accepted all 12" in passage.inner_text()
    assert passage.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert passage.is_visible()
    assert "Jess Phillips" in page.locator(".metadata").inner_text()


def test_skip_link_is_the_first_stop_for_keyboard_users(page, curated):
    page.goto(curated.url + "/commitments/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_editor_logs_in_and_edits_a_commitment(page, curated, django_user_model):
    django_user_model.objects.create_superuser("ed", "ed@example.org", "a long passphrase 42")
    page.goto(curated.url + "/admin/")
    page.get_by_label("Username").fill("ed")
    page.get_by_label("Password").fill("a long passphrase 42")
    page.get_by_role("button", name="Log in").click()
    page.goto(curated.url + "/admin/commitments/commitment/")
    page.get_by_role("link", name="Mandatory duty to report child sexual abuse").click()
    page.locator("#id_summary").fill("Edited in a real browser.")
    page.get_by_role("button", name="Save", exact=True).click()
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    page.goto(curated.url + "/commitments/mandatory-reporting-duty/")
    assert "Edited in a real browser." in page.content()


def test_editor_imports_a_source_by_upload_and_checks_it_before_saving(
    page, live_server, django_user_model, tmp_path
):
    from pathlib import Path

    from sources.models import SourceDocument

    capture = Path(__file__).resolve().parents[1] / "fixtures" / "sources"
    capture = capture / "01_pq_62612_answered_2025-07-02.txt"
    django_user_model.objects.create_superuser("ed", "ed@example.org", "a long passphrase 42")
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("ed")
    page.get_by_label("Password").fill("a long passphrase 42")
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + "/admin/sources/sourcedocument/")
    page.get_by_role("link", name="Import from a capture").click()
    page.get_by_label("File").set_input_files(str(capture))
    page.get_by_role("button", name="Read it and show me").click()

    table = page.get_by_role("table", name="Fields read from the capture").inner_text()
    assert "Jess Phillips" in table
    assert "2025-06-25" in table
    assert "62612" in table
    assert SourceDocument.objects.count() == 0
    page.get_by_role("button", name="Save this source").click()

    assert "Created source #" in page.locator(".messagelist").inner_text()
    source = SourceDocument.objects.get()
    # The text went to the browser and back in a hidden field: it must arrive unchanged.
    assert source.sha256 == SourceDocument.compute_sha256(
        capture.read_text()
        .split("\n", 1)[1]
        .strip("\n")
        .removesuffix("Reticulating Splines")
        .rstrip("\n")
    )
    assert source.answered_by == "Jess Phillips"


def test_researcher_filters_the_list_by_status_through_the_form(page, curated):
    page.goto(curated.url + "/commitments/")
    page.get_by_role("group", name="Status").get_by_label("Stalled").check()
    page.get_by_role("button", name="Apply filters").click()
    assert "status=stalled" in page.url
    assert page.get_by_role("status").inner_text().startswith("2 commitments match")
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 2
    fund = rows.filter(has_text="£5m fund for victim-centred, locally-led inquiries")
    panel = page.locator("details.filters__panel")
    assert panel.get_attribute("open") is None  # folded away once filters are applied
    panel.locator("summary").click()
    assert page.get_by_role("group", name="Status").get_by_label("Stalled").is_checked()
    fund.get_by_role("link").first.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("£5m fund")
    assert "Stalled since 17 June 2025" in page.locator(".status-box").inner_text()


def test_as_of_shows_the_casey_audit_before_it_was_delivered(page, curated):
    page.goto(curated.url + "/commitments/?as_of=2025-03-01")
    banner = page.get_by_role("region", name="Date shown")
    assert "as it stood on 1 March 2025" in banner.inner_text()
    row = page.locator("table.list tbody tr").filter(has_text="Baroness Casey")
    assert "In progress" in row.inner_text()
    assert "Delivered" not in row.inner_text()
    assert "National statutory inquiry" not in page.locator("table.list").inner_text()
    row.get_by_role("link").click()
    assert "as_of=2025-03-01" in page.url  # links keep the date
    assert "Status on 1 March 2025" in page.locator(".status-box").inner_text()
    assert "In progress since 20 February 2025" in page.locator(".status-box").inner_text()
    assert "16 June 2025" not in page.locator(".timeline").inner_text()
    banner.get_by_role("link", name="See it as of today").click()
    assert "Delivered since 16 June 2025" in page.locator(".status-box").inner_text()


def test_filter_form_works_by_keyboard_alone(page, curated):
    page.goto(curated.url + "/commitments/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    for _ in range(30):  # through the header links to the search box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "q":
            break
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.type("Casey")
    page.keyboard.press("Tab")  # first status checkbox: Announced
    page.keyboard.press("Tab")  # In progress
    page.keyboard.press("Tab")  # Delivered
    assert page.evaluate("document.activeElement.value") == "delivered"
    page.keyboard.press("Space")
    # focus is visible: the outline drawn for :focus-visible
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")  # submits the form
    page.wait_for_url("**/commitments/?*")
    assert "q=Casey" in page.url
    assert "status=delivered" in page.url
    titles = page.locator("table.list tbody th").all_inner_texts()
    assert any("Baroness Casey" in title for title in titles)
    assert all("Delivered" in row for row in page.locator("table.list tbody tr").all_inner_texts())


def test_invalid_parameters_show_a_message_not_an_error(page, curated):
    response = page.goto(curated.url + "/commitments/?status=bogus&announced_after=2025-02-30")
    assert response.status == 400
    alert = page.get_by_role("alert").inner_text()
    assert "could not be applied" in alert
    assert "Status" in alert
    response = page.goto(curated.url + "/commitments/?page=9999")
    assert response.status == 404
    assert "There is no page 9999" in page.get_by_role("alert").inner_text()
    response = page.goto(curated.url + "/funding/?as_of=yesterday")
    assert response.status == 400
    assert "is not a date" in page.get_by_role("alert").inner_text()


def test_two_editors_save_the_same_commitment_and_the_second_is_told(
    browser, curated, django_user_model, tmp_path
):
    """Both open the Casey audit in their own browser; the first saves; the second's save is
    refused with who changed what, and the second editor's typing is still in the form."""
    pages = []
    for name in ("alice", "bob"):
        django_user_model.objects.create_superuser(name, f"{name}@example.org", "pw-" + name * 4)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(curated.url + "/admin/")
        page.get_by_label("Username").fill(name)
        page.get_by_label("Password").fill("pw-" + name * 4)
        page.get_by_role("button", name="Log in").click()
        page.goto(curated.url + "/admin/commitments/commitment/")
        page.get_by_role("link", name="Baroness Casey's rapid national audit").click()
        pages.append(page)
    alice, bob = pages
    alice.locator("#id_summary").fill("Alice's summary, saved first.")
    bob.locator("#id_references").fill("Bob's reference")
    alice.get_by_role("button", name="Save", exact=True).click()
    assert "was changed successfully" in alice.locator(".messagelist").inner_text()
    bob.get_by_role("button", name="Save", exact=True).click()
    bob.locator(".errorlist.nonfield").first.wait_for()  # the refused form, reloaded
    text = " ".join(bob.locator(".errornote, .errorlist.nonfield").all_inner_texts())
    assert "Your changes to this commitment were not saved" in text
    assert "alice saved this commitment" in text
    assert "Alice's summary, saved first." in text
    assert bob.locator("#id_references").input_value() == "Bob's reference"
    bob.screenshot(path=str(tmp_path / "conflict.png"), full_page=False)
    if shots := os.environ.get("SCREENSHOTS_DIR"):
        bob.screenshot(path=os.path.join(shots, "admin-conflict-1280.png"))
    for page in pages:
        page.context.close()


def test_researcher_filters_on_claims_beyond_the_evidence_and_reads_both(page, curated):
    """The list's "claims more than the evidence shows" filter, then the commitment's page: the
    government's words beside our assessment, each cited, and how firmly it committed."""
    page.goto(curated.url + "/commitments/")
    page.get_by_label("The government claims more than the evidence shows").select_option("true")
    page.get_by_role("button", name="Apply filters").click()
    assert "claims_more=true" in page.url
    rows = page.locator("table.list tbody tr")
    titles = rows.locator("th").all_inner_texts()
    assert any("IICSA" in title for title in titles)
    iicsa = rows.filter(has_text="IICSA")
    assert "The government says: delivered" in iicsa.inner_text()
    iicsa.get_by_role("link").first.click()
    box = page.locator(".claim-verdict")
    says, ours = (
        box.inner_text().index("The government says"),
        box.inner_text().index("Our assessment"),
    )
    assert says < ours
    assert "partly delivered" in box.inner_text()[ours:]
    quote = box.locator("blockquote").first
    assert "primary" in quote.locator(".tag").inner_text()
    quote.locator("footer a").first.click()
    assert "/sources/" in page.url
    page.go_back()
    # Firmness is read the same way, and the provenance tag explains itself.
    page.goto(curated.url + "/commitments/?firmness=accepted_in_full")
    assert page.locator("table.list tbody tr").count() >= 1
    page.goto(curated.url + "/methodology/#provenance")
    assert page.locator("#provenance").is_visible()


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 900)])
def test_every_commitment_page_gives_its_verdict_in_the_first_screen(
    browser, curated, width, height
):
    """Status and deadline of every commitment in the first screen; no page scrolls sideways;
    the status band has its text equivalent."""
    from commitments.models import Commitment

    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    paths = [c.get_absolute_url() for c in Commitment.objects.published()]
    assert len(paths) >= 30
    others = ["/", "/commitments/", "/funding/", "/sources/", "/changes/", "/corrections/",
              "/methodology/", "/commitments/?status=delivered"]  # fmt: skip
    wide = []
    for path in [*paths, *others]:
        page.goto(curated.url + path)
        if page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        ):
            wide.append(path)
        if path not in paths:
            continue
        status = page.locator(".status-box .status").first.bounding_box()
        deadline = page.locator(".status-box p", has_text="Deadline").first.bounding_box()
        assert status["y"] + status["height"] <= height, (path, status)
        assert deadline["y"] + deadline["height"] <= height, (path, deadline)
        band = page.locator("svg.band")
        if band.count():
            described = page.locator("#" + band.get_attribute("aria-labelledby"))
            assert described.inner_text().strip(), path
    assert not wide, f"scrolls sideways at {width}px: {wide}"
    context.close()


def public_pages():
    """One of every kind of public page: each commitment's, each source's that a citation
    leads to, the lists with filters and a search applied, the error pages."""
    from commitments.models import Commitment
    from sources.models import SourceDocument

    commitments = [c.get_absolute_url() for c in Commitment.objects.published()]
    sources = [s.get_absolute_url() for s in SourceDocument.objects.order_by("pk")[:12]]
    return [
        "/", "/commitments/", "/commitments/?status=delivered&missed_deadline=true",
        "/commitments/?q=inquiry", "/commitments/?as_of=2025-06-30", "/funding/",
        "/sources/", "/sources/?q=accepted", "/changes/",
        "/changes/?from=2025-06-01&to=2025-06-30", "/corrections/", "/methodology/",
        "/commitments/?status=nonsense", "/no-such-page/",
        *commitments, *sources, f"{sources[0]}?q=inquiry",
    ]  # fmt: skip


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 900)])
def test_axe_finds_nothing_serious_on_any_public_page(browser, curated, width, height):
    """axe-core, run in the page, reports no serious or critical violation of WCAG 2.2 A/AA or
    of its best practices on any public page, on a phone or a desktop."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    found = {}
    pages = public_pages()
    assert len(pages) > 50
    for path in pages:
        page.goto(curated.url + path)
        results = axe.run(page).response
        assert results["passes"], path  # axe ran its rules on this page
        serious = [
            f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} {v['help']}"
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if serious:
            found[path] = serious
    context.close()
    assert not found, found


def test_editor_signs_in_with_two_factor_and_no_page_breaks_the_security_policy(
    page, curated, django_user_model, settings
):
    """A superuser signs in with password and app code; Chromium reports no Content-Security-
    Policy violation on any public page or on the admin pages an editor uses (an inline style
    or script the policy blocks would show here)."""
    settings.TWO_FACTOR_REQUIRED = True
    # A superuser (who, like Reviewers, must use two-factor): every admin page opens to them.
    user = django_user_model.objects.create_superuser(
        "rev", "rev@example.org", "a long passphrase 42"
    )
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append((page.url, message.text))
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.goto(curated.url + "/admin/")
    page.get_by_label("Username").fill("rev")
    page.get_by_label("Password").fill("a long passphrase 42")
    page.get_by_role("button", name="Log in").click()
    assert "Enter the code from your authenticator app" in page.content()
    page.get_by_label("Password").fill("a long passphrase 42")
    page.get_by_label("Code").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("heading", name="Edit the record").is_visible()
    commitment = Commitment.objects.published().first()
    for path in (
        f"/admin/commitments/commitment/{commitment.pk}/change/",
        "/admin/commitments/commitment/",
        "/admin/desk/draft/add/",
        "/admin/desk/inboxitem/",
        "/admin/sources/sourcedocument/import/",
        "/admin/two-factor/",
        *public_pages(),
    ):
        page.goto(curated.url + path)
    assert not violations
    # The status bar's parts still have their widths, from classes, not inline styles.
    page.goto(curated.url + "/")
    widths = page.locator(".bar__part").evaluate_all("parts => parts.map(p => p.offsetWidth)")
    assert widths
    assert all(width > 0 for width in widths)
