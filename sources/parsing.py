"""Read a plain-text capture of a public document into SourceDocument fields.

One parser serves the `import_sources` command and the admin's import page. It recognises four
layouts and never guesses: a field the text does not give is left empty and listed in
`missing`; a file it cannot read or recognise is refused with the reason.

- ``written_answer``: a written-answer page as mirrored by Parallel Parliament (a heading;
  "(asked on 3rd January 2025) - View Source"; "Question to the Home Office:"; the question;
  "Answered by"; "<Name> Portrait"; the name; a role line; "This question was answered on
  8th January 2025"; the answer). The role line is the minister's role on the day the page was
  captured, not when they answered, so it is never read. A capture that starts at
  "Question to ..." is accepted with the missing fields reported.
- ``official_question``: the UK Parliament questions site ("Question for Home Office",
  "UIN 40965, tabled on 20 June 2016", "Answered on", the date, the answer, "Answered by").
- ``statement``: a ministerial statement or debate extract as mirrored by Parallel Parliament
  (a title, "(Limited Text - Ministerial Extracts only)", "Monday 16th June 2025",
  "<Name> Portrait <designation>", the speech), or the same from a member's page ("Full Debate:
  Read Full Debate<Name>", "Main Page: <Name> (...) ... debates with the Home Office").
- ``news``: a title line, then the body.

An optional first line holding a URL is the source URL. A trailing page-loader line
("Reticulating Splines") is not part of the document and is dropped from the stored text.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from .models import Provenance, SourceDocument, SourceKind
from .text import normalise_line_breaks, unprintable

MAX_BYTES = 2 * 1024 * 1024
"""The largest capture accepted. A long Commons debate is a few hundred kilobytes of text."""

LOADER_LINES = frozenset({"Reticulating Splines"})
"""Lines that page loaders leave at the end of a capture; never part of the document."""

# The fields the importer reports, in this order; `missing` is drawn from them.
REPORTED_FIELDS = (
    "kind",
    "title",
    "department",
    "publisher",
    "provenance",
    "uin",
    "asked_on",
    "answered_on",
    "published_on",
    "asked_by",
    "answered_by",
    "url",
    "is_excerpt",
    "sha256",
)

# Which fields a document of each kind should give; those it does not are reported missing.
EXPECTED_FIELDS = {
    SourceKind.WRITTEN_ANSWER: (
        "title",
        "department",
        "publisher",
        "uin",
        "asked_on",
        "answered_on",
        "published_on",
        "asked_by",
        "answered_by",
        "question_text",
        "answer_text",
        "url",
    ),
    SourceKind.ORAL_STATEMENT: (
        "title",
        "department",
        "publisher",
        "published_on",
        "answered_by",
        "url",
    ),
    SourceKind.DEBATE: ("title", "department", "publisher", "published_on", "answered_by", "url"),
    SourceKind.NEWS_REPORT: ("title", "publisher", "published_on", "url"),
}

# Publishers known by their web address (a subdomain takes its most specific entry). Any other
# address is recorded by its host name.
PUBLISHERS = {
    "parallelparliament.co.uk": ("Parallel Parliament", Provenance.PRIMARY_MIRROR),
    "questions-statements.parliament.uk": ("UK Parliament", Provenance.PRIMARY),
    "hansard.parliament.uk": ("Hansard (UK Parliament)", Provenance.PRIMARY),
    "bills.parliament.uk": ("UK Parliament", Provenance.PRIMARY),
    "committees.parliament.uk": ("UK Parliament", Provenance.PRIMARY),
    "parliament.uk": ("UK Parliament", Provenance.PRIMARY),
    "gov.uk": ("GOV.UK", Provenance.PRIMARY),
    "legislation.gov.uk": ("legislation.gov.uk", Provenance.PRIMARY),
    "policeprofessional.com": ("Police Professional", Provenance.SECONDARY),
    "bbc.co.uk": ("BBC News", Provenance.SECONDARY),
    "theguardian.com": ("The Guardian", Provenance.SECONDARY),
}

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sep", "Sept"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DATE = (
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>"
    + "|".join(_MONTHS)
    + r")\.?,?\s+(?P<year>\d{4})"
)
_DATE_RE = re.compile(_DATE)
# An HTML page: any of these tag openings in the first 4 KB...
_HTML = re.compile(r"<\s*(?:!doctype|html|head|body|div|p|script|meta|title|table)\b", re.I)
_HTML_START = 4096
# ...or, anywhere in the text, a page's own tags (<!DOCTYPE>, <html>, <head>, <body>), or markup:
# at least three whole tags of those kinds. A capture whose prose mentions a tag or two is not
# a page. Each attempt stops at the next "<" or ">", so the search is linear.
_HTML_TAG = re.compile(
    r"<(?:(?P<page>!doctype|/?(?:html|head|body))|/?(?:div|p|script|meta|title|table))\b[^<>]*>",
    re.I,
)
_HTML_MARKUP_TAGS = 3
_NON_SPACE = re.compile(r"\S")  # \s is what str.strip() strips
_BLANK_LINE = re.compile(r"^[^\S\n]*$", re.M)

# written_answer (Parallel Parliament)
_ASKED = re.compile(r"\(asked on " + _DATE + r"\)")
_QUESTION_TO = re.compile(r"Question to (?:the )?(?P<department>[^:]{2,120}):")
_PORTRAIT = re.compile(r"(?P<name>[^.]{2,80}?) Portrait\b ?(?P<rest>.*)")
_ANSWERED_ON = re.compile(r"This question was answered on " + _DATE)
_ANSWERED_BY = re.compile(r"Answered by")
# Commons UINs are numbers; Lords UINs start "HL" (/question/HL1234).
_MIRROR_UIN = re.compile(r"/question/(?P<uin>(?:HL)?\d{1,9})(?:/|$)")
# official_question (UK Parliament)
_QUESTION_FOR = re.compile(r"Question for (?P<department>.{2,120})")
_OFFICIAL_UIN = re.compile(r"UIN (?P<uin>[A-Z]{0,4}\d{1,9}), tabled on " + _DATE)
_OFFICIAL_UIN_IN_URL = re.compile(
    r"/written-questions/detail/\d{4}-\d{2}-\d{2}/(?P<uin>[A-Z]{0,4}\d{1,9})(?:/|$)"
)
_ANSWERED_ON_OFFICIAL = re.compile(r"Answered on(?:\s+" + _DATE + r")?")
_TO_ASK = re.compile(r"To ask")  # matched at the start of a line
_PARTIES = (
    r"Labour|Conservative|Liberal Democrat|Scottish National Party|SNP|Green Party|"
    r"Plaid Cymru|Democratic Unionist Party|DUP|Reform UK|Independent|Crossbench|"
    r"Non-affiliated|Bishops|Sinn Féin|Alliance|Social Democratic (?:&|and) Labour Party|"
    r"Ulster Unionist Party|Traditional Unionist Voice|Labour \(Co-op\)|Speaker"
)
_PARTY = re.compile(r"(?:" + _PARTIES + r")\b.*")
# statement (Parallel Parliament)
_EXTRACTS = "(Limited Text - Ministerial Extracts only)"
_EXTRACTS_LINE = re.compile(re.escape(_EXTRACTS))
_SITTING = re.compile(r"(?P<weekday>" + "|".join(_WEEKDAYS) + r")\s+" + _DATE)
_VIEW_SPEECH = re.compile(r"- View Speech\b.*")
_FULL_DEBATE = re.compile(r"Full Debate: Read Full Debate(?P<name>.*)")
# Matched against stripped lines, so the department runs to the end of the line. (Not
# "(?P<department>.+?)\s*", which is quadratic in a run of spaces inside the department.)
_MAIN_PAGE = re.compile(
    r"Main Page: (?P<name>[^()]+?) \((?P<member>[^)]*)\)"
    r"(?:.*debates with (?:the )?(?P<department>.+))?"
)
_CHAMBERS = ("Commons Chamber", "Lords Chamber", "Westminster Hall", "Grand Committee")
_LONG_LINE = 200
# Where a statement's body may start without a speaker line: a line that starts with a chamber
# or is long. The search finds every such line (and a few more, checked one by one).
_BODY_CANDIDATE = re.compile(
    r"^[^\S\n]*(?:" + "|".join(_CHAMBERS) + r")|^[^\n]{" + str(_LONG_LINE + 1) + "}", re.M
)
_RELATIVE = re.compile(r"\(\d+ (?:minute|hour|day|week|month|year)s?(?:, \d+ \w+)? ago\)")
_STATEMENT_OPENING = re.compile(
    r"(?:With (?:your )?permission(?:, [^,]{1,60})?, )?I (?:will|would like to|wish to|shall) "
    r"(?:now )?(?:make a statement|update the House)"
)
_URL_DATE = re.compile(r"/(?P<date>\d{4}-\d{2}-\d{2})(?:/|$)")
# news
_PUBLISHED = re.compile(r"(?:Published|Posted|Updated)(?: on)?:?\s+" + _DATE)
# Two lowercase letters and a full stop, question or exclamation mark: prose, not a list of
# headings. (Not [a-z]{2,}[.?!], which is quadratic on a long run of letters with no stop.)
_WORD_END = re.compile(r"[a-z]{2}[.?!]")
_SENTENCE_END = (".", "?", "!", '"', "\u201d", "\u2019", "'", ")", "]")


def _literal(*words: str) -> re.Pattern:
    return re.compile("|".join(map(re.escape, words)))


# For each pattern matched against whole lines, a needle: a search that finds a part of every
# line the pattern can match. `_Lines.find()` searches the whole text for the needle and tries
# the pattern only on the lines holding it, so that no search takes a Python step per line.
_NEEDLES = {
    _QUESTION_TO: _literal("Question to "),
    _ASKED: _literal("(asked on "),
    _PORTRAIT: _literal(" Portrait"),
    _ANSWERED_ON: _literal("This question was answered on "),
    _ANSWERED_BY: _literal("Answered by"),
    _QUESTION_FOR: _literal("Question for "),
    _OFFICIAL_UIN: _literal(", tabled on "),
    _ANSWERED_ON_OFFICIAL: _literal("Answered on"),
    _TO_ASK: _literal("To ask"),
    _PARTY: re.compile(_PARTIES),
    _EXTRACTS_LINE: _literal(_EXTRACTS),
    _SITTING: _literal(*_WEEKDAYS),
    _VIEW_SPEECH: _literal("- View Speech"),
    _FULL_DEBATE: _literal("Full Debate: Read Full Debate"),
    _MAIN_PAGE: _literal("Main Page: "),
    _PUBLISHED: _literal("Published", "Posted", "Updated"),
}


class Refused(Exception):
    """The document cannot be imported; the message says why."""


@dataclass
class ParseResult:
    """What the parser read from one capture (or why it refused it)."""

    reason: str = ""
    layout: str = ""
    text: str = ""
    values: dict = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.reason)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest() if self.text else ""

    def fields(self) -> dict:
        """The reported fields, JSON-ready (dates as ISO 8601, absent values as None)."""
        values = {**self.values, "sha256": self.sha256 or None}
        out = {}
        for name in REPORTED_FIELDS:
            value = values.get(name)
            if isinstance(value, datetime.date):
                value = value.isoformat()
            out[name] = None if value == "" else value
        out["is_excerpt"] = bool(values.get("is_excerpt"))
        return out


def parse(
    data: bytes | str, *, filename: str = "", today: datetime.date | None = None
) -> ParseResult:
    """Parse one capture. Never raises: a refusal comes back as `ParseResult.reason`."""
    try:
        return _Parser(filename=filename, today=today or datetime.date.today()).parse(data)
    except Refused as refusal:
        return ParseResult(reason=str(refusal))


def printable(text: str) -> str:
    """`text` with each character that is not printable written as a Python escape.

    For file names and anything else from outside that is printed or stored as a label: control
    characters and terminal escape codes ("\\x1b[31m"), line breaks ("\\n"), bidirectional
    overrides ("\\u202e") and, in a file name, bytes that are not UTF-8 ("\\xff") come out as
    escapes. Printable text, backslashes included, is left alone, so escaping twice changes
    nothing.
    """
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else _escaped(char) for char in text)


def _escaped(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8 (os.fsdecode)
        return f"\\x{code - 0xDC00:02x}"
    return repr(char)[1:-1]


def decode(data: bytes | str) -> str:
    """The text of a capture, or `Refused` when it is empty, binary, too large or not UTF-8."""
    if isinstance(data, str):
        if len(data) > MAX_BYTES:
            raise Refused(f"too large: over {MAX_BYTES // 1024 // 1024} MiB of text")
        text = data
    else:
        if len(data) > MAX_BYTES:
            raise Refused(f"too large: over {MAX_BYTES // 1024 // 1024} MiB")
        if b"\x00" in data:
            raise Refused("binary file (it contains NUL bytes), not a text capture")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise Refused(
                f"not UTF-8: byte 0x{data[error.start]:02x} at offset {error.start} is not "
                "valid UTF-8; save the capture as UTF-8 and import it again"
            ) from None
    # Line breaks and control characters by the rule every stored text follows (sources.fields),
    # so the hash computed here is the hash of what is stored.
    text = normalise_line_breaks(text.removeprefix("\ufeff"))
    if not text.strip():
        raise Refused("empty file: there is no text to store")
    if where := unprintable(text):
        raise Refused(
            f"binary file: it contains the control character {where}, which no text capture has"
        )
    if _looks_like_html(text):
        raise Refused(
            "this is an HTML page, not a text capture: save the page's text (select all, copy, "
            "paste into a .txt file) and import that"
        )
    return text


def _looks_like_html(text: str) -> bool:
    if _HTML.search(text, 0, _HTML_START):
        return True
    for tags, tag in enumerate(_HTML_TAG.finditer(text), start=1):
        if tag["page"] or tags >= _HTML_MARKUP_TAGS:
            return True
    return False


class _Parser:
    def __init__(self, *, filename: str, today: datetime.date):
        self.filename = filename
        self.today = today
        self.notes: list[str] = []

    # -- entry point --------------------------------------------------------------------------

    def parse(self, data: bytes | str) -> ParseResult:
        text = decode(data)
        url = ""
        first = _first_line(text)
        if first is not None and first[1].strip().lower().startswith(("http://", "https://")):
            url = self.check_url(first[1].strip())
            text = text[first[0] + len(first[1]) + 1 :]
        lines = _drop_trailing_loader_lines(text.split("\n"))
        stored = "\n".join(lines).strip("\n")
        if not stored.strip():
            raise Refused("there is no text after the URL line")
        self.lines = _Lines(stored)
        self.url = url

        for layout, method in (
            ("official_question", self.official_question),
            ("written_answer", self.written_answer),
            ("statement", self.statement),
            ("news", self.news),
        ):
            values = method()
            if values is not None:
                return self.finish(layout, stored, values)
        raise Refused(
            'unrecognised layout: expected a written answer ("Question to the ...:"), an '
            'official parliament question ("Question for ...", "UIN ..."), a ministerial '
            "statement or debate extract, or a news report (a title line, then the body)"
        )

    def finish(self, layout: str, stored: str, values: dict) -> ParseResult:
        values["url"] = self.url
        if self.url:
            publisher, provenance = _publisher(self.url)
            values["publisher"] = publisher
            if provenance is not None:
                values["provenance"] = provenance
                if layout == "news" and provenance == Provenance.PRIMARY:
                    values["kind"] = SourceKind.PRESS_RELEASE
        for name in ("title", "department", "asked_by", "answered_by"):
            value = values.get(name) or ""
            limit = SourceDocument._meta.get_field(name).max_length
            if len(value) > limit:
                raise Refused(f"the {name.replace('_', ' ')} is longer than {limit} characters")
        asked, answered = values.get("asked_on"), values.get("answered_on")
        if asked and answered and answered < asked:
            raise Refused(
                f"impossible dates: answered on {answered.isoformat()}, before it was asked on "
                f"{asked.isoformat()}"
            )
        if values.get("published_on") is None and answered:
            values["published_on"] = answered
        excerpt_reasons = self.excerpt_reasons(stored, values.pop("excerpt_marker", ""))
        values["is_excerpt"] = bool(excerpt_reasons)
        if excerpt_reasons:
            self.notes.append("Stored as an excerpt: " + "; ".join(excerpt_reasons) + ".")
        kind = values["kind"]
        expected = EXPECTED_FIELDS.get(kind, ())
        missing = [name for name in expected if values.get(name) in (None, "")]
        return ParseResult(
            layout=layout, text=stored, values=values, missing=missing, notes=self.notes
        )

    # -- layouts ------------------------------------------------------------------------------

    def written_answer(self) -> dict | None:
        lines = self.lines
        header = lines.find(_QUESTION_TO)
        if header is None:
            return None
        index, match = header
        values: dict = {
            "kind": SourceKind.WRITTEN_ANSWER,
            "department": match["department"].strip(),
        }
        values["provenance"] = Provenance.PRIMARY_MIRROR
        title_end = index
        asked = lines.find(_ASKED, stop=index, prefix=True)
        if asked is not None:
            values["asked_on"] = self.date(asked[1], asked[0])
            title_end = asked[0]
        before = _content(lines[:title_end])
        if before:
            values["title"] = " ".join(before)
        answered_by = lines.find(_ANSWERED_BY, start=index + 1)
        if answered_by is not None:
            by = answered_by[0]
            values["question_text"] = _paragraphs(lines[index + 1 : by])
            block_end, name = self.portrait_block(lines, by + 1)
            answered = lines.find(_ANSWERED_ON, start=by + 1)
            if answered is not None:
                values["answered_on"] = self.date(answered[1], answered[0])
                block_end = answered[0] + 1
            elif name:
                self.notes.append(
                    'There is no "This question was answered on" line: the answer date is not '
                    "known from the capture."
                )
            values["answered_by"] = name
            values["answer_text"] = _paragraphs(lines[block_end:])
        else:
            # No "Answered by" block: the question is the line that starts "To ask" (a written
            # question is one paragraph); everything after it is the answer.
            start = lines.next_content(index + 1)
            if start is None or not lines[start].strip().startswith("To ask"):
                raise Refused(
                    'the question does not start with "To ask" and there is no "Answered by" '
                    "block, so the question cannot be told from the answer"
                )
            values["question_text"] = lines[start].strip()
            values["answer_text"] = _paragraphs(lines[start + 1 :])
            self.notes.append(
                'The capture has no heading, no "(asked on ...)" line and no "Answered by" '
                "block: title, dates and the answering minister are not known from it."
            )
        values["uin"] = self.uin_from_url(_MIRROR_UIN)
        return values

    def official_question(self) -> dict | None:
        lines = self.lines
        header = lines.find(_QUESTION_FOR)
        uin_line = lines.find(_OFFICIAL_UIN)
        if header is None or uin_line is None:
            return None
        values: dict = {
            "kind": SourceKind.WRITTEN_ANSWER,
            "department": header[1]["department"].strip(),
            "uin": uin_line[1]["uin"],
            "asked_on": self.date(uin_line[1], uin_line[0]),
            "provenance": Provenance.PRIMARY,
        }
        url_uin = self.uin_from_url(_OFFICIAL_UIN_IN_URL)
        if url_uin and url_uin != values["uin"]:
            raise Refused(f"the text says UIN {values['uin']} but the URL says {url_uin}")
        header_end = max(header[0], uin_line[0])
        to_ask = lines.find(_TO_ASK, start=header_end + 1, prefix=True)
        ask = to_ask[0] if to_ask is not None else None
        answered = lines.find(_ANSWERED_ON_OFFICIAL, start=(ask or header_end) + 1)
        by = lines.find(_ANSWERED_BY, start=(ask or header_end) + 1)
        # Heading lines: any before "Question for", and any between the header and "To ask".
        heading = _content(lines[: min(header[0], uin_line[0])])
        between = _content(lines[header_end + 1 : ask]) if ask else []
        party = None
        if between:
            party_line = lines.find(_PARTY, start=header_end + 1, stop=ask)
            if party_line is not None:
                party = len(_content(lines[header_end + 1 : party_line[0]]))
        if party is not None and party >= 1:
            values["asked_by"] = between[party - 1]
            heading += between[: party - 1]
        else:
            heading += between
        if heading:
            values["title"] = heading[0]
        if ask is not None:
            question_end = answered[0] if answered else (by[0] if by else len(lines))
            values["question_text"] = _paragraphs(lines[ask:question_end])
        if answered is not None:
            at = answered[0]
            if answered[1]["year"]:
                values["answered_on"] = self.date(answered[1], at)
                answer_start = at + 1
            else:
                date_at = lines.next_content(at + 1)
                match = _DATE_RE.fullmatch(lines[date_at].strip()) if date_at is not None else None
                if match is None:
                    raise Refused(f'line {at + 2}: "Answered on" is not followed by a date')
                values["answered_on"] = self.date(match, date_at)
                answer_start = date_at + 1
            answer_end = by[0] if by and by[0] > answer_start else len(lines)
            values["answer_text"] = _paragraphs(lines[answer_start:answer_end])
        if by is not None:
            name_at = lines.next_content(by[0] + 1)
            if name_at is not None:
                # "Name" or "Name, role": the role is never read.
                values["answered_by"] = _name_only(lines[name_at].strip().split(",")[0])
        return values

    def statement(self) -> dict | None:
        lines = self.lines
        full_debate = lines.find(_FULL_DEBATE)
        extracts = lines.find(_EXTRACTS_LINE) is not None
        view_speech = lines.find(_VIEW_SPEECH)
        if not (extracts or full_debate or view_speech):
            return None
        values: dict = {"provenance": Provenance.PRIMARY_MIRROR}
        first = lines.next_content(0)
        if first is None:
            return None
        title = lines[first].strip()
        if full_debate and title.endswith(" Debate"):
            title = title.removesuffix(" Debate")
        values["title"] = title
        if extracts:
            values["excerpt_marker"] = f'the page says "{_EXTRACTS}"'
        sitting = lines.find(_SITTING)
        if sitting is not None:
            day = self.date(sitting[1], sitting[0])
            weekday = sitting[1]["weekday"]
            if _WEEKDAYS[day.weekday()] != weekday:
                raise Refused(
                    f"line {sitting[0] + 1}: {day:%-d %B %Y} was a {_WEEKDAYS[day.weekday()]}, "
                    f"not a {weekday}"
                )
            values["published_on"] = day
        url_date = self.date_from_url()
        if url_date and values.get("published_on") and url_date != values["published_on"]:
            raise Refused(
                f"the page is dated {values['published_on'].isoformat()} but its URL says "
                f"{url_date.isoformat()}"
            )
        if url_date and not values.get("published_on"):
            values["published_on"] = url_date
            self.notes.append(
                "The sitting date is taken from the page's URL; the captured text shows only a "
                "relative time."
            )
        main_page = lines.find(_MAIN_PAGE)
        if main_page is not None:
            values["answered_by"] = main_page[1]["name"].strip()
            if main_page[1]["department"]:
                values["department"] = main_page[1]["department"].strip()
        body_start = None
        speaker = lines.find(_PORTRAIT)
        if speaker is not None and not values.get("answered_by"):
            values["answered_by"] = _name_only(speaker[1]["name"])
        if view_speech is not None:
            body_start = view_speech[0] + 1
        elif speaker is not None:
            body_start = speaker[0] + 1
        else:
            for i in lines.holding(_BODY_CANDIDATE):
                line = lines[i].strip()
                if line.startswith(_CHAMBERS) and line not in _CHAMBERS:
                    body_start = i
                    break
                if (
                    i > 0
                    and not _RELATIVE.fullmatch(line)
                    and not line.startswith(("Full Debate:", "Main Page:"))
                    and line not in _CHAMBERS
                    and len(line) > _LONG_LINE
                ):
                    body_start = i
                    break
        body = _paragraphs(lines[body_start:]) if body_start is not None else ""
        for chamber in _CHAMBERS:
            if body.startswith(chamber) and body != chamber:
                body = body.removeprefix(chamber)
                break
        opening = body.split("\n", 1)[0]
        statement = bool(_STATEMENT_OPENING.match(opening))
        values["kind"] = SourceKind.ORAL_STATEMENT if statement else SourceKind.DEBATE
        return values

    def news(self) -> dict | None:
        content = _content(self.lines)
        if len(content) < 2:
            return None
        title, body = content[0], content[1:]
        if len(title) > 300 or title.endswith((".", ",", ";", ":")) or title.startswith("To ask"):
            return None
        prose = " ".join(body)
        if len(prose) < 100 or not _WORD_END.search(prose):
            return None
        values: dict = {"kind": SourceKind.NEWS_REPORT, "title": title}
        values["provenance"] = Provenance.SECONDARY
        published = self.lines.find(_PUBLISHED)
        if published is not None:
            values["published_on"] = self.date(published[1], published[0])
        return values

    # -- pieces -------------------------------------------------------------------------------

    def date(self, match: re.Match, index: int) -> datetime.date:
        whole = match.group(0)
        text = (found.group(0) if (found := _DATE_RE.search(whole)) else whole).rstrip(".,")
        try:
            day = datetime.date(int(match["year"]), _MONTHS[match["month"]], int(match["day"]))
        except ValueError:
            raise Refused(f'line {index + 1}: "{text}" is not a real date') from None
        if day.year < 1800:
            raise Refused(f'line {index + 1}: "{text}" is too early to be a date on this page')
        if day > self.today:
            raise Refused(f'line {index + 1}: "{text}" is in the future')
        return day

    def check_url(self, url: str) -> str:
        limit = SourceDocument._meta.get_field("url").max_length
        if len(url) > limit:
            raise Refused(f"the URL on the first line is longer than {limit} characters")
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise Refused(
                f"the first line looks like a URL but is not a valid one: {url[:200]}"
            ) from None
        return url

    def uin_from_url(self, pattern: re.Pattern) -> str:
        if not self.url:
            return ""
        match = pattern.search(urlsplit(self.url).path)
        return match["uin"] if match else ""

    def date_from_url(self) -> datetime.date | None:
        if not self.url:
            return None
        match = _URL_DATE.search(urlsplit(self.url).path)
        if match is None:
            return None
        try:
            day = datetime.date.fromisoformat(match["date"])
        except ValueError:
            raise Refused(f"the URL holds an impossible date: {match['date']}") from None
        if day > self.today:
            raise Refused(f"the URL's date {match['date']} is in the future")
        return day

    def portrait_block(self, lines: _Lines, start: int) -> tuple[int, str]:
        """Read "<Name> Portrait" / "<Name>" after "Answered by": (next line, name)."""
        for i in range(start, min(start + 3, len(lines))):
            match = _PORTRAIT.fullmatch(lines[i].strip())
            if match:
                name = _name_only(match["name"])
                following = lines.next_content(i + 1)
                if following is not None and lines[following].strip() != name:
                    raise Refused(
                        f"line {following + 1}: the name under the portrait "
                        f'("{lines[following].strip()[:80]}") is not the portrait\'s ("{name}")'
                    )
                # The name, the role line (never read), then a blank line before the answer.
                end = lines.next_blank(i + 1)
                return end, name
        return start, ""

    def excerpt_reasons(self, stored: str, marker: str) -> list[str]:
        reasons = [marker] if marker else []
        name = self.filename.upper()
        if "PARTIAL" in name or "EXCERPT" in name:
            reasons.append(f"the file name ({printable(self.filename)}) says it is partial")
        last = stored.rstrip()
        if last and not last.endswith(_SENTENCE_END):
            reasons.append(f'the text stops mid-sentence ("...{last[-30:]}")')
        return reasons


def _first_line(text: str) -> tuple[int, str] | None:
    """(offset, line) of the first line that is not blank."""
    found = _NON_SPACE.search(text)
    if found is None:
        return None
    start = text.rfind("\n", 0, found.start()) + 1
    end = text.find("\n", found.start())
    return start, text[start : len(text) if end < 0 else end]


def _drop_trailing_loader_lines(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and (not lines[end - 1].strip() or lines[end - 1].strip() in LOADER_LINES):
        end -= 1
    return lines[:end]


class _Lines:
    """A capture's lines (without trailing spaces), searched in the joined text.

    A 2 MiB capture can hold two million lines. Each search here scans the text with the C
    string and regular-expression routines and takes a Python step only for the lines that
    hold what it looks for, so parsing stays linear in the text and fast on any layout.
    """

    def __init__(self, text: str):
        self.lines = list(map(str.rstrip, text.split("\n")))
        self.text = "\n".join(self.lines)
        # Characters before the end of each line, not counting the line breaks.
        self._ends = list(itertools.accumulate(map(len, self.lines)))

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, index):
        return self.lines[index]

    def __iter__(self):
        return iter(self.lines)

    def offset(self, index: int) -> int:
        """Where line `index` starts in the text (past the end for an index past the end)."""
        if index <= 0:
            return 0
        if index >= len(self.lines):
            return len(self.text) + 1
        return self._ends[index - 1] + index

    def holding(self, needle: re.Pattern, *, start: int = 0, stop: int | None = None):
        """The indices of the lines in lines[start:stop] in which `needle` finds something."""
        stop = len(self.lines) if stop is None else min(stop, len(self.lines))
        index, at, end = start, self.offset(start), self.offset(stop)
        while index < stop:
            found = needle.search(self.text, at, end)
            if found is None:
                return
            index += self.text.count("\n", at, found.start())
            yield index
            index += 1
            at = self.offset(index)

    def find(
        self, pattern: re.Pattern, *, start: int = 0, stop: int | None = None, prefix=False
    ) -> tuple[int, re.Match] | None:
        """(index, match) of the first line in lines[start:stop] that `pattern` matches entirely
        once stripped (or, with prefix=True, at its beginning); None if no line does. Only the
        lines holding the pattern's needle (see _NEEDLES) are tried."""
        match_line = pattern.match if prefix else pattern.fullmatch
        for index in self.holding(_NEEDLES[pattern], start=start, stop=stop):
            match = match_line(self.lines[index].strip())
            if match:
                return index, match
        return None

    def next_content(self, start: int) -> int | None:
        """The index of the first line from `start` that is not blank, or None."""
        if start >= len(self.lines):
            return None
        at = self.offset(start)
        found = _NON_SPACE.search(self.text, at)
        return None if found is None else start + self.text.count("\n", at, found.start())

    def next_blank(self, start: int) -> int:
        """The index of the first blank line from `start`, or the number of lines."""
        if start >= len(self.lines):
            return len(self.lines)
        at = self.offset(start)
        found = _BLANK_LINE.search(self.text, at)
        if found is None:
            return len(self.lines)
        return start + self.text.count("\n", at, found.start())


def _content(lines: list[str]) -> list[str]:
    """The lines that are not blank, stripped."""
    return list(filter(None, map(str.strip, lines)))


def _paragraphs(lines: list[str]) -> str:
    """Lines joined as they are, with blank lines collapsed and the ends trimmed."""
    return "\n\n".join(_content(lines))


def _name_only(name: str) -> str:
    return " ".join(name.split())


def _publisher(url: str) -> tuple[str, str | None]:
    """(publisher, provenance) for a URL; an unknown site is named by its host, provenance None."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    labels = host.split(".")
    # The most specific known domain wins: legislation.gov.uk before gov.uk.
    for start in range(len(labels)):
        if (known := PUBLISHERS.get(".".join(labels[start:]))) is not None:
            return known
    return host, None
