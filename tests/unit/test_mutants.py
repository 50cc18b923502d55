"""tools/mutants.py: each break still applies to the code as it reads, and a stale one stops the run.

`make mutants` runs the breaks themselves (minutes); this checks in the unit stage, in a second,
that none of them has gone stale, so a refactor moves the mutant along with the code it breaks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .tools import load_tool

REPO_ROOT = Path(__file__).resolve().parents[2]


mutants = load_tool("mutants")


@pytest.mark.parametrize("mutant", mutants.MUTANTS, ids=[mutant.name for mutant in mutants.MUTANTS])
def test_each_break_applies_to_the_code_as_it_reads(mutant, tmp_path):
    source = REPO_ROOT / mutant.path
    (tmp_path / mutant.path).parent.mkdir(parents=True)
    (tmp_path / mutant.path).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    mutants.apply(mutant, tmp_path)
    broken = (tmp_path / mutant.path).read_text(encoding="utf-8")
    assert broken != source.read_text(encoding="utf-8")
    assert all(new in broken for _old, new in mutant.replacements)
    assert all((REPO_ROOT / test).is_file() for test in mutant.tests)


def test_the_breaks_are_the_seven_the_tests_guard():
    assert [mutant.name for mutant in mutants.MUTANTS] == [
        "admin-allow-list-open",
        "sni-strict-off",
        "forwarded-headers-from-anyone",
        "bouncer-host-option-misspelt",
        "radarr-category-misspelt",
        "authelia-secret-misspelt",
        "data-network-open",
    ]


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [
        ("plugins/x.py", "nothing to break here\n", "occurs 0 times"),
        ("plugins/x.py", "old\nold\n", "occurs 2 times"),
        ("tests/unit/x.py", "old\n", "is a test file"),
    ],
    ids=["text-gone", "text-twice", "test-file"],
)
def test_a_break_that_does_not_apply_once_stops_the_run(path, text, message, tmp_path):
    (tmp_path / path).parent.mkdir(parents=True)
    (tmp_path / path).write_text(text, encoding="utf-8")
    mutant = mutants.Mutant("stale", path, (("old", "new"),), ("tests/unit/test_mutants.py",))
    with pytest.raises(mutants.MutantError, match=message):
        mutants.apply(mutant, tmp_path)
    assert (tmp_path / path).read_text(encoding="utf-8") == text
