# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: host_files
short_description: Every generated file of one host, rendered from the plan
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Returns relative path to document for one host, to be written as YAML.
  - C(compose/<layer>/compose.yaml) for each layer the host carries; on the host of each service,
    C(config/traefik/traefik.yaml) and C(config/traefik/dynamic/*.yaml) (TLS 1.2+ with Mozilla's
    intermediate suites, secure headers, forward authentication, CrowdSec, a rate-limited portal),
    C(config/authelia/configuration.yml) (default deny, API bypasses, groups as roles),
    C(config/homepage/services.yaml), and the configuration of HAProxy, CrowdSec, Prometheus,
    Alertmanager, Alloy and Grafana.
  - Each artefact comes from one rendering, which names the service it serves and the paths it
    emits; a host gets the files of the renderings whose service it runs. Two renderings emitting
    one path fail the filter, naming both.
  - No secret enters these documents; services read theirs from per-service environment files.
extends_documentation_fragment:
  - newmedia.mediastack.plan
  - newmedia.mediastack.plan.host
"""

EXAMPLES = r"""
- name: Write every file this host carries
  ansible.builtin.copy:
    content: "{{ item.value | to_nice_yaml(indent=2, sort_keys=false) }}"
    dest: "/srv/render/{{ item.key }}"
    mode: "0644"
  loop: "{{ plan | newmedia.mediastack.host_files(inventory_hostname) | dict2items }}"
"""

RETURN = r"""
_value:
  description: Relative path to document; empty for a host that carries no service.
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._render import host_files


def _host_files(plan, host):
    try:
        return host_files(plan, host)
    except (KeyError, ValueError) as error:
        raise AnsibleFilterError(f"host_files: cannot render the files of {host}: {error}") from error


class FilterModule:
    """Renderings of the plan."""

    def filters(self):
        return {"host_files": _host_files}
