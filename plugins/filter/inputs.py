# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: inputs
short_description: A host's inventory variables of the collection, every default applied
version_added: 0.2.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Reads every inventory variable of the collection (docs/inventory.md lists them) from a host's
    variables and applies the default of each one the inventory leaves out, from the collection's
    one table of inputs.
  - Returns the resolved variables and the two views the playbooks hand on, the planner's input
    (C(newmedia.mediastack.plan)) and the rendering settings (C(newmedia.mediastack.host_layout)).
  - Judges nothing; C(newmedia.mediastack.preflight_errors) does, before any play uses these.
options:
  _input:
    description: The host's variables, usually C(hostvars[inventory_hostname]).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Show where the configuration lives on this host
  ansible.builtin.debug:
    msg: "{{ (hostvars[inventory_hostname] | newmedia.mediastack.inputs).resolved.mediastack_config_root }}"
"""

RETURN = r"""
_value:
  description: The resolved variables and the views built from them.
  type: dict
  contains:
    resolved:
      description: Every inventory variable of the collection by name, the inventory's value or the default.
      type: dict
      sample: {mediastack_config_root: /opt/mediastack, mediastack_puid: 1000}
    planner:
      description: The planner's input, less C(hosts) (the play adds each host's groups).
      type: dict
      sample: {domain: example.com, segment_driver: bridge, entry_ports: {http: 80, https: 443}}
    settings:
      description: >-
        The rendering settings, less those read from files on the controller (C(acme_ca_bundle),
        C(crowdsec_bouncer_plugin)).
      type: dict
      sample: {config_root: /opt/mediastack, puid: 1000, pgid: 1000, timezone: Etc/UTC}
"""

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._inputs import views


def _inputs(hostvars):
    if not isinstance(hostvars, Mapping):
        kind = type(hostvars).__name__
        raise AnsibleFilterError(f"inputs: expected a host's variables (a mapping), got {kind}")
    return views(hostvars)


class FilterModule:
    """The collection's inventory variables with their defaults."""

    def filters(self):
        return {"inputs": _inputs}
