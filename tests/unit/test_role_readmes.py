"""Role READMEs match their meta/argument_specs.yml, and the specs match defaults/main.yml."""

from __future__ import annotations

from pathlib import Path

import pytest

from .tools import load_tool

REPO_ROOT = Path(__file__).resolve().parents[2]
ROLES = sorted(path for path in (REPO_ROOT / "roles").iterdir() if (path / "meta").is_dir())


role_readme = load_tool("role_readme")


@pytest.mark.parametrize("role_dir", ROLES, ids=[path.name for path in ROLES])
def test_readme_is_current(role_dir):
    assert role_readme.process_role(role_dir, check=True) == []


def test_check_mode_exits_non_zero_on_a_stale_readme(tmp_path):
    role = tmp_path / "demo"
    (role / "meta").mkdir(parents=True)
    (role / "defaults").mkdir()
    (role / "meta" / "argument_specs.yml").write_text(
        "argument_specs:\n  main:\n    options:\n      demo_port:\n"
        "        description: Port.\n        type: int\n        default: 80\n"
    )
    (role / "defaults" / "main.yml").write_text("demo_port: 80\n")
    readme = role / "README.md"
    readme.write_text(f"# demo\n\n{role_readme.BEGIN_MARKER}\nold table\n{role_readme.END_MARKER}\n")

    assert role_readme.main(["--check", str(role)]) == 1
    assert "old table" in readme.read_text()
    assert role_readme.main([str(role)]) == 0
    assert role_readme.main(["--check", str(role)]) == 0
    text = readme.read_text()
    assert text.startswith("# demo\n\n")
    assert "| `demo_port` | int | `80` |  | Port. |" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sets C(/etc/timezone).", "Sets `/etc/timezone`."),
        ("Used when I(x=file).", "Used when *x=file*."),
        ("See U(https://example.org).", "See <https://example.org>."),
        ("See L(the docs,https://example.org).", "See [the docs](https://example.org)."),
        ("The P(ns.coll.wiring#filter) filter.", "The `ns.coll.wiring` filter."),
        ("Not CASE(x) or ONE(y).", "Not CASE(x) or ONE(y)."),
    ],
    ids=["code", "italic", "url", "link", "plugin", "words-untouched"],
)
def test_markup_to_markdown(text, expected):
    assert role_readme.markup_to_markdown(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", '`""`'),
        ("2775", "`2775`"),
        (True, "`true`"),
        (["tv", "movies"], '`["tv", "movies"]`'),
        ({"a": 1}, '`{"a": 1}`'),
    ],
    ids=["none", "empty", "string", "bool", "list", "dict"],
)
def test_format_value(value, expected):
    assert role_readme.format_value(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1000, (True, 1000)),
        ("{{ mediastack_puid | default(1000) }}", (True, 1000)),
        ("{{ mediastack_timezone | default('Etc/UTC') }}", (True, "Etc/UTC")),
        ("{{ mediastack_kinds\n   | default(['tv', 'movies']) }}", (True, ["tv", "movies"])),
        ("{{ ansible_facts['distribution'] }}", (False, "{{ ansible_facts['distribution'] }}")),
    ],
    ids=["literal", "inventory-int", "inventory-str", "inventory-list-folded", "other-template"],
)
def test_effective_default(value, expected):
    assert role_readme.effective_default(value) == expected


def test_defaults_problems_name_the_variable(tmp_path):
    role = tmp_path / "demo"
    (role / "defaults").mkdir(parents=True)
    (role / "defaults" / "main.yml").write_text("demo_a: 1\ndemo_b: x\n")
    specs = {
        "main": {
            "options": {
                "demo_a": {"description": "A.", "type": "int", "default": 2},
                "demo_c": {"description": "C.", "type": "str", "default": "c"},
            }
        }
    }
    assert role_readme.defaults_problems(role, specs) == [
        "demo_b is in defaults/main.yml but not in meta/argument_specs.yml",
        "demo_c is in meta/argument_specs.yml but has no value in defaults/main.yml",
        "demo_a: defaults/main.yml gives 1 but meta/argument_specs.yml documents 2",
    ]


def test_missing_markers_are_an_error():
    with pytest.raises(role_readme.SpecError, match="BEGIN ARGUMENT SPECS"):
        role_readme.replace_generated("# no markers\n", "table")
