"""A role started from the skeletons (tools/new_role.sh, `make role`) is a house role from its first
commit: the layout, names and generated README the repository's roles have, a clean production
ansible-lint, and tasks that run; and the naming rules it follows hold for every role."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.unit.test_role_readmes import REPO_ROOT, ROLES, role_readme

BIN = Path(sys.executable).parent
NAME = "demo_host"
#: The files every generated role and scenario has, relative to the tree they are generated into.
LAYOUT = [
    f"roles/{NAME}/README.md",
    f"roles/{NAME}/defaults/main.yml",
    f"roles/{NAME}/handlers/main.yml",
    f"roles/{NAME}/meta/main.yml",
    f"roles/{NAME}/meta/argument_specs.yml",
    f"roles/{NAME}/tasks/main.yml",
    f"roles/{NAME}/vars/main.yml",
    f"molecule/{NAME}/molecule.yml",
    f"molecule/{NAME}/converge.yml",
    f"molecule/{NAME}/verify.yml",
]


def run(*argv: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(arg) for arg in argv],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """A copy of the collection (ansible_collections/newmedia/mediastack) with a role started in it."""
    base = tmp_path_factory.mktemp("skeleton")
    layout = run(REPO_ROOT / "tools/collection_tree.sh", base, cwd=REPO_ROOT)
    assert layout.returncode == 0, layout.stderr
    collection = Path(layout.stdout.strip())
    created = run(REPO_ROOT / "tools/new_role.sh", NAME, collection, cwd=REPO_ROOT)
    assert created.returncode == 0, created.stdout + created.stderr
    return collection


def test_the_role_and_its_scenario_have_the_house_layout(tree):
    missing = [path for path in LAYOUT if not (tree / path).is_file()]
    assert not missing


def test_no_skeleton_markup_is_left(tree):
    for path in LAYOUT:
        text = (tree / path).read_text()
        assert "[[" not in text, path
        assert "#jinja2:" not in text, path
        if path.endswith(".yml"):
            assert yaml.safe_load(text) is not None, path


def test_the_readme_is_generated_and_the_specs_match_the_defaults(tree):
    assert role_readme.process_role(tree / "roles" / NAME, check=True) == []


def test_tasks_main_is_a_dispatcher_with_the_role_tag(tree):
    tasks = yaml.safe_load((tree / f"roles/{NAME}/tasks/main.yml").read_text())
    assert tasks
    for task in tasks:
        assert "ansible.builtin.import_tasks" in task, task
        assert NAME in task["tags"], task


@pytest.mark.parametrize(
    "role_dir",
    [*ROLES, None],
    ids=[*(path.name for path in ROLES), "generated"],
)
def test_variables_carry_the_role_prefix(tree, role_dir):
    """Public variables are <role>_..., internal ones __<role>_..., in every role."""
    role_dir = role_dir or tree / "roles" / NAME
    role = role_dir.name
    defaults = role_readme.load_yaml(role_dir / "defaults/main.yml") or {}
    internal = role_readme.load_yaml(role_dir / "vars/main.yml") or {}
    assert [name for name in defaults if not name.startswith(f"{role}_")] == []
    assert [name for name in internal if not name.startswith(f"__{role}_")] == []


def test_the_role_and_its_scenario_pass_production_lint(tree):
    result = run(
        BIN / "ansible-lint",
        "--offline",
        f"roles/{NAME}",
        f"molecule/{NAME}",
        cwd=tree,
        env={"ANSIBLE_COLLECTIONS_PATH": str(tree.parents[2]), "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Profile 'production' was required, and it passed" in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("packages", "fails"),
    [([], False), (["Not A Package"], True)],
    ids=["defaults", "bad-package-name"],
)
def test_the_role_runs_and_names_the_variable_it_rejects(tree, tmp_path, packages, fails):
    """In check mode on this machine: the defaults pass; a bad input fails, naming the variable."""
    play = [
        {
            "name": "Apply the generated role",
            "hosts": "localhost",
            "gather_facts": False,
            "roles": [{"role": f"newmedia.mediastack.{NAME}", "vars": {f"{NAME}_packages": packages}}],
        }
    ]
    (tmp_path / "play.yml").write_text(yaml.safe_dump(play))
    result = run(
        BIN / "ansible-playbook",
        "-i",
        "localhost,",
        "-c",
        "local",
        "--check",
        "-e",
        f"ansible_python_interpreter={sys.executable}",
        "play.yml",
        cwd=tmp_path,
        env={"ANSIBLE_COLLECTIONS_PATH": str(tree.parents[2]), "ANSIBLE_NOCOLOR": "1"},
    )
    assert (result.returncode != 0) is fails, result.stdout[-3000:] + result.stderr[-3000:]
    if fails:
        assert f"Fix {NAME}_packages in the inventory" in result.stdout


def test_an_existing_role_is_not_overwritten(tree):
    readme = (tree / f"roles/{NAME}/README.md").read_text()
    again = run(REPO_ROOT / "tools/new_role.sh", NAME, tree, cwd=REPO_ROOT)
    assert again.returncode == 1
    assert "already exists" in again.stderr
    assert (tree / f"roles/{NAME}/README.md").read_text() == readme
