"""The status band: status periods on a time axis, deadlines marked, drawn as SVG with a text
equivalent that says the same."""

import datetime
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
