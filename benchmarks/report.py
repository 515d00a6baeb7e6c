"""Print one line per goal that the benchmarks recorded in benchmarks/results.json."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._results import RESULTS, load


def main() -> None:
    goals = load()["goals"]
    if not goals:
        sys.exit(f"no goals recorded in {RESULTS}")
    met = sum(goal["met"] for goal in goals)
    print(f"\nbenchmark goals ({met} of {len(goals)} met; figures in {RESULTS}):")
    for goal in goals:
        figure = "not measured" if goal["figure"] is None else f"{goal['figure']:g}"
        verdict = "met" if goal["met"] else "NOT met"
        print(
            f"  {verdict:<7} {goal['benchmark']}: {goal['goal']}: {figure} "
            f"(target {goal['comparison']} {goal['target']:g} {goal['unit']})"
        )


if __name__ == "__main__":
    main()
