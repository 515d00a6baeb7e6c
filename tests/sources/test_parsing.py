"""The capture parser, file by file and against malformed input. No database needed."""

import datetime
import hashlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sources.parsing import MAX_BYTES, parse

ROOT = Path(__file__).resolve().parents[2]
CAPTURES = ROOT / "fixtures" / "sources"
SAMPLES = Path(__file__).parent / "samples"
TODAY = datetime.date(2026, 11, 21)

PP = "Parallel Parliament"
D = datetime.date

# Every real capture in fixtures/sources (copies of ../shared/seeds and ../shared/sources), with
# the value each reported field must have. None means "not in the capture".
EXPECTED = {
    "000_830db60761bdff80.txt": {
        "kind": "written_answer",
        "title": "Offences against Children",
        "department": "Home Office",
        "publisher": None,
        "provenance": "primary_mirror",
        "uin": None,
        "asked_on": "2025-01-03",
        "answered_on": "2025-01-08",
        "published_on": "2025-01-08",
        "asked_by": None,
        "answered_by": "Jess Phillips",
        "url": None,
        "is_excerpt": False,
        "missing": ["publisher", "uin", "asked_by", "url"],
    },
    "001_d383c52f7d04b4c3.txt": {
        "kind": "written_answer",
        "title": "Offences against Children",
        "department": "Home Office",
        "uin": None,
        "asked_on": "2025-01-09",
        "answered_on": "2025-01-17",
        "answered_by": "Jess Phillips",
        "url": None,
        "is_excerpt": False,
        "missing": ["publisher", "uin", "asked_by", "url"],
    },
    "002_5b3fedb730473b4c.txt": {
        "kind": "written_answer",
        "title": "Offences against Children",
        "department": "Home Office",
        "asked_on": "2025-04-07",
        "answered_on": "2025-04-28",
        "answered_by": "Diana Johnson",
        "is_excerpt": False,
        "missing": ["publisher", "uin", "asked_by", "url"],
    },
    "003_a785daa9c8a6c801.txt": {
        "kind": "written_answer",
        "title": "Offences against Children",
        "department": "Home Office",
        "asked_on": "2025-01-07",
        "answered_on": "2025-01-15",
        "answered_by": "Jess Phillips",
        "is_excerpt": False,
        "missing": ["publisher", "uin", "asked_by", "url"],
    },
    "004_aa27b6e4088c5d31.txt": {
        "kind": "news_report",
        "title": "Home Secretary unveils new measures to tackle grooming gangs",
        "department": None,
        "publisher": None,
        "provenance": "secondary",
        "uin": None,
        "asked_on": None,
        "answered_on": None,
        # "Thursday afternoon (January 16)" gives no year: not a date the parser may use.
        "published_on": None,
        "answered_by": None,
        "url": None,
        "is_excerpt": False,
        "missing": ["publisher", "published_on", "url"],
    },
    "01_pq_62612_answered_2025-07-02.txt": {
        "kind": "written_answer",
        "title": "Offences against Children",
        "department": "Home Office",
        "publisher": PP,
        "provenance": "primary_mirror",
        "uin": "62612",
        "asked_on": "2025-06-25",
        "answered_on": "2025-07-02",
        "published_on": "2025-07-02",
        "answered_by": "Jess Phillips",
        "url": "https://parallelparliament.co.uk/question/62612/offences-against-children",
        "is_excerpt": False,
        "missing": ["asked_by"],
    },
    "02_pq_85359_answered_2025-11-04.txt": {
        "kind": "written_answer",
        "title": "Offences against Children",
        "department": "Home Office",
        "publisher": PP,
        "uin": "85359",
        "asked_on": "2025-10-27",
        "answered_on": "2025-11-04",
        "answered_by": "Jess Phillips",
        "url": "https://www.parallelparliament.co.uk/question/85359/offences-against-children",
        "is_excerpt": False,
        "missing": ["asked_by"],
    },
    "03_pq_99774_answered_2025-12-22.txt": {
        "kind": "written_answer",
        "title": "Child Sexual Abuse Independent Panel Inquiry",
        "department": "Home Office",
        "publisher": PP,
        "uin": "99774",
        "asked_on": "2025-12-15",
        "answered_on": "2025-12-22",
        "answered_by": "Jess Phillips",
        "url": "https://parallelparliament.co.uk/question/99774/"
        "child-sexual-abuse-independent-panel-inquiry",
        "is_excerpt": False,
        "missing": ["asked_by"],
    },
    "04_pq_107986_answered_2026-02-02.txt": {
        "kind": "written_answer",
        "title": "Offences against Children",
        "department": "Home Office",
        "uin": "107986",
        "asked_on": "2026-01-23",
        "answered_on": "2026-02-02",
        "answered_by": "Jess Phillips",
        "is_excerpt": False,
        "missing": ["asked_by"],
    },
    "08_pq_24742_NO_HEADER.txt": {
        "kind": "written_answer",
        "title": None,
        "department": "Home Office",
        "publisher": PP,
        "uin": "24742",
        "asked_on": None,
        "answered_on": None,
        "published_on": None,
        "answered_by": None,
        "url": "https://www.parallelparliament.co.uk/question/24742/offences-against-children",
        "is_excerpt": False,
        "missing": ["title", "asked_on", "answered_on", "published_on", "asked_by", "answered_by"],
    },
    "13_statement_2025-06-16_Cooper_Casey_report_PARTIAL.txt": {
        "kind": "oral_statement",
        "title": "Child Sexual Exploitation: Casey Report",
        # Only the speaker's designation names the department, and that block is not read.
        "department": None,
        "publisher": PP,
        "provenance": "primary_mirror",
        "uin": None,
        "asked_on": None,
        "answered_on": None,
        "published_on": "2025-06-16",
        "answered_by": "Yvette Cooper",
        "is_excerpt": True,
        "missing": ["department"],
    },
    "14_statement_2025-09-02_Phillips_group-based_CSEA_PARTIAL.txt": {
        "kind": "oral_statement",
        "title": "Group-based Child Sexual Exploitation and Abuse",
        "department": "Home Office",
        "publisher": PP,
        "published_on": "2025-09-02",  # from the URL: the text says only "(1 day, 8 hours ago)"
        "answered_by": "Jess Phillips",
        "is_excerpt": True,
        "missing": [],
    },
    "15_statement_2025-12-09_Mahmood_independent_inquiry_PARTIAL.txt": {
        "kind": "oral_statement",
        "title": "Grooming Gangs: Independent Inquiry",
        "department": None,
        "published_on": "2025-12-09",
        "answered_by": "Shabana Mahmood",
        "url": "https://www.parallelparliament.co.uk/debate/2025-12-09/commons/commons-chamber/"
        "grooming-gangs-independent-inquiry/ministerial-extracts",
        "is_excerpt": True,
        "missing": ["department"],
    },
}


def read(name: str) -> bytes:
    return (CAPTURES / name).read_bytes()


def test_every_real_capture_is_covered():
    assert sorted(p.name for p in CAPTURES.glob("*.txt")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_capture_field_by_field(name):
    result = parse(read(name), filename=name, today=TODAY)
    assert not result.refused, result.reason
    fields = result.fields()
    expected = dict(EXPECTED[name])
    assert result.missing == expected.pop("missing")
    for field, value in expected.items():
        assert fields[field] == value, field
    assert fields["sha256"] == hashlib.sha256(result.text.encode()).hexdigest()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_stored_text_drops_the_url_line_and_the_loader_line_and_nothing_else(name):
    raw = read(name).decode()
    result = parse(raw, filename=name, today=TODAY)
    assert "Reticulating Splines" not in result.text
    assert not result.text.startswith("http")
    kept = raw.split("\n", 1)[1] if raw.startswith("http") else raw
    kept = kept.strip("\n").removesuffix("Reticulating Splines").rstrip("\n")
    assert result.text == kept


def test_the_role_beside_the_portrait_is_never_read():
    text = read("002_5b3fedb730473b4c.txt").decode()
    result = parse(text, today=TODAY)
    assert result.values["answered_by"] == "Diana Johnson"
    assert "Minister of State" not in " ".join(str(v) for v in result.values.values() if v)
    assert not result.values["answer_text"].startswith("Minister of State")


def test_question_and_answer_are_split_at_the_answer_block():
    result = parse(read("000_830db60761bdff80.txt"), today=TODAY)
    assert result.values["question_text"] == (
        "To ask the Secretary of State for the Home Department, if she will launch an inquiry "
        "into grooming and rape gangs."
    )
    assert result.values["answer_text"].startswith("The Government's priority is to take action")
    assert result.values["answer_text"].endswith(
        "including dealing with the issues around ethnicity."
    )
    assert "Answered by" not in result.values["answer_text"]


def test_capture_without_header_splits_question_from_answer_and_says_what_is_unknown():
    result = parse(read("08_pq_24742_NO_HEADER.txt"), today=TODAY)
    assert result.values["question_text"].startswith("To ask the Secretary of State")
    assert result.values["question_text"].endswith(
        "whether this information is held by her Department."
    )
    assert result.values["answer_text"].startswith("The information previously requested")
    assert "£2.5m will enable the increase of investigations" in result.values["answer_text"]
    assert any("no heading" in note for note in result.notes)
    # "question 23051" in the body is another question, not this one's UIN.
    assert result.values["uin"] == "24742"


def test_uin_is_not_taken_from_the_body_of_the_text():
    result = parse(read("002_5b3fedb730473b4c.txt"), today=TODAY)  # mentions "question 44194"
    assert result.fields()["uin"] is None


def test_partial_statement_is_an_excerpt_and_says_why():
    result = parse(read("13_statement_2025-06-16_Cooper_Casey_report_PARTIAL.txt"), today=TODAY)
    assert result.values["is_excerpt"]
    note = " ".join(result.notes)
    assert "Ministerial Extracts only" in note
    assert "mid-sentence" in note


def test_excerpt_detected_from_the_text_alone_without_the_file_name():
    raw = read("14_statement_2025-09-02_Phillips_group-based_CSEA_PARTIAL.txt")
    result = parse(raw, filename="capture.txt", today=TODAY)
    assert result.values["is_excerpt"]
    assert "mid-sentence" in " ".join(result.notes)


def test_official_parliament_question_layout():
    result = parse((SAMPLES / "official_question.txt").read_bytes(), today=TODAY)
    assert result.layout == "official_question"
    fields = result.fields()
    assert fields["kind"] == "written_answer"
    assert fields["title"] == "Child Sexual Exploitation"
    assert fields["department"] == "Home Office"
    assert fields["uin"] == "40965"
    assert fields["asked_on"] == "2016-06-20"
    assert fields["answered_on"] == "2016-06-27"
    assert fields["published_on"] == "2016-06-27"
    assert fields["asked_by"] == "A. Member"
    assert fields["answered_by"] == "A. Minister"
    assert fields["publisher"] == "UK Parliament"
    assert fields["provenance"] == "primary"
    assert result.values["question_text"].startswith("To ask the Secretary of State")
    assert result.values["answer_text"] == (
        "The Government is committed to tackling child sexual exploitation in all its forms."
        "\n\nWe continue to work with local authorities and the police."
    )
    assert result.missing == []


def test_official_layout_with_the_date_on_the_answered_on_line_and_no_url():
    text = (SAMPLES / "official_question.txt").read_text().split("\n", 1)[1]
    text = text.replace("Answered on\n27 June 2016", "Answered on 27 June 2016")
    result = parse(text, today=TODAY)
    assert result.fields()["answered_on"] == "2016-06-27"
    assert "url" in result.missing
    assert "publisher" in result.missing


def test_official_layout_refuses_a_url_for_another_question():
    text = (SAMPLES / "official_question.txt").read_text().replace("/40965", "/40966", 1)
    result = parse(text, today=TODAY)
    assert result.refused
    assert "UIN 40965" in result.reason
    assert "40966" in result.reason


def test_news_report_from_gov_uk_is_a_primary_press_release_with_its_date():
    text = (
        "https://www.gov.uk/government/news/example\n"
        "Example press release title\n"
        "Published 16 January 2025\n"
        "The Home Secretary has announced new measures. They will be funded in full.\n"
    )
    fields = parse(text, today=TODAY).fields()
    assert fields["kind"] == "press_release"
    assert fields["publisher"] == "GOV.UK"
    assert fields["provenance"] == "primary"
    assert fields["published_on"] == "2025-01-16"


@pytest.mark.parametrize(
    ("url", "publisher"),
    [
        ("https://www.legislation.gov.uk/ukpga/2025/1/section/1", "legislation.gov.uk"),
        ("https://www.gov.uk/government/news/example", "GOV.UK"),
        ("https://assets.publishing.service.gov.uk/media/x.pdf", "GOV.UK"),
        ("https://hansard.parliament.uk/commons/2025-06-16/debates/x", "Hansard (UK Parliament)"),
        ("https://www.parliament.uk/business/x", "UK Parliament"),
    ],
)
def test_the_most_specific_known_publisher_wins(url, publisher):
    """Issue 11: legislation.gov.uk pages were recorded as published by "GOV.UK"."""
    text = f"{url}\nA page title\n" + "The body of the page says what it says. " * 5
    assert parse(text, today=TODAY).fields()["publisher"] == publisher


def test_a_lords_uin_is_kept_from_the_url():
    """Issue 11: Lords written questions (UIN "HL1234") lost their UIN when only the URL
    gave it."""
    raw = read("01_pq_62612_answered_2025-07-02.txt").decode()  # its UIN is only in its URL
    result = parse(raw.replace("/question/62612/", "/question/HL4321/"), today=TODAY)
    assert not result.refused, result.reason
    assert result.fields()["uin"] == "HL4321"


def test_unknown_publisher_is_named_by_its_host_and_stays_secondary():
    text = "https://news.example.org/a\nTitle here\n" + "Body of the article. " * 10
    fields = parse(text, today=TODAY).fields()
    assert fields["publisher"] == "news.example.org"
    assert fields["provenance"] == "secondary"


def test_windows_line_endings_and_a_bom_give_the_same_text_and_hash():
    raw = read("01_pq_62612_answered_2025-07-02.txt")
    windows = b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n")
    assert parse(windows, today=TODAY).sha256 == parse(raw, today=TODAY).sha256


# -- refusals ---------------------------------------------------------------------------------

SEED = read("000_830db60761bdff80.txt").decode()
# A news capture's first 5 KB: past the 4 KB that were once the only part checked for HTML.
PLAIN_5K = "A title\n" + "Plain words in a sentence. " * 200 + "\n"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n\n \t\n", "empty"),
        (b"https://example.org/a\n\nReticulating Splines\n", "no text after the URL"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"GIF89a\x01\x00\x01\x00\x80\x01\x00", "binary"),
        ("Offences\n\nCost: \u00a35m for the fund.".encode("latin-1"), "not UTF-8"),
        (b"<!DOCTYPE html>\n<html><head><title>x</title></head><body>x</body></html>", "HTML"),
        (b"<html>\n<body><p>Question to the Home Office:</p></body></html>", "HTML"),
        (b"x" * (MAX_BYTES + 1), "too large"),
        (SEED.replace("3rd January 2025", "31st February 2025").encode(), "not a real date"),
        (SEED.replace("8th January 2025", "30th February 2025").encode(), "not a real date"),
        (SEED.replace("8th January 2025", "8th January 2099").encode(), "in the future"),
        (SEED.replace("8th January 2025", "1st January 2025").encode(), "before it was asked"),
        ("https://exa mple.org/x\n" + SEED, "not a valid one"),
        ("hello", "unrecognised layout"),
        ("Just a line\nand another.", "unrecognised layout"),
        (
            SEED.replace("Jess Phillips\nParliamentary", "Diana Johnson\nParliamentary"),
            "not the portrait's",
        ),
        (
            read("13_statement_2025-06-16_Cooper_Casey_report_PARTIAL.txt")
            .decode()
            .replace("Monday 16th June 2025", "Tuesday 16th June 2025"),
            "was a Monday, not a Tuesday",
        ),
        (
            read("13_statement_2025-06-16_Cooper_Casey_report_PARTIAL.txt")
            .decode()
            .replace("Monday 16th June 2025", "Tuesday 17th June 2025"),
            "URL says 2025-06-16",
        ),
        (
            "Question to the Home Office:\nWhy?\nThe answer.",
            'does not start with "To ask"',
        ),
        (PLAIN_5K + "<html>\n<body><div>Question to the Home Office:</div></body></html>", "HTML"),
        (PLAIN_5K + '<div class="answer">\n<p>The answer.</p>\n</div>', "HTML"),
        (PLAIN_5K + "<!DOCTYPE html>", "HTML"),
    ],
    ids=[
        "empty",
        "blank",
        "url-only",
        "png",
        "gif",
        "latin-1",
        "html",
        "html-with-pq",
        "too-large",
        "31-february-asked",
        "30-february-answered",
        "future",
        "answered-before-asked",
        "bad-url",
        "one-word",
        "no-layout",
        "names-disagree",
        "wrong-weekday",
        "date-not-the-url",
        "no-to-ask",
        "html-after-5-kb",
        "markup-after-5-kb",
        "doctype-after-5-kb",
    ],
)
def test_malformed_input_is_refused_with_a_clear_reason(data, reason):
    result = parse(data, today=TODAY)
    assert result.refused
    assert reason in result.reason
    assert result.fields()["sha256"] is None


def test_prose_that_mentions_a_tag_or_two_is_not_an_html_page():
    # A page is refused for markup anywhere, but a report may quote a tag: two are allowed
    # after the first 4 KB (in which any tag still marks a page), and <br> is no page tag.
    text = PLAIN_5K + "The form drops the <p> and </p> tags, and every <br>. It is fixed."
    result = parse(text, today=TODAY)
    assert not result.refused, result.reason
    assert result.layout == "news"
    assert parse("Title\nThe <br> tag is not a page tag. " * 5, today=TODAY).layout == "news"
    assert "HTML" in parse(text + " <div>", today=TODAY).reason


def test_latin1_refusal_says_where_the_bad_byte_is():
    result = parse("Title\n\u00a35m".encode("latin-1"), today=TODAY)
    assert result.reason.startswith("not UTF-8: byte 0xa3 at offset 6")


# -- never raises -----------------------------------------------------------------------------

LAYOUT_WORDS = st.sampled_from(
    [
        "Question to the Home Office:",
        "Question for Home Office",
        "UIN 12, tabled on 31 February 2016",
        "UIN 12, tabled on 3 March 2016",
        "Answered by",
        "Answered on",
        "Jess Phillips Portrait",
        "Jess Phillips",
        "This question was answered on 8th January 2025",
        "(asked on 3rd January 2025) - View Source",
        "(Limited Text - Ministerial Extracts only)",
        "Monday 16th June 2025",
        "- View Speech - Hansard - - - Excerpts",
        "Full Debate: Read Full Debate",
        "Main Page: A (B)Department Debates - View all A's debates with the Home Office",
        "Commons Chamber",
        "To ask the Secretary of State",
        "https://parallelparliament.co.uk/question/1/x",
        "https://www.parallelparliament.co.uk/debate/2025-02-30/x",
        "Reticulating Splines",
        "",
    ]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text())
def test_parser_never_raises_on_arbitrary_text(text):
    result = parse(text, today=TODAY)
    assert result.refused or result.text


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary())
def test_parser_never_raises_on_arbitrary_bytes(data):
    result = parse(data, today=TODAY)
    assert result.refused or result.text


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.one_of(LAYOUT_WORDS, st.text(max_size=80)), max_size=25))
def test_parser_never_raises_on_scrambled_layouts(lines):
    result = parse("\n".join(lines), today=TODAY)
    if not result.refused:
        fields = result.fields()
        assert fields["kind"]
        for name in ("asked_on", "answered_on", "published_on"):
            if fields[name]:
                assert datetime.date.fromisoformat(fields[name]) <= TODAY
        if fields["asked_on"] and fields["answered_on"]:
            assert fields["answered_on"] >= fields["asked_on"]
