# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: secret_names
short_description: The secrets the planned services need
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Returns C(service.name) for every secret that the services of the plan declare (their
    catalog entries' C(secrets)), sorted; feed it to M(newmedia.mediastack.platform_secrets).
extends_documentation_fragment:
  - newmedia.mediastack.plan
"""

EXAMPLES = r"""
- name: List the secrets of the platform
  ansible.builtin.debug:
    msg: "{{ mediastack_plan | newmedia.mediastack.secret_names }}"
"""

RETURN = r"""
_value:
  description: Secret names such as C(sonarr.api_key).
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._secrets import required_secrets


def _secret_names(plan):
    try:
        return required_secrets(plan)
    except (KeyError, TypeError) as error:
        raise AnsibleFilterError(f"secret_names: the plan lacks a fact: {error}") from error


class FilterModule:
    """Secrets of the plan."""

    def filters(self):
        return {"secret_names": _secret_names}
