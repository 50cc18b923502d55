# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: plan
short_description: Compute the platform's plan from the catalog and the inventory
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Places every enabled service on a host by its layer group (C(mediastack_<layer>)), gives it a
    fixed address on each of its segments (catalog slot, so adding a service renumbers nothing),
    and derives the routes users reach and the flows between services.
  - The plan is plain data and says nothing of how it is applied.
  - Stops with every problem found, each naming the inventory variable, among them an unknown
    service, a subdomain used twice, a service whose layer no host carries, a group no one
    defined, a domain outside the session cookie domain, overlapping segments, and a segment too
    small for its services.
options:
  _input:
    description: The catalog, as returned by C(lookup('newmedia.mediastack.catalog')).
    type: dict
    required: true
  inventory:
    description:
      - The inventory seen by the planner, with keys C(hosts) (host name to its list of groups),
        C(domain), C(segments), C(features), C(services), C(auth_groups), C(cookie_domain) and
        C(vpn_port_forwarding) (whether the VPN gateway asks the provider to forward a port).
      - The collection's playbooks build it from C(mediastack_*) variables.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Plan the platform
  ansible.builtin.set_fact:
    mediastack_plan: "{{ lookup('newmedia.mediastack.catalog') | newmedia.mediastack.plan(inventory) }}"
  vars:
    inventory:
      hosts: {media1: [mediastack, mediastack_edge, mediastack_data, mediastack_media]}
      domain: example.com
"""

RETURN = r"""
_value:
  description: The plan, with keys C(domain), C(segments), C(hosts), C(services), C(routes), C(flows).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import PlanError, build_plan


def _plan(catalog, inventory):
    try:
        return build_plan(catalog, inventory)
    except PlanError as error:
        raise AnsibleFilterError("plan: " + " ".join(error.problems)) from error


class FilterModule:
    """The planner."""

    def filters(self):
        return {"plan": _plan}
