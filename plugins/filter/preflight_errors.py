# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: preflight_errors
short_description: Check one host's inventory variables before any host changes
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Reads the collection's inventory variables from a host's variables and returns every problem
    found, each as one message that names the variable and says what to do.
  - Checks every inventory variable of the collection against its row of the collection's table of
    inputs (type, range, choices, known keys; a C(mediastack_*) variable the table does not know is
    rejected with the name it resembles), then the rules a type cannot say, for example that the
    CIDRs in C(mediastack_segments) do not overlap, that C(docker_default_address_pools) stays clear
    of every segment and that C(mediastack_entry_ports) are two distinct ports.
  - With O(plan), on the host that publishes the entry (Traefik on bridge segments), also that the
    entry's ports are not published by another service of that host, and that a bind address other
    than C(0.0.0.0) or C(::) is one of the host's own (C(ansible_all_ipv4_addresses),
    C(ansible_all_ipv6_addresses)); C(mediastack_preflight_offline=true) skips that comparison.
  - Variables that are not set are checked at their defaults.
options:
  _input:
    description: The host's variables, usually C(hostvars[inventory_hostname]).
    type: dict
    required: true
  host:
    description: The host name used in the messages.
    type: str
    default: this host
  plan:
    description: The plan (the C(newmedia.mediastack.plan) filter's result), for the checks that need it.
    type: dict
"""

EXAMPLES = r"""
- name: Stop before any change when the inventory is unsound
  ansible.builtin.assert:
    that: __preflight_errors | length == 0
    fail_msg: "{{ __preflight_errors | join(' ') }}"
  vars:
    __preflight_errors: >-
      {{ hostvars[inventory_hostname] | newmedia.mediastack.preflight_errors(host=inventory_hostname) }}
"""

RETURN = r"""
_value:
  description: One message per problem; empty when the variables are sound.
  type: list
  elements: str
"""

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._inventory import preflight_errors


def _preflight_errors(hostvars, host="this host", plan=None):
    if not isinstance(hostvars, Mapping):
        kind = type(hostvars).__name__
        raise AnsibleFilterError(f"preflight_errors: expected a host's variables (a mapping), got {kind}")
    if plan is not None and not isinstance(plan, Mapping):
        raise AnsibleFilterError(f"preflight_errors: expected the plan (a mapping), got {type(plan).__name__}")
    return preflight_errors(hostvars, host=host, plan=plan)


class FilterModule:
    """Inventory checks run before any host changes."""

    def filters(self):
        return {"preflight_errors": _preflight_errors}
