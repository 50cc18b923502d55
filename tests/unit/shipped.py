"""The shipped inventories as the playbooks see them: their plan, render settings and files.

Ansible's own inventory loader reads ``inventories/<name>`` (hosts and group_vars), and the
variables of ``playbooks/vars/plan.yml`` are templated in each host's scope with Ansible's
templating, as every play that loads that file does. The plan, the files and the wiring come from
the functions the collection's filters call, so a test reads what the render playbook writes and
the configure role sends, in about a second, without running a playbook.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template
from ansible.vars.hostvars import HostVars
from ansible.vars.manager import VariableManager

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import load_catalog
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._inputs import BY_NAME, views
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._layout import host_layout
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import build_plan
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._sources import source_files
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._wiring import wiring

ROOT = Path(__file__).resolve().parents[2]
CATALOG = load_catalog(ROOT / "catalog" / "services")
#: The inventories the collection ships for users (single-host, multi-host) and for its lab.
INVENTORIES = ("single-host", "lab", "lab-three", "multi-host")
#: The sources of plan.yml (mediastack_sources), read with lookups. The ACME CA bundle is left out
#: (empty): it is a file the lab writes (.lab/acme/ca.pem), read by a lookup that fails where the
#: lab was never started. The plugin source is read with a lookup of this collection, which
#: Ansible's plugin loader cannot load in this process (no collection finder is installed): it is
#: computed by the function the lookup calls, from the inventory variable plan.yml hands it.
LOOKUP_SOURCES = {
    "crowdsec_bouncer_plugin": (
        "mediastack_crowdsec_bouncer_plugin_source",
        lambda folder, variable: source_files(Path(folder), variable, [".traefik.yml"], 4 << 20),
    ),
}


def trusted(value: object) -> object:
    """``value`` with every string marked as a template, as Ansible marks a playbook's own files."""
    if isinstance(value, str):
        return trust_as_template(value)
    if isinstance(value, Mapping):
        return {key: trusted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [trusted(item) for item in value]
    return value


def role_variables(role: str, kind: str) -> dict:
    """A role's ``defaults`` or ``vars`` (``kind``), as templates."""
    return trusted(yaml.safe_load((ROOT / "roles" / role / kind / "main.yml").read_text(encoding="utf-8")))


PLAN_VARIABLES = trusted(yaml.safe_load((ROOT / "playbooks" / "vars" / "plan.yml").read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Shipped:
    """One shipped inventory: each host's variables (plan.yml's included), the plan, and each
    host's settings (mediastack_render_settings, of which the files read only the secret ones)."""

    name: str
    scopes: Mapping[str, Mapping]
    plan: Mapping
    settings: Mapping[str, Mapping]
    #: What the planner was given (plan.yml's mediastack_plan_inventory).
    planner: Mapping

    def replanned(self, catalog: Mapping) -> dict:
        """The plan of this inventory with another catalog (a test's changed copy)."""
        return build_plan(catalog, self.planner)

    def template(self, host: str, text: object, **variables) -> object:
        """``text`` templated in ``host``'s scope with ``variables`` added, as a task's argument is."""
        scope = {**self.scopes[host], **trusted(variables)}
        return Templar(loader=DataLoader(), variables=scope).template(trusted(text))

    @property
    def edge(self) -> str:
        """The host that runs Traefik."""
        return self.plan["services"]["traefik"]["host"]

    def files(self, host: str) -> dict[str, str]:
        """Path -> content of every file the render playbook writes for ``host``, secrets masked."""
        root = self.plan["settings"]["config_root"].rstrip("/") + "/"
        layout = host_layout(self.plan, host, None, self.settings[host])
        return {entry["path"].removeprefix(root): entry["content"] for entry in layout["files"]}

    def document(self, host: str, path: str) -> object:
        """A rendered YAML file of ``host`` (a path under the configuration root), parsed."""
        return yaml.safe_load(self.files(host)[path])

    def wiring(self, host: str) -> dict:
        """The wiring the configure role works from, as ``host`` computes it."""
        defaults = role_variables("configure", "defaults")
        categories = self.template(host, "{{ configure_download_categories }}", **defaults)
        return wiring({**self.plan, "settings": {**self.plan["settings"], "download_categories": categories}})


def shipped(name: str, **extra) -> Shipped:
    """``inventories/<name>`` with ``extra`` variables (as ``-e`` passes them) set on every host."""
    return _shipped(name, json.dumps(extra, sort_keys=True))


@functools.cache
def _shipped(name: str, extra_json: str) -> Shipped:
    extra = json.loads(extra_json)
    loader = DataLoader()
    inventory = InventoryManager(loader=loader, sources=[str(ROOT / "inventories" / name)])
    manager = VariableManager(loader=loader, inventory=inventory)
    hostvars = HostVars(inventory=inventory, variable_manager=manager, loader=loader)
    scopes, settings, plans = {}, {}, []
    for host in inventory.get_hosts("mediastack"):
        scope = {**manager.get_vars(host=host), "hostvars": hostvars, **PLAN_VARIABLES, **trusted(extra)}
        scope["mediastack_catalog"] = CATALOG
        templar = Templar(loader=loader, variables=scope)
        # What the inputs filter returns for the host: the function it calls, on the host's variables.
        given = {name: templar.template(scope[name]) for name in scope if name in BY_NAME}
        scope["mediastack_inputs"] = inputs = views(given)
        sources = {"acme_ca_bundle": ""}
        for key, (variable, read) in LOOKUP_SOURCES.items():
            folder = inputs["resolved"][variable]
            sources[key] = read(folder, variable) if folder else {}
        scope["mediastack_sources"] = sources
        plans.append(templar.template(PLAN_VARIABLES["mediastack_plan_inventory"]))
        settings[host.name] = dict(inputs["settings"])
        scopes[host.name] = scope
    assert all(plan == plans[0] for plan in plans), f"{name}: the hosts see different plan inputs"
    plan = build_plan(CATALOG, plans[0])
    for scope in scopes.values():
        scope["mediastack_plan"] = plan
    return Shipped(name, scopes, plan, settings, plans[0])
