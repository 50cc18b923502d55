"""Break each guarded security setting once, in a copy of the tree, and check that a test fails.

Each mutant is an exact text substitution in one production file, for example ``"sniStrict": True``
turned ``False``. For each, the working tree (tracked files and untracked ones git does not ignore)
is copied into a temporary folder, the substitution is applied there, and the mutant's test files
run with pytest under a time limit. A mutant is ``killed`` when a test fails, ``SURVIVED`` when
every test passes. A substitution whose text is not found exactly once stops the run: a refactor
must move the mutant along with the code, never make it vanish.

Before the mutants, the same test files run once on the unbroken copy, so that ``killed`` means
the break was caught and not that the tests fail anyway.

    python tools/mutants.py                       # every mutant, the table, non-zero unless all are killed
    python tools/mutants.py --only sni-strict-off --tests tests/unit/plugins/plugin_utils/test_catalog.py
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECURITY_TESTS = ("tests/unit/test_shipped_security.py",)
FIELD_TESTS = ("tests/unit/plugins/modules/test_servarr_download_client_fields.py",)
BOUNCER_TESTS = ("tests/unit/test_traefik_edge.py", "tests/unit/test_crowdsec_bouncer_plugin.py")
#: The seconds one pytest run may take.
DEFAULT_TIMEOUT = 600
#: pytest's last line: "2 failed, 22 passed in 31.02s".
SUMMARY = re.compile(r"\d+ (passed|failed|errors?|skipped)\b")
#: What follows a failed test's name in pytest's short summary: its parameters and the message.
FAILED = re.compile(r"(\[.*?\])?( - .*)?$")


@dataclass(frozen=True)
class Mutant:
    """A break: ``replacements`` (old text, new text) applied to ``path``, which ``tests`` must catch."""

    name: str
    path: str
    replacements: tuple[tuple[str, str], ...]
    tests: tuple[str, ...]


MUTANTS = (
    Mutant(
        "admin-allow-list-open",
        "plugins/plugin_utils/_renderings/traefik.py",
        (('{"ipAllowList": {"sourceRange": [admin_cidr]}}', '{"ipAllowList": {"sourceRange": ["0.0.0.0/0"]}}'),),
        SECURITY_TESTS,
    ),
    Mutant(
        "sni-strict-off",
        "plugins/plugin_utils/_renderings/traefik.py",
        (('"sniStrict": True,', '"sniStrict": False,'),),
        SECURITY_TESTS,
    ),
    Mutant(
        "forwarded-headers-from-anyone",
        "plugins/plugin_utils/_renderings/traefik.py",
        (
            ('if trusted and name != "traefik":', 'if name != "traefik":'),
            (
                'entry_point["forwardedHeaders"] = {"trustedIPs": trusted}',
                'entry_point["forwardedHeaders"] = {"insecure": True}',
            ),
        ),
        SECURITY_TESTS,
    ),
    Mutant(
        "bouncer-host-option-misspelt",
        "plugins/plugin_utils/_renderings/traefik.py",
        (('"crowdsecLapiHost": f"', '"crowdsecLapiHosts": f"'),),
        BOUNCER_TESTS,
    ),
    Mutant(
        "radarr-category-misspelt",
        "catalog/services/radarr.yml",
        (("category_field: movieCategory", "category_field: movieCatgory"),),
        FIELD_TESTS,
    ),
    Mutant(
        "authelia-secret-misspelt",
        "catalog/services/authelia.yml",
        (("env: AUTHELIA_SESSION_SECRET_FILE}", "env: AUTHELIA_SESION_SECRET_FILE}"),),
        SECURITY_TESTS,
    ),
    Mutant(
        "data-network-open",
        "roles/stack/tasks/networks.yml",
        (
            (
                "internal: \"{{ stack_plan['segments'][stack_item]['internal']"
                " and stack_segment_driver == 'bridge' }}\"",
                "internal: false",
            ),
        ),
        SECURITY_TESTS,
    ),
)


class MutantError(Exception):
    """A mutant cannot be applied as written."""


def tree_files() -> list[str]:
    """The working tree's files: tracked, and untracked ones git does not ignore."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return sorted(name for name in dict.fromkeys(listed.split("\0")) if name)


def copy_tree(target: Path) -> Path:
    """A copy of the working tree at ``target/tree``, with ``.lab/cache`` linked to the checkout's."""
    tree = target / "tree"
    for name in tree_files():
        source = ROOT / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the working tree, not yet in the index
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            (tree / name).symlink_to(source.readlink())
        else:
            shutil.copy2(source, tree / name)
    # The checkout's downloads (Traefik's binary, which the edge tests run), shared, not copied.
    cache = ROOT / ".lab" / "cache"
    if cache.is_dir():
        (tree / ".lab").mkdir(exist_ok=True)
        (tree / ".lab" / "cache").symlink_to(cache)
    return tree


def apply(mutant: Mutant, tree: Path) -> None:
    """Apply ``mutant`` in ``tree``; each text to replace must occur exactly once."""
    if mutant.path.startswith("tests/"):
        raise MutantError(f"{mutant.name}: {mutant.path} is a test file; a mutant breaks production code")
    path = tree / mutant.path
    if not path.is_file():
        raise MutantError(f"{mutant.name}: {mutant.path} does not exist. Move the mutant along with the code")
    text = path.read_text(encoding="utf-8")
    for old, new in mutant.replacements:
        count = text.count(old)
        if count != 1:
            raise MutantError(
                f"{mutant.name}: the text to replace occurs {count} times in {mutant.path}, not once: {old!r}. "
                "Update the mutant in tools/mutants.py to the code as it now reads"
            )
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def run_tests(tree: Path, tests: tuple[str, ...], timeout: int) -> tuple[str, str, list[str]]:
    """(outcome, pytest's summary line, the tests that failed): outcome is passed, failed, timeout or error."""
    missing = [test for test in tests if not (tree / test).is_file()]
    if missing:
        return "error", f"no such test file: {', '.join(missing)}", []
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--tb=no", "-rf", *tests]
    try:
        result = subprocess.run(command, cwd=tree, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return "timeout", f"stopped after {timeout}s", []
    output = (result.stdout + result.stderr).strip().splitlines() or [""]
    summary = next((line for line in reversed(output) if SUMMARY.search(line)), output[-1]).strip("= ")
    # pytest: 0 all passed, 1 some failed; anything else (usage, collection, no tests) is an error.
    outcome = {0: "passed", 1: "failed"}.get(result.returncode, "error")
    if outcome == "passed" and " passed" not in summary:
        outcome = "error"  # every test skipped (the specs absent, say): nothing was checked
    # "FAILED tests/unit/test_x.py::test_y[lab] - AssertionError": the test, less its parameters.
    failed = [FAILED.sub("", line.removeprefix("FAILED ")) for line in output if line.startswith("FAILED ")]
    return outcome, summary, list(dict.fromkeys(failed))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--only", action="append", choices=[mutant.name for mutant in MUTANTS], help="run this mutant")
    parser.add_argument("--tests", nargs="+", help="test files to run instead of each mutant's own")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, help="seconds per pytest run")
    parser.add_argument("--no-baseline", action="store_true", help="skip the run on the unbroken copy")
    args = parser.parse_args(argv)
    mutants = [mutant for mutant in MUTANTS if not args.only or mutant.name in args.only]
    rows, broken = [], False
    with tempfile.TemporaryDirectory(prefix="mediastack-mutants-") as scratch:
        if not args.no_baseline:
            tests = tuple(args.tests or dict.fromkeys(test for mutant in mutants for test in mutant.tests))
            print(f"baseline: {' '.join(tests)}", flush=True)
            outcome, summary, _failed = run_tests(copy_tree(Path(scratch) / "baseline"), tests, args.timeout)
            if outcome != "passed":
                print(f"baseline {outcome}: {summary}. The tests must pass on the unbroken tree first.")
                return 2
        for index, mutant in enumerate(mutants):
            tests = tuple(args.tests or mutant.tests)
            print(f"mutant {mutant.name}: {' '.join(tests)}", flush=True)
            tree = copy_tree(Path(scratch) / f"mutant-{index}")
            try:
                apply(mutant, tree)
            except MutantError as error:
                print(f"mutants: {error}", file=sys.stderr)
                return 2
            started = time.monotonic()
            outcome, summary, failed = run_tests(tree, tests, args.timeout)
            for test in failed:
                print(f"  failed: {test}", flush=True)
            result = {"failed": "killed", "passed": "SURVIVED"}.get(outcome, outcome.upper())
            broken |= result != "killed"
            rows.append(
                (mutant.name, mutant.path, " ".join(tests), result, f"{summary} ({time.monotonic() - started:.0f}s)")
            )
            shutil.rmtree(tree.parent)
    print_table(rows)
    return 1 if broken else 0


def print_table(rows: list[tuple[str, ...]]) -> None:
    header = ("break", "file", "tests run", "result", "pytest")
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header) - 1)]
    print()
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)) + "  " + row[-1])
    killed = sum(1 for row in rows if row[3] == "killed")
    print(f"mutants: {killed} killed, {len(rows) - killed} not killed")


if __name__ == "__main__":
    sys.exit(main())
