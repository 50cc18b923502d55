"""Run the named ``make`` stages in order and print a summary with each stage's wall time.

Every stage runs even when an earlier one failed, so one run shows the whole state; the exit
status is non-zero when any stage failed.
"""

from __future__ import annotations

import subprocess
import sys
import time


def run(stage: str) -> tuple[bool, float]:
    print(f"\n===== stage {stage} =====", flush=True)
    started = time.monotonic()
    result = subprocess.run(["make", "--no-print-directory", stage], check=False)
    return result.returncode == 0, time.monotonic() - started


def main(stages: list[str]) -> int:
    results = [(stage, *run(stage)) for stage in stages]
    total = sum(seconds for _stage, _passed, seconds in results)
    print("\n===== summary =====")
    print(f"{'stage':<12} {'result':<7} {'wall time':>10}")
    for stage, passed, seconds in results:
        print(f"{stage:<12} {'passed' if passed else 'FAILED':<7} {seconds:>9.1f}s")
    print(f"{'total':<12} {'':<7} {total:>9.1f}s")
    failed = sum(1 for _stage, passed, _seconds in results if not passed)
    print(f"stages: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
