"""The capture parser is linear in its input: adversarial 2 MiB captures parse in well under a
second, not for hours. No database needed.

The inputs are the families timed by `benchmarks/parsing.py` (`make bench`): long runs of
letters, spaces, tabs and newlines, blank lines, lines without breaks, and the layout lines the
parser looks for repeated 40,000 to 200,000 times.
"""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.parsing import INPUTS, time_parse
from sources.parsing import _NEEDLES, MAX_BYTES, _Lines, parse

TODAY = datetime.date(2026, 11, 21)

# Measured with the linear parser (November 2026, on the development machine): every input
# under 0.3 s, the slowest being two million empty lines (0.25 s). Before the fix, "letters"
# (the news layout's check for a sentence, [a-z]{2,}[.?!]) took 0.58 s at 8k letters and 9.9 s
# at 32k, so hours at 2 MiB; "letters, 1 KB lines" took 15 s; and "main page, spaces" (the
# department in "Main Page: ... debates with ...", (.+?)\s*) 1 s for 16k spaces, hours at
# 2 MiB. Ten seconds leaves a slow CI machine plenty of room and still fails any quadratic
# pattern; the parse is stopped at the bound, so a regression fails instead of hanging.
BOUND_SECONDS = 10


@pytest.mark.parametrize("name", list(INPUTS))
def test_a_2_mib_adversarial_input_parses_in_linear_time(name):
    text = INPUTS[name](MAX_BYTES)
    assert MAX_BYTES - 1024 < len(text.encode()) <= MAX_BYTES
    seconds, result = time_parse(
        lambda text: parse(text.encode(), filename="x.txt", today=TODAY), text, BOUND_SECONDS
    )
    assert seconds is not None, f"{name}: still parsing after {BOUND_SECONDS} s"
    assert result.refused or result.text


def test_a_long_run_of_letters_still_counts_as_a_sentence_only_with_a_stop():
    body = "a" * 3_000  # behaviour only: the 2 MiB run is timed above
    assert parse(f"A title\n{body}", today=TODAY).refused
    assert parse(f"A title\n{body}.", today=TODAY).layout == "news"
    assert parse(f"A title\n{body}?", today=TODAY).layout == "news"
    assert parse(f"A title\n{body[:150]} a.", today=TODAY).refused  # one letter is no word


def test_the_main_page_department_runs_to_the_end_of_the_line():
    text = (
        "Statement\n(Limited Text - Ministerial Extracts only)\n"
        "Main Page: Jess Phillips (Labour - Birmingham Yardley)  Debates - View all Jess "
        "Phillips's debates with the Home Office  \nBody."
    )
    result = parse(text, today=TODAY)
    assert result.values["answered_by"] == "Jess Phillips"
    assert result.values["department"] == "Home Office"


# -- the line index agrees with trying every line ---------------------------------------------


def naive_find(lines, pattern, *, start=0, stop=None, prefix=False):
    for index in range(start, len(lines) if stop is None else min(stop, len(lines))):
        line = lines[index].strip()
        match = pattern.match(line) if prefix else pattern.fullmatch(line)
        if match:
            return index, match.group()
    return None


LAYOUT_LINES = st.sampled_from(
    [
        "Question to the Home Office:",
        "Question for Home Office",
        "UIN 12, tabled on 3 March 2016",
        "Answered by",
        "Answered on",
        "Answered on 5 March 2016",
        "Jess Phillips Portrait",
        "Jess Phillips Portrait The Minister (Jess Phillips)",
        "This question was answered on 8th January 2025",
        "(asked on 3rd January 2025) - View Source",
        "(Limited Text - Ministerial Extracts only)",
        "Monday 16th June 2025",
        "- View Speech - Hansard - - - Excerpts",
        "Full Debate: Read Full DebateJess Phillips",
        "Main Page: A (B)Department Debates - View all A's debates with the Home Office",
        "Commons Chamber",
        "To ask the Secretary of State",
        "Labour - Birmingham Yardley",
        "Published 3 March 2024",
        "x" * 250,
        "",
    ]
)
SPACE = st.sampled_from(["", "", " ", "\t", "\u00a0", "\u2028", "\x0c"])
LINES = st.lists(
    st.one_of(
        st.tuples(SPACE, LAYOUT_LINES, SPACE).map("".join),
        st.lists(SPACE, max_size=3).map("".join),
        st.text(st.characters(blacklist_characters="\n\r"), max_size=20),
    ),
    min_size=1,
    max_size=20,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(LINES, st.integers(0, 21), st.integers(0, 21))
def test_line_searches_agree_with_trying_every_line(lines, start, stop):
    index = _Lines("\n".join(lines))
    plain = index.lines
    for pattern in _NEEDLES:
        for prefix in (False, True):
            found = index.find(pattern, start=start, stop=stop, prefix=prefix)
            expected = naive_find(plain, pattern, start=start, stop=stop, prefix=prefix)
            assert (found and (found[0], found[1].group())) == expected, pattern.pattern
    content = next((i for i in range(start, len(plain)) if plain[i].strip()), None)
    blank = next((i for i in range(start, len(plain)) if not plain[i].strip()), len(plain))
    assert index.next_content(start) == content
    assert index.next_blank(start) == blank
