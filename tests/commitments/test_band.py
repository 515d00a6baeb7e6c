"""The status band: status periods on a time axis, deadlines marked, drawn as SVG with a text
equivalent that says the same."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def band_of(client, path):
    page = client.get(path).content.decode()
    start = page.index('<svg class="band"')
    svg = ET.fromstring(page[start : page.index("</svg>", start) + len("</svg>")])
    caption = page[page.index('<figcaption id="band-text"') :]
    return svg, caption[caption.index(">") + 1 : caption.index("</figcaption>")]


def test_the_audits_band_shows_each_period_and_both_deadlines(client, curated):
    svg, text = band_of(client, "/commitments/casey-national-audit/")
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "band-text"
    titles = [g.find(f"{SVG}title").text for g in svg.iter(f"{SVG}g")]
    assert titles[:3] == [
        "Announced: 16 Jan 2025 to 20 Feb 2025",
        "In progress: 20 Feb 2025 to 16 Jun 2025",
        f"Delivered: 16 Jun 2025 to {datetime.date.today():%-d %b %Y}",
    ]
    assert "Deadline 16 Apr 2025 (set 16 Jan 2025)" in titles
    assert "Deadline 31 May 2025 (set 2 Jun 2025)" in titles
    assert text.startswith("Announced from 16 January 2025 to 20 February 2025; In progress from")
    assert "Deadline set on 16 January 2025: 16 April 2025." in text
    assert "Deadline moved on 2 June 2025: 31 May 2025." in text
    # Greyscale: each period has a pattern or a fill no other status shares, and its name.
    fills = [r.get("fill") for r in svg.iter(f"{SVG}rect") if r.get("stroke")]
    assert len(set(fills)) == 3


def test_the_band_follows_as_of(client, curated):
    svg, text = band_of(client, "/commitments/casey-national-audit/?as_of=2025-03-01")
    titles = [g.find(f"{SVG}title").text for g in svg.iter(f"{SVG}g")]
    assert "In progress: 20 Feb 2025 to 1 Mar 2025" in titles
    assert "Delivered" not in text
    assert "Date shown: 1 Mar 2025" in titles


def small_bands(html: str) -> list[tuple[str, ET.Element]]:
    """(row title, small band) for each row of a list or of the home page's roadmap."""
    found = []
    for match in re.finditer(
        r'<a href="/commitments/([^"/]+)/[^"]*">[^<]*</a>'
        r'(?:(?!<svg).)*?(<svg class="band band--mini".*?</svg>)',
        html,
        re.S,
    ):
        found.append((match.group(1), ET.fromstring(match.group(2))))
    return found


def x_of(svg, fill):
    return [float(r.get("x")) for r in svg.iter(f"{SVG}rect") if r.get("fill") == fill]


def test_each_list_row_has_a_small_band_that_says_what_the_page_says(client, curated):
    from commitments.models import Commitment

    html = client.get("/commitments/").content.decode()
    rows = small_bands(html)
    published = set(Commitment.objects.published().values_list("slug", flat=True))
    assert {slug for slug, _ in rows} == published
    assert html.count('id="band-dots"') == 1  # the patterns are defined once on the page
    for slug, svg in rows:
        assert svg.get("role") == "img"
        _, text = band_of(client, f"/commitments/{slug}/")
        assert svg.find(f"{SVG}title").text == text, slug
    assert_one_axis(rows)


def assert_one_axis(rows):
    """Every band's first period starts at an x that is the same linear function of its date
    (read from the band's text equivalent): one time axis for every row."""
    points = []
    for _, svg in rows:
        text = svg.find(f"{SVG}title").text
        day = datetime.datetime.strptime(
            re.search(r" from (\d+ \w+ \d{4})", text).group(1), "%d %B %Y"
        )
        x = min(float(r.get("x")) for r in svg.iter(f"{SVG}rect") if r.get("stroke"))
        points.append((day.toordinal(), x))
    (d0, x0), (d1, x1) = min(points), max(points)
    assert d1 > d0
    assert x1 > x0
    for day, x in points:
        assert abs(x - (x0 + (x1 - x0) * (day - d0) / (d1 - d0))) < 0.2, (day, x)


def test_the_home_roadmap_draws_every_commitment_on_one_axis(client, curated):
    from commitments.models import Commitment

    html = client.get("/").content.decode()
    roadmap = html[html.index('id="roadmap"') : html.index('id="money"')]
    rows = small_bands(roadmap)
    on = datetime.date.today()
    public = Commitment.objects.public(on)
    assert sorted(slug for slug, _ in rows) == sorted(public.values_list("slug", flat=True))
    # In the order their bands start: the earliest-starting first.
    starts = [min(float(r.get("x")) for r in svg.iter(f"{SVG}rect") if r.get("stroke"))
              for _, svg in rows]  # fmt: skip
    assert starts == sorted(starts)
    assert_one_axis(rows)
    audit = dict(rows)["casey-national-audit"]
    assert "Delivered from 16 June 2025" in audit.find(f"{SVG}title").text
    # The key names each status, so the patterns can be read without colour.
    for label in ("Announced", "In progress", "Delivered", "Partly delivered", "Stalled"):
        assert f"</span> {label}</li>" in roadmap


def test_the_roadmap_follows_as_of(client, curated):
    from commitments.models import Commitment

    on = datetime.date(2025, 6, 1)
    html = client.get("/", {"as_of": on.isoformat()}).content.decode()
    roadmap = html[html.index('id="roadmap"') : html.index('id="money"')]
    rows = dict(small_bands(roadmap))
    assert set(rows) == set(Commitment.objects.public(on).values_list("slug", flat=True))
    assert "national-statutory-inquiry" not in rows  # announced on 16 June 2025
    audit = rows["casey-national-audit"].find(f"{SVG}title").text
    assert "Delivered" not in audit
    assert audit.startswith("Announced from 16 January 2025 to 20 February 2025")
    assert "to 1 June 2025." in audit
