"""A commitment's status band: its status periods along a time axis, the deadline and each
revision marked, the date shown marked, drawn server-side as SVG (no script) with a text
equivalent. A small version (`mini`) goes in each row of a list and of the home page's roadmap,
where every row shares one time axis (`Axis`) so that rows can be read against each other.
Colours are the Okabe-Ito palette, safe for colour-blind readers, and every period
also carries a pattern and its status's name, so the band reads in greyscale too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString

from .models import Status

WIDTH, HEIGHT, BAR_TOP, BAR_HEIGHT = 1000, 64, 14, 26
# status -> (fill, pattern id): no two share both
STYLE = {
    Status.ANNOUNCED: ("#bdbdbd", "dots"),
    Status.IN_PROGRESS: ("#56b4e9", "hatch"),
    Status.DELIVERED: ("#009e73", "solid"),
    Status.PARTLY_DELIVERED: ("#f0e442", "cross"),
    Status.STALLED: ("#d55e00", "lines"),
    Status.SUPERSEDED: ("#cc79a7", "waves"),
    Status.DROPPED: ("#000000", "solid"),
}
PATTERNS = """<defs>
<pattern id="band-dots" width="8" height="8" patternUnits="userSpaceOnUse"><circle cx="4" cy="4" r="1.4" fill="#000" fill-opacity=".45"/></pattern>
<pattern id="band-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="8" fill="#000" fill-opacity=".25"/></pattern>
<pattern id="band-cross" width="8" height="8" patternUnits="userSpaceOnUse"><path d="M0 0L8 8M8 0L0 8" stroke="#000" stroke-opacity=".35"/></pattern>
<pattern id="band-lines" width="8" height="6" patternUnits="userSpaceOnUse"><rect width="8" height="2" fill="#fff" fill-opacity=".55"/></pattern>
<pattern id="band-waves" width="12" height="8" patternUnits="userSpaceOnUse"><path d="M0 4Q3 0 6 4T12 4" fill="none" stroke="#000" stroke-opacity=".35"/></pattern>
</defs>"""


@dataclass(frozen=True)
class Period:
    status: str
    start: datetime.date
    end: datetime.date | None  # None: still current on the date shown

    @property
    def label(self) -> str:
        return Status(self.status).label


def periods(events, on: datetime.date) -> list[Period]:
    """The runs of one status, from the evidenced events up to `on`, in timeline order."""
    runs: list[Period] = []
    for event in sorted(events, key=lambda e: (e.date, e.pk)):
        if event.date > on or not event.new_status:
            continue
        if runs and runs[-1].status == event.new_status:
            continue
        if runs:
            runs[-1] = Period(runs[-1].status, runs[-1].start, event.date)
        runs.append(Period(event.new_status, event.date, None))
    return runs


def deadlines(events, on: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """(set on, deadline) for each deadline set or moved by `on`."""
    found, last = [], None
    for event in sorted(events, key=lambda e: (e.date, e.pk)):
        if event.date <= on and event.new_deadline and event.new_deadline != last:
            found.append((event.date, event.new_deadline))
            last = event.new_deadline
    return found


def text_equivalent(runs: list[Period], moved, on: datetime.date) -> str:
    """The band in words: each period, then each deadline."""
    parts = []
    for run in runs:
        if run.end is None:
            parts.append(f"{run.label} from {run.start:%-d %B %Y} to {on:%-d %B %Y}")
        else:
            parts.append(f"{run.label} from {run.start:%-d %B %Y} to {run.end:%-d %B %Y}")
    text = "; ".join(parts) + "." if parts else "No status on record yet."
    for index, (set_on, day) in enumerate(moved):
        verb = "Deadline set" if index == 0 else "Deadline moved"
        text += f" {verb} on {set_on:%-d %B %Y}: {day:%-d %B %Y}."
    return text


def draw(events, on: datetime.date, *, label_id: str) -> tuple[SafeString, str]:
    """The band's SVG (described by the element `label_id`) and its text equivalent, from the
    events read once."""
    runs, moved = periods(events, on), deadlines(events, on)
    return band(runs, moved, on, label_id=label_id), text_equivalent(runs, moved, on)


def band(runs: list[Period], moved, on: datetime.date, *, label_id: str) -> SafeString:
    """The SVG of the band of `runs` and deadlines `moved`."""
    if not runs:
        return SafeString("")
    first = runs[0].start
    last = max([on, *(day for _, day in moved)])
    span = max((last - first).days, 1)

    def x(day: datetime.date) -> float:
        return round(8 + (WIDTH - 16) * (day - first).days / span, 1)

    shapes = []
    for run in runs:
        end = run.end or on
        fill, pattern = STYLE[run.status]
        left, right = x(run.start), max(x(end), x(run.start) + 2)
        shapes.append(format_html(
            '<g class="band-period"><title>{}: {} to {}</title>'
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#000" stroke-width="1"/>'
            "{}{}</g>",
            run.label, f"{run.start:%-d %b %Y}", f"{end:%-d %b %Y}",
            left, BAR_TOP, round(right - left, 1), BAR_HEIGHT, fill,
            format_html('<rect x="{}" y="{}" width="{}" height="{}" fill="url(#band-{})"/>',
                        left, BAR_TOP, round(right - left, 1), BAR_HEIGHT, pattern)
            if pattern != "solid" else "",
            format_html('<text x="{}" y="{}" class="band-label">{}</text>',
                        left + 4, BAR_TOP + 17, run.label)
            if right - left > 9 * len(run.label) else "",
        ))  # fmt: skip
    for index, (set_on, day) in enumerate(moved):
        kind = "deadline" if index == len(moved) - 1 else "deadline-old"
        shapes.append(format_html(
            '<g class="band-{}"><title>Deadline {} (set {})</title>'
            '<line x1="{}" x2="{}" y1="6" y2="{}" stroke="#000" stroke-width="2"{}/>'
            '<text x="{}" y="{}" text-anchor="middle" class="band-mark">{}</text></g>',
            kind, f"{day:%-d %b %Y}", f"{set_on:%-d %b %Y}", x(day), x(day),
            BAR_TOP + BAR_HEIGHT + 6, SafeString(' stroke-dasharray="4 3"') if kind != "deadline" else "",
            x(day), HEIGHT - 4, "deadline" if kind == "deadline" else "",
        ))  # fmt: skip
    shapes.append(format_html(
        '<g class="band-today"><title>Date shown: {}</title><path d="M{} 2 l5 -0 l-5 8 l-5 -8 z" fill="#000"/></g>',
        f"{on:%-d %b %Y}", x(on),
    ))  # fmt: skip
    return format_html(
        '<svg class="band" viewBox="0 0 {} {}" width="100%" role="img" aria-labelledby="{}" '
        'xmlns="http://www.w3.org/2000/svg">{}{}</svg>',
        WIDTH, HEIGHT, label_id, SafeString(PATTERNS), format_html_join("", "{}", ((s,) for s in shapes)),
    )  # fmt: skip


@dataclass(frozen=True)
class Axis:
    """A time axis shared by several small bands: `first` to `last`, `width` units wide."""

    first: datetime.date
    last: datetime.date
    width: int = 400

    @classmethod
    def spanning(cls, drawn: list[tuple[list[Period], list]], on: datetime.date, width: int = 400):
        """The axis from the earliest period of any band to `on` or the latest deadline."""
        starts = [runs[0].start for runs, _ in drawn if runs]
        ends = [day for _, moved in drawn for _, day in moved[-1:]]
        first = min(starts, default=on)
        return cls(first, max([on, first, *ends]), width)

    def x(self, day: datetime.date) -> float:
        span = max((self.last - self.first).days, 1)
        return round(2 + (self.width - 4) * (day - self.first).days / span, 1)

    def years(self) -> list[datetime.date]:
        """1 January of each year inside the axis (for ticks)."""
        return [datetime.date(y, 1, 1) for y in range(self.first.year + 1, self.last.year + 1)]


MINI_HEIGHT, MINI_TOP, MINI_BAR = 18, 4, 10


def patterns() -> SafeString:
    """The patterns the small bands of a page refer to, defined once per page (ids are unique)."""
    return format_html(
        '<svg class="band-patterns" width="0" height="0" aria-hidden="true" focusable="false" '
        'xmlns="http://www.w3.org/2000/svg">{}</svg>',
        SafeString(PATTERNS),
    )


def mini(runs: list[Period], moved, on: datetime.date, axis: Axis) -> SafeString:
    """A small band on the shared `axis`: status periods (colour and pattern), the deadline in
    force, and a tick at the date shown; its text equivalent is its accessible name. The page
    must carry `patterns()` once. Written with plain string formatting (a list page draws fifty
    of these): every value put in is a number, a fixed style or the escaped text equivalent."""
    if not runs:
        return SafeString("")
    x = axis.x
    shapes = [
        f'<line x1="{x(year)}" x2="{x(year)}" y1="0" y2="{MINI_HEIGHT}" class="band-year"/>'
        for year in axis.years()
    ]
    for run in runs:
        fill, pattern = STYLE[run.status]
        left = x(run.start)
        width = round(max(x(run.end or on) - left, 1.5), 1)
        box = f'x="{left}" y="{MINI_TOP}" width="{width}" height="{MINI_BAR}"'
        shapes.append(f'<rect {box} fill="{fill}" stroke="#000" stroke-width=".75"/>')
        if pattern != "solid":
            shapes.append(f'<rect {box} fill="url(#band-{pattern})"/>')
    if moved:
        day = x(moved[-1][1])
        shapes.append(
            f'<line x1="{day}" x2="{day}" y1="0" y2="{MINI_HEIGHT}" stroke="#000" '
            'stroke-width="2" class="band-deadline"/>'
        )
    shapes.append(f'<path d="M{x(on)} 0 l3 0 l-3 4 l-3 -4 z" fill="#000" class="band-today"/>')
    title = escape(text_equivalent(runs, moved, on))
    return SafeString(
        f'<svg class="band band--mini" viewBox="0 0 {axis.width} {MINI_HEIGHT}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{title}</title>{"".join(shapes)}</svg>'
    )


def minis(events_by_commitment: dict, on: datetime.date, width: int = 400) -> tuple[dict, Axis]:
    """The small band of each commitment (key -> SVG) on one axis spanning them all, from each
    commitment's evidenced events (key -> events)."""
    drawn = {
        key: (periods(events, on), deadlines(events, on))
        for key, events in events_by_commitment.items()
    }
    axis = Axis.spanning(list(drawn.values()), on, width)
    return {key: mini(runs, moved, on, axis) for key, (runs, moved) in drawn.items()}, axis


def axis_labels(axis: Axis) -> SafeString:
    """The years along a shared axis, as an SVG drawn to the same width as the small bands."""
    ticks = [
        format_html(
            '<line x1="{}" x2="{}" y1="10" y2="18" stroke="#000"/>'
            '<text x="{}" y="9" text-anchor="middle" class="band-mark">{}</text>',
            axis.x(year), axis.x(year), axis.x(year), year.year,
        )
        for year in axis.years()
    ]  # fmt: skip
    return format_html(
        '<svg class="band band--axis" viewBox="0 0 {} 18" '
        'aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">{}</svg>',
        axis.width, format_html_join("", "{}", ((t,) for t in ticks)),
    )  # fmt: skip
