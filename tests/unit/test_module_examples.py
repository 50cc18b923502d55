"""The modules' EXAMPLES work as written: every filter they name exists, and the example that
reads TRaSH Guides files runs as a user would run it (ansible-playbook on files laid out as
TRaSH publishes them)."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from jinja2.defaults import DEFAULT_FILTERS

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(path.stem for path in (ROOT / "plugins/modules").glob("*.py") if path.stem != "__init__")
BIN = Path(sys.executable).parent
#: ``| name``, and the filter ``map('name')`` applies: every filter an expression names.
PIPE_RE = re.compile(r"\|\s*([A-Za-z_][\w.]*)")
MAP_RE = re.compile(r"\bmap\(\s*'([A-Za-z_][\w.]*)'")


def examples(module: str) -> str:
    return importlib.import_module(f"ansible_collections.newmedia.mediastack.plugins.modules.{module}").EXAMPLES


def filter_exists(name: str) -> bool:
    """A filter of this collection or of ansible.builtin, by the plugin files that define them."""
    own = "newmedia.mediastack."
    if name.startswith(own):
        short = name.removeprefix(own)
        module = importlib.import_module(f"ansible_collections.newmedia.mediastack.plugins.filter.{short}")
        return short in module.FilterModule().filters()
    builtin = {}
    for source in ("core", "mathstuff", "urls", "urlsplit", "encryption"):
        builtin.update(importlib.import_module(f"ansible.plugins.filter.{source}").FilterModule().filters())
    return name.removeprefix("ansible.builtin.") in builtin


@pytest.mark.parametrize("module", MODULES)
def test_every_filter_an_example_names_exists(module):
    text = examples(module)
    yaml.safe_load(text)  # the examples are YAML a play can hold
    names = set(PIPE_RE.findall(text)) | set(MAP_RE.findall(text))
    missing = sorted(name for name in names if name not in DEFAULT_FILTERS and not filter_exists(name))
    assert not missing, f"{module}'s EXAMPLES use filters that do not exist: {missing}"


def test_the_trash_custom_formats_example_reads_the_published_files(tmp_path):
    """The first task of servarr_quality_profile's EXAMPLES, unchanged, on TRaSH-shaped files."""
    task = yaml.safe_load(examples("servarr_quality_profile"))[0]
    assert "ansible.builtin.set_fact" in task
    folder = tmp_path / "trash/sonarr/cf"
    folder.mkdir(parents=True)
    formats = [{"trash_id": "a1", "name": "x265 (HD)"}, {"trash_id": "b2", "name": "BR-DISK"}]
    for index, document in enumerate(formats):
        (folder / f"cf-{index}.json").write_text(json.dumps(document))
    output = tmp_path / "read.json"
    play = [
        {
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [
                task,
                {
                    "name": "Write what was read",
                    "ansible.builtin.copy": {
                        "content": "{{ mediastack_trash_sonarr_custom_formats | to_json }}",
                        "dest": str(output),
                        "mode": "0600",
                    },
                },
            ],
        }
    ]
    (tmp_path / "play.yml").write_text(yaml.safe_dump(play))
    result = subprocess.run(
        [
            str(BIN / "ansible-playbook"),
            "-i",
            "localhost,",
            "-c",
            "local",
            "-e",
            f"ansible_python_interpreter={sys.executable}",
            "play.yml",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert sorted(json.loads(output.read_text()), key=lambda item: item["trash_id"]) == formats
