"""Benchmark: the capture parser on adversarial inputs at the 2 MiB limit.

Times `sources.parsing.parse()` on one input of each family below, each as large as the
importer accepts (`MAX_BYTES`, 2 MiB): long runs of letters, spaces, tabs and newlines, many
blank lines, lines without breaks, and the layout lines the parser looks for repeated 40,000
to 200,000 times. The parser must be linear in its input: the goal is under 1 s for each
input, and any input over that is flagged. An input still running after `--limit` seconds
(default 60) is stopped and reported as over the limit. Run it with `make bench`, or:

    .venv/bin/python benchmarks/parsing.py [--size BYTES] [--limit SECONDS] [--only NAME]

`tests/sources/test_parsing_linear.py` parses the same inputs with a generous wall-clock bound.
"""

import argparse
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._results import record  # noqa: E402

MAX_BYTES = 2 * 1024 * 1024  # sources.parsing.MAX_BYTES, checked in main()
GOAL_SECONDS = 1.0

STATEMENT = "(Limited Text - Ministerial Extracts only)\n"
OFFICIAL = "Question for Home Office\nUIN 40965, tabled on 20 June 2016\n"


def fill(head: str, unit: str, tail: str = "", size: int = MAX_BYTES) -> str:
    """`head`, then `unit` repeated as often as fits, then `tail`: at most `size` UTF-8 bytes."""
    room = size - len(head.encode()) - len(tail.encode())
    return head + unit * (room // len(unit.encode())) + tail


# name -> builder(size): each input reaches the layout method it is aimed at, so the time
# measured is the parser's work on it, not an early refusal.
INPUTS: dict[str, Callable[[int], str]] = {
    # The news layout's sentence check on lowercase letters with no punctuation (issue 10).
    "letters": lambda size: fill("A title\n", "a", size=size),
    "letters, 1 KB lines": lambda size: fill("A title\n", "a" * 1023 + "\n", size=size),
    "words, no full stop": lambda size: fill("A title\n", "word ", size=size),
    "spaces": lambda size: fill("A title\nSome words", " ", "and an end.", size),
    "tabs": lambda size: fill("A title\nSome words", "\t", "and an end.", size),
    "newlines": lambda size: fill("A title\n", "\n", "Some words and an end.", size),
    "leading newlines": lambda size: fill("", "\n", "A title\nSome words and an end.", size),
    "trailing newlines": lambda size: fill("A title\nSome words and an end.", "\n", size=size),
    "blank lines": lambda size: fill("A title\n", " \t \n", "Some words and an end.", size),
    "short lines": lambda size: fill("A title\n", "x\n", "Some words and an end.", size),
    "short lines, statement": lambda size: fill(STATEMENT, "x\n", size=size),
    "whitespace mix": lambda size: fill("A title\nwords", " \t\f\u00a0\u2003", ".", size),
    "one line, no breaks": lambda size: fill("", "Some words. ", size=size),
    "question to, long line": lambda size: fill("Question to the ", "x", ":", size),
    "question for, long line": lambda size: fill(OFFICIAL + "Question for ", "x", size=size),
    "answered on, spaces": lambda size: fill(OFFICIAL + "To ask\nAnswered on", " ", "x", size),
    "sitting date, spaces": lambda size: fill(STATEMENT + "Monday", " ", "16 June 2025x", size),
    "portrait, long line": lambda size: fill(STATEMENT, "Jess Phillips Portrait ", size=size),
    "main page, long line": lambda size: fill(STATEMENT + "Main Page: ", "a (", size=size),
    "main page, debates": lambda size: fill(
        STATEMENT + "Main Page: A (B)", " debates with the x", "(", size
    ),
    "main page, spaces": lambda size: fill(
        STATEMENT + "Main Page: A (B) debates with x", " ", "x", size
    ),
    "Answered by, repeated": lambda size: fill(
        "Question to the Home Office:\nTo ask\n", "Answered by\n", size=size
    ),
    "UIN, tabled on, repeated": lambda size: fill(
        "Question for Home Office\n", "UIN 123, tabled on\n", size=size
    ),
    "Question to, repeated": lambda size: fill("", "Question to the Home Office:\n", size=size),
    "party, repeated": lambda size: fill(OFFICIAL, "x\nLabour\n", "To ask", size),
    "Portrait, repeated": lambda size: fill(STATEMENT, "Jess Phillips Portrait\n", size=size),
    "answer block, repeated": lambda size: fill(
        "Title\nQuestion to the Home Office:\nTo ask\n",
        "Answered by\nJess Phillips Portrait\nJess Phillips\n",
        size=size,
    ),
    "asked on, repeated": lambda size: fill(
        "", "(asked on 3rd January 2025) - View Source\n", "Question to the Home Office:\n", size
    ),
    "loader line, repeated": lambda size: fill(
        "A title\nSome words and an end.\n", "Reticulating Splines\n", size=size
    ),
    "tag openers after 4 KB": lambda size: fill("A title\n" + "word. " * 1000, "<p <", size=size),
    "closing tags after 4 KB": lambda size: fill("A title\n" + "word. " * 1000, "</", size=size),
    "angle and spaces": lambda size: fill("A title\n" + "word. " * 1000 + "<", " ", size=size),
}


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout


def time_parse(parse, text: str, limit: float):
    """(seconds, result) of `parse(text)`, or (None, None) if it runs past `limit` seconds."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    started = time.perf_counter()
    try:
        result = parse(text)
    except _Timeout:
        return None, None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=MAX_BYTES, help="bytes per input")
    parser.add_argument("--limit", type=float, default=60.0, help="stop an input after this")
    parser.add_argument("--only", help="run only the inputs whose name contains this")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from sources import parsing

    if parsing.MAX_BYTES != MAX_BYTES:
        sys.exit(f"MAX_BYTES is {parsing.MAX_BYTES}; update benchmarks/parsing.py")

    def parse(text: str):
        return parsing.parse(text.encode(), filename="adversarial.txt")

    print(f"parse() on adversarial inputs of {args.size / 1024 / 1024:.2f} MiB")
    print(f"  {'input':<26} {'result':<30} {'seconds':>8}")
    slow = []
    for name, build in INPUTS.items():
        if args.only and args.only not in name:
            continue
        seconds, result = time_parse(parse, build(args.size), args.limit)
        outcome = "(stopped)" if result is None else (result.reason or result.layout)[:30]
        shown = f"> {args.limit:.0f}" if seconds is None else f"{seconds:.3f}"
        flag = "" if seconds is not None and seconds < GOAL_SECONDS else "  SLOW"
        if flag:
            slow.append(name)
        print(f"  {name:<26} {outcome:<30} {shown:>8}{flag}")
    goal = f"goal: every input under {GOAL_SECONDS:.0f} s"
    record("parsing", "inputs slower than the goal", len(slow), 0, "inputs", at_least=False)
    print(f"  {goal}: {'met' if not slow else 'NOT met (' + ', '.join(slow) + ')'}")


if __name__ == "__main__":
    main()
