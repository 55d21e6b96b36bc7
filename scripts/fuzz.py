"""Long fuzz runs of the targets in tests/test_fuzz.py (hypothesis), with a time budget per target.

    .venv/bin/python scripts/fuzz.py                        # every target, 30 s each
    .venv/bin/python scripts/fuzz.py --seconds 600 html csv # chosen targets, 10 minutes each
    .venv/bin/python scripts/fuzz.py --examples 5000        # a fixed number of examples instead

Prints, per target, the iterations run, the seconds taken and any failure (the shrunk input and the
error). Exit status 1 when any target failed. Each failure should become an ``@example`` in
tests/test_fuzz.py and a fix.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from test_fuzz import TARGETS  # noqa: E402

ROUND = 200  # examples per hypothesis run; runs repeat (fresh random seeds) until the budget is spent


def run_target(name: str, seconds: float | None, examples: int | None) -> tuple[int, float, list[str]]:
    """Fuzz one target; returns (iterations, seconds, failure descriptions)."""
    strategy, target = TARGETS[name]
    count = 0
    last_failing: list[Any] = []
    failures: list[str] = []

    def body(value: Any) -> None:
        nonlocal count
        count += 1
        try:
            target(value)
        except BaseException:
            last_failing[:] = [value]  # the last failing value is the shrunk one
            raise

    started = time.monotonic()
    while True:
        size = ROUND if examples is None else min(ROUND, examples - count)
        if size <= 0:
            break
        test = settings(max_examples=size, deadline=None, database=None, print_blob=False,
                        suppress_health_check=list(HealthCheck))(given(strategy)(body))
        try:
            test()
        except Exception as exc:  # noqa: BLE001 - a finding, reported below
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip().splitlines()[-1]
            failures.append(f"{detail[:300]} -- input: {last_failing[0]!r:.500}" if last_failing else detail)
            break  # shrunk and reported; fix it before fuzzing this target further
        if seconds is not None and time.monotonic() - started >= seconds:
            break
    return count, time.monotonic() - started, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", help=f"targets (default all): {', '.join(TARGETS)}")
    parser.add_argument("--seconds", type=float, default=30.0, help="time budget per target (default 30)")
    parser.add_argument("--examples", type=int, help="run this many examples per target instead of a time budget")
    args = parser.parse_args(argv)
    names = args.targets or list(TARGETS)
    unknown = [n for n in names if n not in TARGETS]
    if unknown:
        parser.error(f"unknown target(s): {', '.join(unknown)}")
    any_failed = False
    print(f"{'target':<14}{'iterations':>12}{'seconds':>10}  findings")
    for name in names:
        count, took, failures = run_target(name, None if args.examples else args.seconds, args.examples)
        any_failed |= bool(failures)
        print(f"{name:<14}{count:>12,}{took:>10.1f}  {'; '.join(failures) or 'none'}", flush=True)
    return 1 if any_failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
