from hypothesis import given
from hypothesis import strategies as st

from sources.text import contains_quote, normalise

SOURCE = (
    "Baroness Casey\u2019s audit \u2013 the \u201crapid\u201d one \u2014 will   last\n"
    "three months."
)


def test_typographic_quotes_and_dashes_match_plain_ones():
    assert contains_quote(SOURCE, 'Baroness Casey\'s audit - the "rapid" one - will')


def test_extra_and_missing_whitespace_runs_match():
    assert contains_quote(SOURCE, "will last   three\tmonths.")


def test_other_differences_do_not_match():
    assert not contains_quote(SOURCE, "baroness casey's audit")  # case
    assert not contains_quote(SOURCE, "will last three weeks")  # a word changed
    assert not contains_quote(SOURCE, "will last 3 months.")
    assert not contains_quote(SOURCE, "Baroness Casey's audit … will last")  # ellipsis


def test_empty_or_blank_quote_never_matches():
    assert not contains_quote(SOURCE, "")
    assert not contains_quote(SOURCE, "  \n ")


def test_normalise_only_touches_quotes_dashes_and_whitespace():
    assert normalise(" A\u00a0\u2018b\u2019 \u2212 C\u2026 ") == "A 'b' - C\u2026"


@given(st.text(), st.integers(min_value=0), st.integers(min_value=0))
def test_any_slice_of_a_text_is_found_in_it(text, start, length):
    start = start % (len(text) + 1)
    quote = text[start : start + length]
    if normalise(quote):
        assert contains_quote(text, quote)


@given(st.text())
def test_normalise_is_idempotent(text):
    assert normalise(normalise(text)) == normalise(text)


def test_quote_span_maps_a_normalised_match_back_to_the_stored_text():
    from sources.text import quote_span

    text = "Intro.\n\nThe Home Secretary\u2019s   plan \u2013 backed by\n\u00a3 5m. End."
    start, end = quote_span(text, "Secretary's plan - backed by \u00a3 5m.")
    assert text[start:end] == "Secretary\u2019s   plan \u2013 backed by\n\u00a3 5m."
    assert quote_span(text, "not there") is None
    assert quote_span(text, "   ") is None


def test_segments_cover_the_text_and_mark_overlapping_passages():
    from sources.text import segments

    text = "abcdefghij"
    pieces = segments(text, [(2, 6, "A"), (4, 8, "B")])
    assert "".join(p["text"] for p in pieces) == text
    assert [(p["text"], p["marks"], p["starts"]) for p in pieces] == [
        ("ab", [], []),
        ("cd", ["A"], ["A"]),
        ("ef", ["A", "B"], ["B"]),
        ("gh", ["B"], []),
        ("ij", [], []),
    ]
