"""The benchmarks' figures, kept as JSON in benchmarks/results.json (not committed).

Each benchmark calls `record` once per goal it measures; `make bench` empties the file first
(`reset`) and ends with benchmarks/report.py, which prints one line per goal, met or not.
Each goal is an object: its benchmark, what is measured, the figure, the target, the unit,
how the figure compares with the target, and `"met": true|false`.
"""

import json
import os
from pathlib import Path

RESULTS = Path(os.environ.get("BENCH_RESULTS", Path(__file__).with_name("results.json")))


def load() -> dict:
    if not RESULTS.exists():
        return {"goals": []}
    return json.loads(RESULTS.read_text())


def reset() -> None:
    RESULTS.write_text(json.dumps({"goals": []}, indent=2) + "\n")


def record(
    benchmark: str, goal: str, figure: float | None, target: float, unit: str, *, at_least: bool
) -> bool:
    """Keep one goal's figure (None: it could not be measured, so not met); return whether met.
    `at_least`: the figure must be at least the target (else at most)."""
    met = figure is not None and (figure >= target if at_least else figure <= target)
    results = load()
    results["goals"] = [
        g for g in results["goals"] if (g["benchmark"], g["goal"]) != (benchmark, goal)
    ]
    results["goals"].append({
        "benchmark": benchmark, "goal": goal,
        "figure": None if figure is None else round(figure, 4), "target": target, "unit": unit,
        "comparison": ">=" if at_least else "<=", "met": met,
    })  # fmt: skip
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    return met


def note(benchmark: str, name: str, figures: dict) -> None:
    """Keep figures a benchmark reports without a goal (under "figures")."""
    results = load()
    results.setdefault("figures", {})[f"{benchmark}: {name}"] = figures
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
