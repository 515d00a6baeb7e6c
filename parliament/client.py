"""Parliament's Written Questions and Statements API and its Bills API, read as the tracker
needs them.

`Client` speaks HTTP (timeouts, retries with backoff on connection errors and 5xx, 429 honoured
with its Retry-After, an honest User-Agent, a bounded number of pages); `written_answer()`
turns one question of the API's JSON into an `Answer`, refusing any shape it does not expect;
`written_statement()` does the same for a written ministerial statement; `html_to_text()` turns
their HTML into the plain text the tracker stores and quotes.

The API (https://questions-statements-api.parliament.uk/index.html): the list endpoint
`/api/writtenquestions/questions` pages with `skip`/`take` and cuts long answers short; the
detail endpoint `/api/writtenquestions/questions/{id}` gives the whole answer.

The Bills API (https://bills-api.parliament.uk/index.html): `/api/v1/Bills/{id}` gives a bill
(short title, whether it is an Act, withdrawn or defeated, its current stage, when Parliament
last updated it); `/api/v1/Bills/{id}/Stages` lists its stages in order, each with its
sittings, paged with `Skip`/`Take`. `bill()` and `bill_stages()` read them.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from zoneinfo import ZoneInfo

import requests
from bs4 import BeautifulSoup
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from sources.text import normalise_line_breaks

QUESTIONS = "/api/writtenquestions/questions"
STATEMENTS = "/api/writtenstatements/statements"
BILLS = "/api/v1/Bills"
LONDON = ZoneInfo("Europe/London")
PAGE_SIZE = 50
WEBSITE = "https://questions-statements.parliament.uk/written-questions/detail"
STATEMENT_PAGES = "https://questions-statements.parliament.uk/written-statements/detail"
BILL_PAGES = "https://bills.parliament.uk/bills"


class ParliamentError(Exception):
    """A request that failed, or a response the tracker cannot read; names the URL."""

    def __init__(self, url: str, problem: str):
        super().__init__(f"{url}: {problem}")
        self.url, self.problem = url, problem


@dataclass(frozen=True)
class Answer:
    """One written question and its answer, as the API gives them."""

    id: int
    uin: str
    house: str
    heading: str
    question_text: str
    asked_on: datetime.date
    asked_by: str
    answering_body: str
    answered_on: datetime.date | None
    answered_by: str
    answer_html: str
    is_holding: bool
    is_correction: bool
    corrected_on: datetime.date | None
    is_withdrawn: bool
    grouped_uins: tuple[str, ...]

    @property
    def url(self) -> str:
        """The question's page on Parliament's website (what a capture of it is filed under)."""
        return f"{WEBSITE}/{self.asked_on.isoformat()}/{self.uin}"

    @cached_property
    def answer_text(self) -> str:
        return html_to_text(self.answer_html)

    @property
    def is_answered(self) -> bool:
        return self.answered_on is not None and bool(self.answer_html.strip())


@dataclass(frozen=True)
class Statement:
    """One written ministerial statement, as the API gives it."""

    id: int
    uin: str
    house: str
    title: str
    made_on: datetime.date
    made_by: str
    role: str
    answering_body: str
    text_html: str

    @property
    def url(self) -> str:
        return f"{STATEMENT_PAGES}/{self.made_on.isoformat()}/{self.uin}"

    @cached_property
    def text(self) -> str:
        return html_to_text(self.text_html)


@dataclass(frozen=True)
class Stage:
    """One stage of a bill (e.g. "2nd reading" in the Commons), with its sittings' dates."""

    id: int
    description: str
    abbreviation: str
    house: str
    sort_order: int
    sittings: tuple[datetime.date, ...]

    @property
    def first_sitting(self) -> datetime.date | None:
        return min(self.sittings) if self.sittings else None

    @property
    def last_sitting(self) -> datetime.date | None:
        return max(self.sittings) if self.sittings else None


@dataclass(frozen=True)
class Bill:
    """One bill as the Bills API gives it, with its stages (from the stages endpoint)."""

    id: int
    title: str
    current_house: str
    originating_house: str
    updated_at: datetime.datetime | None
    withdrawn_on: datetime.date | None
    is_defeated: bool
    is_act: bool
    current_stage_id: int | None
    stages: tuple[Stage, ...] = ()

    @property
    def url(self) -> str:
        """The bill's page on Parliament's website."""
        return f"{BILL_PAGES}/{self.id}"

    @property
    def stages_url(self) -> str:
        return f"{BILL_PAGES}/{self.id}/stages"


# -- reading the JSON -------------------------------------------------------------------------


def _field(value: dict, name: str, kind, url: str, *, optional: bool = False):
    if name not in value or (value[name] is None and not optional):
        raise ParliamentError(url, f"unexpected shape: no {name!r} in the response")
    found = value[name]
    if found is not None and not isinstance(found, kind):
        raise ParliamentError(url, f"unexpected shape: {name!r} is {type(found).__name__}")
    return found


def _date(value: dict, name: str, url: str, *, optional: bool = False) -> datetime.date | None:
    raw = _field(value, name, str, url, optional=optional)
    if raw is None:
        return None
    try:
        return datetime.datetime.fromisoformat(raw).date()
    except ValueError:
        raise ParliamentError(url, f"unexpected shape: {name!r} is not a date: {raw!r}") from None


def _member(value: dict, name: str, url: str) -> str:
    member = value.get(name)
    if member is None:
        return ""
    if not isinstance(member, dict):
        raise ParliamentError(url, f"unexpected shape: {name!r} is not a member")
    return str(member.get("name") or member.get("listAs") or "")


def written_answer(value: dict, url: str) -> Answer:
    """The `value` of one question from the API; ParliamentError for any other shape."""
    if not isinstance(value, dict):
        raise ParliamentError(url, "unexpected shape: a question is not an object")
    grouped = _field(value, "groupedQuestions", list, url, optional=True) or []
    return Answer(
        id=_field(value, "id", int, url),
        uin=str(_field(value, "uin", str, url)).strip(),
        house=_field(value, "house", str, url),
        heading=(_field(value, "heading", str, url, optional=True) or "").strip(),
        question_text=_field(value, "questionText", str, url).strip(),
        asked_on=_date(value, "dateTabled", url),
        asked_by=_member(value, "askingMember", url),
        answering_body=_field(value, "answeringBodyName", str, url, optional=True) or "",
        answered_on=_date(value, "dateAnswered", url, optional=True),
        answered_by=_member(value, "answeringMember", url),
        answer_html=_field(value, "answerText", str, url, optional=True) or "",
        is_holding=bool(_field(value, "answerIsHolding", bool, url, optional=True)),
        is_correction=bool(_field(value, "answerIsCorrection", bool, url, optional=True)),
        corrected_on=_date(value, "dateAnswerCorrected", url, optional=True),
        is_withdrawn=bool(_field(value, "isWithdrawn", bool, url, optional=True)),
        grouped_uins=tuple(str(uin) for uin in grouped),
    )


def written_statement(value: dict, url: str) -> Statement:
    """The `value` of one statement from the API; ParliamentError for any other shape."""
    if not isinstance(value, dict):
        raise ParliamentError(url, "unexpected shape: a statement is not an object")
    return Statement(
        id=_field(value, "id", int, url),
        uin=str(_field(value, "uin", str, url)).strip(),
        house=_field(value, "house", str, url),
        title=_field(value, "title", str, url).strip(),
        made_on=_date(value, "dateMade", url),
        made_by=_member(value, "member", url),
        role=_field(value, "memberRole", str, url, optional=True) or "",
        answering_body=_field(value, "answeringBodyName", str, url, optional=True) or "",
        text_html=_field(value, "text", str, url),
    )


def bill(value: dict, url: str) -> Bill:
    """A bill from `/api/v1/Bills/{id}` (without its stages); ParliamentError for any other
    shape."""
    if not isinstance(value, dict):
        raise ParliamentError(url, "unexpected shape: a bill is not an object")
    updated = _field(value, "lastUpdate", str, url, optional=True)
    try:
        updated_at = datetime.datetime.fromisoformat(updated) if updated else None
        if updated_at is not None and updated_at.tzinfo is None:  # Parliament's clock: London
            updated_at = updated_at.replace(tzinfo=LONDON)
    except ValueError:
        raise ParliamentError(
            url, f"unexpected shape: 'lastUpdate' is not a date: {updated!r}"
        ) from None
    current = _field(value, "currentStage", dict, url, optional=True)
    if current is not None and not isinstance(current.get("id"), int):
        raise ParliamentError(url, "unexpected shape: 'currentStage' has no id")
    return Bill(
        id=_field(value, "billId", int, url),
        title=_field(value, "shortTitle", str, url).strip(),
        current_house=_field(value, "currentHouse", str, url, optional=True) or "",
        originating_house=_field(value, "originatingHouse", str, url, optional=True) or "",
        updated_at=updated_at,
        withdrawn_on=_date(value, "billWithdrawn", url, optional=True),
        is_defeated=bool(_field(value, "isDefeated", bool, url, optional=True)),
        is_act=bool(_field(value, "isAct", bool, url, optional=True)),
        current_stage_id=current["id"] if current else None,
    )


def bill_stage(value: dict, url: str) -> Stage:
    """One item of `/api/v1/Bills/{id}/Stages`; ParliamentError for any other shape."""
    if not isinstance(value, dict):
        raise ParliamentError(url, "unexpected shape: a stage is not an object")
    sittings = _field(value, "stageSittings", list, url, optional=True) or []
    dates = []
    for sitting in sittings:
        if not isinstance(sitting, dict):
            raise ParliamentError(url, "unexpected shape: a stage sitting is not an object")
        when = _date(sitting, "date", url, optional=True)
        if when is not None:
            dates.append(when)
    return Stage(
        id=_field(value, "id", int, url),
        description=_field(value, "description", str, url).strip(),
        abbreviation=(_field(value, "abbreviation", str, url, optional=True) or "").strip(),
        house=_field(value, "house", str, url, optional=True) or "",
        sort_order=_field(value, "sortOrder", int, url),
        sittings=tuple(sorted(dates)),
    )


# -- HTML to text ------------------------------------------------------------------------------

_BLOCKS = ["p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table"]


def html_to_text(html: str) -> str:
    """An answer's HTML as plain text: entities decoded, one paragraph a block, list items
    marked "•", table cells separated by tabs, line breaks kept."""
    if not html.strip():
        return ""
    soup = BeautifulSoup(html, "lxml")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for item in soup.find_all("li"):
        item.insert(0, "• ")
    for cell in soup.find_all(["td", "th"]):
        cell.append("\t")
    for block in soup.find_all(_BLOCKS):
        block.insert_before("\n\n")
        block.append("\n\n")
    text = normalise_line_breaks(soup.get_text())
    lines = [" ".join(line.replace("\xa0", " ").split()) for line in text.split("\n")]
    paragraphs, current = [], []
    for line in [*lines, ""]:
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    return "\n\n".join(paragraphs)


# -- HTTP --------------------------------------------------------------------------------------


class Client:
    """Reads the Written Questions API at `base_url` (settings.PARLIAMENT_QUESTIONS_API)."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        bills_url: str | None = None,
        timeout: tuple[float, float] = (5.0, 30.0),
        retries: int = 4,
        backoff: float = 0.5,
        max_pages: int = 40,
    ):
        self.base_url = (base_url or settings.PARLIAMENT_QUESTIONS_API).rstrip("/")
        self.bills_url = (bills_url or settings.PARLIAMENT_BILLS_API).rstrip("/")
        self.timeout, self.max_pages = timeout, max_pages
        retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=backoff,
            backoff_max=60,
            status_forcelist=(429, 500, 502, 503, 504),
            allowed_methods=frozenset({"GET"}),
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        self._retry, self._local = retry, threading.local()

    @property
    def session(self) -> requests.Session:
        """This thread's session (watch fetches from a few threads at once)."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.mount("http://", HTTPAdapter(max_retries=self._retry))
            session.mount("https://", HTTPAdapter(max_retries=self._retry))
            session.headers["User-Agent"] = settings.PARLIAMENT_USER_AGENT
            session.headers["Accept"] = "application/json"
        return session

    def get(self, path: str, params: dict | None = None, *, base: str | None = None) -> dict:
        url = (base or self.base_url) + path
        try:
            response = self.session.get(url, params=params, timeout=self.timeout)
        except requests.RequestException as error:
            raise ParliamentError(
                url, f"no answer after retries ({type(error).__name__})"
            ) from error
        if response.status_code != 200:
            raise ParliamentError(response.url, f"HTTP {response.status_code} after retries")
        try:
            data = response.json()
        except ValueError:
            raise ParliamentError(response.url, "malformed JSON") from None
        if not isinstance(data, dict):
            raise ParliamentError(response.url, "unexpected shape: not a JSON object")
        return data

    def answered_since(self, term: str, since: datetime.date) -> Iterator[tuple[int, dict]]:
        """(id, summary) of each question matching `term` answered on or after `since` (the
        summary is the list's `value`: its answer cut short, its dates and flags whole)."""
        params = {"answeredWhenFrom": since.isoformat(), "answered": "Answered"}
        return self._ids(QUESTIONS, term, params)

    def statements_since(self, term: str, since: datetime.date) -> Iterator[tuple[int, dict]]:
        """(id, summary) of each written statement matching `term` made on or after `since`."""
        return self._ids(STATEMENTS, term, {"madeWhenFrom": since.isoformat()})

    def _ids(self, path: str, term: str, params: dict) -> Iterator[tuple[int, dict]]:
        """The ids of a list endpoint's results, page by page; at most `max_pages` pages
        (ParliamentError beyond: narrow the dates)."""
        params = {"searchTerm": term, **params, "take": PAGE_SIZE}
        skip = 0
        for _page in range(self.max_pages):
            data = self.get(path, {**params, "skip": skip})
            url = f"{self.base_url}{path}?searchTerm={term}&skip={skip}"
            results, total = data.get("results"), data.get("totalResults")
            if not isinstance(results, list) or not isinstance(total, int):
                raise ParliamentError(url, "unexpected shape: no results or totalResults")
            for result in results:
                value = result.get("value") if isinstance(result, dict) else None
                if not isinstance(value, dict) or not isinstance(value.get("id"), int):
                    raise ParliamentError(url, "unexpected shape: a result has no value.id")
                yield value["id"], value
            skip += len(results)
            if not results or skip >= total:
                return
        raise ParliamentError(url, f"more than {self.max_pages} pages: narrow the dates")

    def answer(self, question_id: int) -> Answer:
        """One question with its whole answer."""
        path = f"{QUESTIONS}/{question_id}"
        data = self.get(path, {"expandMember": "true"})
        return written_answer(data.get("value"), self.base_url + path)

    def statement(self, statement_id: int) -> Statement:
        """One written statement, whole."""
        path = f"{STATEMENTS}/{statement_id}"
        data = self.get(path, {"expandMember": "true"})
        return written_statement(data.get("value"), self.base_url + path)

    def bill(self, bill_id: int) -> Bill:
        """One bill with all its stages, in Parliament's order."""
        path = f"{BILLS}/{bill_id}"
        found = bill(self.get(path, base=self.bills_url), self.bills_url + path)
        if found.id != bill_id:
            raise ParliamentError(self.bills_url + path, f"unexpected shape: bill {found.id}")
        stages, path = [], f"{BILLS}/{bill_id}/Stages"
        for _page in range(self.max_pages):
            data = self.get(path, {"Skip": len(stages), "Take": PAGE_SIZE}, base=self.bills_url)
            url = f"{self.bills_url}{path}?Skip={len(stages)}"
            items, total = data.get("items"), data.get("totalResults")
            if not isinstance(items, list) or not isinstance(total, int):
                raise ParliamentError(url, "unexpected shape: no items or totalResults")
            stages.extend(bill_stage(item, url) for item in items)
            if not items or len(stages) >= total:
                ordered = sorted(stages, key=lambda stage: (stage.sort_order, stage.id))
                return replace(found, stages=tuple(ordered))
        raise ParliamentError(url, f"more than {self.max_pages} pages of stages")
