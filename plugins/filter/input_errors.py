# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: input_errors
short_description: Check some of the collection's inventory variables as the preflight does
version_added: 0.2.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Runs the checks of C(newmedia.mediastack.preflight_errors) on the variables given; those left
    out are judged at their defaults, which are sound. Roles call it on the values they were
    handed, so a role run on its own rejects what the preflight would.
  - Each message names the inventory variable and says what to do.
options:
  _input:
    description: Inventory variables by name, for example a mapping of C(mediastack_data_root) to C(/data).
    type: dict
    required: true
  host:
    description: The host name used in the messages.
    type: str
    default: this host
"""

EXAMPLES = r"""
- name: Check the data tree this role was handed
  ansible.builtin.assert:
    that: __errors | length == 0
    fail_msg: "{{ __errors | join(' ') }}"
  vars:
    __errors: >-
      {{ {'mediastack_data_root': base_data_root} | newmedia.mediastack.input_errors(host=inventory_hostname) }}
"""

RETURN = r"""
_value:
  description: One message per problem; empty when the variables are sound.
  type: list
  elements: str
"""

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._inventory import input_errors


def _input_errors(values, host="this host"):
    if not isinstance(values, Mapping):
        kind = type(values).__name__
        raise AnsibleFilterError(f"input_errors: expected inventory variables (a mapping), got {kind}")
    return input_errors(values, host=host)


class FilterModule:
    """The preflight's checks, for roles."""

    def filters(self):
        return {"input_errors": _input_errors}
