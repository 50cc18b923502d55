# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: service_secrets
short_description: What one service's environment file and secret files hold
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Maps the secrets a service declares in the catalog to their values in the store.
  - A variable whose name ends in C(_FILE) gets the path of a file in the service's configuration
    folder (C(<config>/secrets/<name>)), and the value goes into that file.
extends_documentation_fragment:
  - newmedia.mediastack.plan.catalog
options:
  _input:
    description: The secrets store, as returned by M(newmedia.mediastack.platform_secrets).
    type: dict
    required: true
  service:
    description: The service's name.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Show which variables authelia gets (never the values)
  ansible.builtin.debug:
    msg: "{{ (store | newmedia.mediastack.service_secrets(mediastack_catalog, 'authelia')).env.keys() }}"
"""

RETURN = r"""
_value:
  description: C(env) (variable to value or file path) and C(files) (file name to value).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._secrets import service_environment


def _service_secrets(store, catalog, service):
    try:
        return service_environment(service, catalog, store, catalog[service]["config"] or "/")
    except KeyError as error:
        raise AnsibleFilterError(f"service_secrets: no value for {error} of {service} in the secrets store") from error


class FilterModule:
    """Secrets of one service."""

    def filters(self):
        return {"service_secrets": _service_secrets}
