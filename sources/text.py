"""Text normalisation for matching quotes against stored source text.

A quote "appears verbatim" in a source when, after normalising both, it is a substring of the
source. Normalising does exactly three things and nothing else:

1. typographic single quotes and apostrophes become ' and double quotes become ";
2. hyphens and dashes of every width (and the minus sign) become -;
3. every run of whitespace (spaces, tabs, line breaks, non-breaking spaces) becomes one space,
   and leading and trailing whitespace is dropped.

Case, punctuation, spelling and ellipses are left alone: a quote that differs in any of those
does not match.
"""

import difflib
import itertools
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u02bc"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"

_TRANSLATION = str.maketrans(
    {
        **dict.fromkeys(_SINGLE_QUOTES, "'"),
        **dict.fromkeys(_DOUBLE_QUOTES, '"'),
        **dict.fromkeys(_DASHES, "-"),
    }
)
_WHITESPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Return `text` with quotes, dashes and whitespace normalised (see module docstring)."""
    return _WHITESPACE.sub(" ", text.translate(_TRANSLATION)).strip()


def contains_quote(haystack: str, quote: str, *, normalised: bool = False) -> bool:
    """True when the normalised, non-empty `quote` occurs in the normalised `haystack`.

    Pass `normalised=True` when `haystack` is already the output of `normalise()` (to check
    many quotes against one source without normalising it each time).
    """
    needle = normalise(quote)
    return bool(needle) and needle in (haystack if normalised else normalise(haystack))


def _normalised_with_positions(text: str) -> tuple[str, list[int]]:
    """`normalise(text)` and, for each of its characters, its index in `text`."""
    translated = text.translate(_TRANSLATION)  # one character for one: positions hold
    chars: list[str] = []
    positions: list[int] = []
    in_space = False
    for index, char in enumerate(translated):
        if char.isspace():
            if not in_space and chars:
                chars.append(" ")
                positions.append(index)
            in_space = True
        else:
            chars.append(char)
            positions.append(index)
            in_space = False
    if chars and chars[-1] == " ":
        chars.pop()
        positions.pop()
    return "".join(chars), positions


def quote_span(text: str, quote: str) -> tuple[int, int] | None:
    """Where `quote` appears in `text`, as (start, end) indices of `text`, by the same rule as
    `contains_quote`; None when it does not appear."""
    needle = normalise(quote)
    if not needle:
        return None
    haystack, positions = _normalised_with_positions(text)
    at = haystack.find(needle)
    if at < 0:
        return None
    return positions[at], positions[at + len(needle) - 1] + 1


@dataclass(frozen=True)
class Nearest:
    """The passage of a source most like a quote that is not in it, compared word by word."""

    passage: str  # normalised, as in the source
    score: float  # 0-100, rapidfuzz's partial ratio
    words: list[tuple[str, str]]  # (how, words): how is "same", "source" or "quote"

    @property
    def differences(self) -> list[tuple[str, str]]:
        """(the quote's words, the source's words) for each place they differ."""
        out, quote, source = [], [], []
        for how, words in [*self.words, ("same", "")]:
            if how == "quote":
                quote.append(words)
            elif how == "source":
                source.append(words)
            elif quote or source:
                out.append((" ".join(quote), " ".join(source)))
                quote, source = [], []
        return out


_TOKEN = re.compile(r"\w+|[^\w\s]")


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _piece(text: str, tokens, first: int, end: int) -> str:
    """The stretch of `text` from token `first` to token `end - 1`, as written."""
    return text[tokens[first][1] : tokens[end - 1][2]]


def nearest_passage(text: str, quote: str) -> Nearest | None:
    """The passage of `text` closest to `quote` (normalised as `contains_quote` does), with the
    words that differ marked; None when nothing in the text resembles it."""
    needle, haystack = normalise(quote), normalise(text)
    if not needle or not haystack:
        return None
    found = fuzz.partial_ratio_alignment(needle, haystack)
    if found is None or found.score < 50:
        return None
    # Widen the aligned stretch to whole words.
    start, end = found.dest_start, found.dest_end
    start = (
        haystack.rfind(" ", 0, start) + 1 if start > 0 and haystack[start - 1] != " " else start
    )
    if end < len(haystack) and haystack[end - 1] != " ":
        end = haystack.find(" ", end) if " " in haystack[end:] else len(haystack)
    passage = haystack[start:end].strip()
    # Compare word by word, punctuation apart ("force." is "force" then "."), and leave out
    # words of the source before and after the quote's stretch: a quote may stop mid-sentence.
    src, qt = _tokens(passage), _tokens(needle)
    matcher = difflib.SequenceMatcher(None, [t for t, _, _ in src], [t for t, _, _ in qt], False)
    ops = matcher.get_opcodes()
    while ops and ops[0][0] == "delete":
        ops.pop(0)
    while ops and ops[-1][0] == "delete":
        ops.pop()
    kept = [(i1, i2) for _, i1, i2, _, _ in ops if i2 > i1]
    if not kept:
        return None
    words = []
    for op, i1, i2, j1, j2 in ops:
        if op == "equal":
            words.append(("same", _piece(passage, src, i1, i2)))
            continue
        if j2 > j1:
            words.append(("quote", _piece(needle, qt, j1, j2)))
        if i2 > i1:
            words.append(("source", _piece(passage, src, i1, i2)))
    passage = _piece(passage, src, kept[0][0], kept[-1][1])
    return Nearest(passage, found.score, words)


def segments(text: str, spans: list[tuple[int, int, object]]) -> list[dict]:
    """Cut `text` at every span boundary.

    Returns dicts with `text`, `marks` (the objects whose span covers the piece) and `starts`
    (the objects whose span begins with the piece), in order; pieces cover the whole text.
    """
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out = []
    for start, end in itertools.pairwise(cuts):
        if start == end:
            continue
        out.append(
            {
                "text": text[start:end],
                "marks": [obj for s, e, obj in spans if s <= start and end <= e],
                "starts": [obj for s, _, obj in spans if s == start],
            }
        )
    return out


# -- printable text ----------------------------------------------------------------------------
# Every text field stores printable text only (sources.fields). Line breaks of every kind
# (what Word pastes as U+000B, form feeds, U+2028...) become "\n"; tabs stay; any other control
# character, a lone surrogate or a non-character is refused, since no page, feed or export
# could show it (XML 1.0 cannot even carry it).
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def normalise_line_breaks(text: str, *, single_line: bool = False) -> str:
    """`text` with every line break written "\\n" (a space, when `single_line`)."""
    text = _LINE_BREAKS.sub("\n", text)
    return text.replace("\n", " ") if single_line else text


def unprintable(text: str) -> str | None:
    """Why `text` cannot be stored ("U+0007 at character 12"), or None when it can."""
    found = _UNPRINTABLE.search(text)
    if found is None:
        return None
    return f"U+{ord(found.group()):04X} at character {found.start() + 1}"


def xml_safe(text: str) -> str:
    """`text` with anything XML 1.0 cannot carry replaced by U+FFFD (a last guard for feeds)."""
    return _UNPRINTABLE.sub("\ufffd", normalise_line_breaks(text)) if text else text


def term_pattern(terms: list[str]) -> re.Pattern | None:
    """What a search for `terms` matches in a text, or None when nothing is searched for. A
    term matches a word that starts with it (or with all but its last two letters, so
    "inquiries" finds "inquiry"), case apart; a quoted phrase is looked for as it is; an
    excluded term ("-word") matches nothing."""
    stems = []
    for term in terms:
        word = term.strip('"-').casefold()
        if word and not term.startswith("-"):
            stems.append(re.escape(word[: max(4, len(word) - 2)] if " " not in word else word))
    if not stems:
        return None
    return re.compile(r"\b(?:" + "|".join(stems) + r")\w*", re.IGNORECASE)


def term_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where `terms` occur in `text`, as (start, end) spans in order (see term_pattern)."""
    pattern = term_pattern(terms)
    if pattern is None or not text:
        return []
    return [found.span() for found in pattern.finditer(text)]


def snippet(texts: list[str], terms: list[str], width: int = 90) -> list[tuple[str, bool]]:
    """The words around the first of `terms` found in `texts` (in order), as (piece, matched)
    pieces for a template to mark, or [] when none is found (matching as term_pattern)."""
    pattern = term_pattern(terms)
    if pattern is None:
        return []
    for text in texts:
        flat = " ".join((text or "").split())
        first = pattern.search(flat)
        if first is None:
            continue
        start = max(0, first.start() - width)
        end = min(len(flat), first.end() + 2 * width)
        window = flat[start:end]
        pieces, at = [], 0
        for found in pattern.finditer(window):
            pieces.append((window[at : found.start()], False))
            pieces.append((found.group(0), True))
            at = found.end()
        pieces.append((window[at:], False))
        if start > 0:
            pieces.insert(0, ("…", False))
        if end < len(flat):
            pieces.append(("…", False))
        return [(piece, matched) for piece, matched in pieces if piece]
    return []
