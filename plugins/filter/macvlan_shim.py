# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: macvlan_shim
short_description: A host's macvlan parents, and the shim links that let it reach its own containers
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - The kernel keeps a macvlan parent apart from its children, so a Docker host whose segments are
    macvlan networks cannot reach its own containers through the parent interface.
  - Gives, for one host, each segment's parent interface and one shim link per segment where the
    host holds an address on that parent - a macvlan link (mode bridge) named C(ms-<segment>) on
    the same parent, with the host's address as /32 and a /32 route to each of the host's planned
    container addresses on the segment - and the shell script that creates them.
extends_documentation_fragment:
  - newmedia.mediastack.plan
options:
  host:
    description: The inventory name of the host.
    type: str
    required: true
  interfaces:
    description:
      - The host's interface facts that carry IPv4, each with C(device), C(ipv4) and optionally
        C(ipv4_secondaries), as C(ansible_facts) gives them.
    type: list
    elements: dict
    required: true
  parents:
    description:
      - Parent interface per segment (C(mediastack_segment_parents)); a segment not named uses the
        interface holding an address inside it.
    type: dict
    required: false
"""

EXAMPLES = r"""
- name: Write the host's shim script
  ansible.builtin.copy:
    content: "{{ (plan | newmedia.mediastack.macvlan_shim(inventory_hostname, interfaces)).script }}"
    dest: /usr/local/sbin/mediastack-macvlan-shim
    mode: "0755"
"""

RETURN = r"""
_value:
  description: >-
    C(parents) (segment to parent interface), C(links) (segment, name, parent, address, routes,
    present_as - the link as C(ip -o link) shows it) and C(script) (the shell script that removes
    every C(ms-*) link and creates these).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._shim import macvlan_shim


def _macvlan_shim(plan, host, interfaces, parents=None):
    try:
        return macvlan_shim(plan, host, interfaces, parents)
    except (KeyError, TypeError, ValueError) as error:
        raise AnsibleFilterError(f"macvlan_shim: cannot lay out the shim links of {host}: {error}") from error


class FilterModule:
    """The host side of macvlan segments."""

    def filters(self):
        return {"macvlan_shim": _macvlan_shim}
