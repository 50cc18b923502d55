# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Grafana Alloy's config.alloy: every container's log and the host's logs, pushed to Loki."""

from __future__ import annotations

import json
from collections.abc import Mapping

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import config_file
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import played_by
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._reach import reach

#: Where the image's CMD (and the catalog's command) reads config.alloy.
ALLOY_CONFIG = "/etc/alloy"
#: The Docker API Alloy lists the containers on and reads their logs from: the engine's socket,
#: mounted read-only by its catalog entry.
ALLOY_DOCKER_HOST = "unix:///var/run/docker.sock"
#: The host's own logs Alloy tails, through the read-only /var/log mount of its catalog entry.
ALLOY_SYSTEM_LOGS = "/var/log/*.log"
#: The stream labels of a container's log -> the Docker label (its name sanitised, as Alloy's
#: ``__meta_docker_container_label_<name>``) each is read from, the later winning where both are
#: set: Compose's service name, then the collection's own labels on every container it deploys
#: (the catalog name, which the copies of a replicated service share, and the layer).
ALLOY_LABELS = (
    ("service", "com_docker_compose_service"),
    ("service", "org_newmedia_mediastack_service"),
    ("layer", "org_newmedia_mediastack_layer"),
)


def _alloy_string(value: str) -> str:
    """A string literal of Alloy's configuration syntax (double-quoted, escaped as JSON is)."""
    return json.dumps(value)


def _alloy_labels(labels: Mapping[str, str]) -> str:
    """An Alloy object of string labels, keys quoted, in the order given."""
    return "{" + ", ".join(f"{_alloy_string(key)} = {_alloy_string(value)}" for key, value in labels.items()) + "}"


def alloy_config(plan: Mapping, host: str) -> str:
    """Alloy's ``config.alloy`` for the Alloy on ``host``: the log of every container the Docker
    engine runs there, read through its API, and the host's ``/var/log/*.log``, pushed to Loki at
    the address Alloy reaches it on.

    Each line carries ``host`` (the inventory host) and ``job`` (``containers`` or ``system``); a
    container's lines carry ``container`` (its name), and ``service`` and ``layer`` from its
    labels (``ALLOY_LABELS``). The catalog makes Alloy depend on Loki, so the planner refuses
    Alloy without Loki: it would have nowhere to push.
    """
    shipper, logs = played_by(plan, "log_shipper"), played_by(plan, "logs")
    loki = f"http://{reach(plan, shipper, logs)}:{plan['services'][logs]['port']}/loki/api/v1/push"
    rules = [("__meta_docker_container_name", "/(.*)", "container")]
    rules += [(f"__meta_docker_container_label_{label}", "(.+)", target) for target, label in ALLOY_LABELS]
    lines = [
        f"// Rendered from the plan for {host}: every container's log and the host's logs, to Loki.",
        f"discovery.docker {_alloy_string('containers')} {{",
        f"  host = {_alloy_string(ALLOY_DOCKER_HOST)}",
        "}",
        "",
        f"discovery.relabel {_alloy_string('containers')} {{",
        "  targets = discovery.docker.containers.targets",
    ]
    for source, regex, target in rules:
        lines += [
            "",
            "  rule {",
            f"    source_labels = [{_alloy_string(source)}]",
            f"    regex         = {_alloy_string(regex)}",
            f"    target_label  = {_alloy_string(target)}",
            "  }",
        ]
    lines += [
        "}",
        "",
        f"loki.source.docker {_alloy_string('containers')} {{",
        f"  host       = {_alloy_string(ALLOY_DOCKER_HOST)}",
        "  targets    = discovery.relabel.containers.output",
        f"  labels     = {_alloy_labels({'host': host, 'job': 'containers'})}",
        "  forward_to = [loki.write.default.receiver]",
        "}",
        "",
        f"local.file_match {_alloy_string('system')} {{",
        f"  path_targets = [{_alloy_labels({'__path__': ALLOY_SYSTEM_LOGS, 'host': host, 'job': 'system'})}]",
        "}",
        "",
        f"loki.source.file {_alloy_string('system')} {{",
        "  targets    = local.file_match.system.targets",
        "  forward_to = [loki.write.default.receiver]",
        "}",
        "",
        f"loki.write {_alloy_string('default')} {{",
        "  endpoint {",
        f"    url = {_alloy_string(loki)}",
        "  }",
        "}",
    ]
    return "\n".join(lines) + "\n"


#: The platform role (catalog ``platform``) of the service whose files these are.
SERVES = "log_shipper"
EMITS = ("config/alloy/config.alloy",)


def files(plan: Mapping, host: str) -> dict[str, object]:
    return {
        config_file(plan["services"], played_by(plan, "log_shipper"), ALLOY_CONFIG, "config.alloy"): alloy_config(
            plan, host
        )
    }
