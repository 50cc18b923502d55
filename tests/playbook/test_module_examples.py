"""Every plugin's documentation renders with ansible-doc, and the modules' EXAMPLES work as written:
every filter they name exists, and the example that reads TRaSH Guides files runs as a user would
run it (ansible-playbook on files laid out as TRaSH publishes them)."""

from __future__ import annotations

import importlib
import json
import re
import subprocess

import pytest
import yaml
from jinja2.defaults import DEFAULT_FILTERS

from tests.playbook.play import BIN, ENV, ROOT, run_local_play

COLLECTION = "newmedia.mediastack"
PACKAGE = "ansible_collections.newmedia.mediastack.plugins"


def plugin_files(kind: str) -> list[str]:
    return sorted(path.stem for path in (ROOT / "plugins" / kind).glob("*.py") if path.stem != "__init__")


MODULES = plugin_files("modules")
#: Every filter a play can call: the names each filter file's FilterModule provides.
FILTERS = sorted(
    name
    for stem in plugin_files("filter")
    for name in importlib.import_module(f"{PACKAGE}.filter.{stem}").FilterModule().filters()
)
LOOKUPS = plugin_files("lookup")
ROLES = sorted(path.parent.parent.name for path in (ROOT / "roles").glob("*/meta/argument_specs.yml"))
#: (ansible-doc type, short name) of everything ansible-doc documents; an action plugin has no docs
#: of its own, its module's are its docs (see test_every_action_plugin_has_a_documented_module).
DOCUMENTED = [
    *(("module", name) for name in MODULES),
    *(("filter", name) for name in FILTERS),
    *(("lookup", name) for name in LOOKUPS),
    *(("role", name) for name in ROLES),
]
#: The first line ansible-doc prints for each plugin it renders: "> MODULE newmedia.mediastack.x (path)",
#: the name in asterisks for roles.
HEADER_RE = re.compile(r"^> (?:MODULE|FILTER|LOOKUP|ROLE):? \*?([\w.]+)", re.MULTILINE)
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


@pytest.fixture(scope="module")
def ansible_doc():
    """Each type's plugins rendered as text by one ansible-doc call: {type: (pages by FQCN, stderr)}."""
    rendered = {}

    def render(kind: str) -> tuple[dict[str, str], str]:
        if kind not in rendered:
            names = [f"{COLLECTION}.{name}" for plugin_kind, name in DOCUMENTED if plugin_kind == kind]
            result = subprocess.run(
                [str(BIN / "ansible-doc"), "-t", kind, *names],
                cwd=ROOT,
                env=ENV,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            assert result.returncode == 0, result.stderr[-2000:]
            starts = [(match.start(), match.group(1)) for match in HEADER_RE.finditer(result.stdout)]
            ends = [start for start, _name in starts[1:]] + [len(result.stdout)]
            pages = {name: result.stdout[start:end] for (start, name), end in zip(starts, ends, strict=True)}
            rendered[kind] = (pages, result.stderr)
        return rendered[kind]

    return render


@pytest.mark.parametrize(("kind", "name"), DOCUMENTED, ids=[f"{kind}-{name}" for kind, name in DOCUMENTED])
def test_ansible_doc_renders_every_plugin(ansible_doc, kind, name):
    """`ansible-doc -t <type> newmedia.mediastack.<name>` shows a page, and warns about nothing."""
    pages, stderr = ansible_doc(kind)
    fqcn = f"{COLLECTION}.{name}"
    assert not stderr.strip(), f"ansible-doc -t {kind} warned:\n{stderr[-2000:]}"
    assert fqcn in pages, f"ansible-doc -t {kind} {fqcn} rendered no page"
    # A page has more than its header: at least the short description the docs give.
    assert len(pages[fqcn].strip().splitlines()) > 1, pages[fqcn]


@pytest.mark.parametrize("action", plugin_files("action"))
def test_every_action_plugin_has_a_documented_module(action):
    """ansible-doc shows an action plugin's docs through the module of the same name."""
    assert action in MODULES, f"plugins/action/{action}.py has no plugins/modules/{action}.py to document it"


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
    result = run_local_play(tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert sorted(json.loads(output.read_text()), key=lambda item: item["trash_id"]) == formats
