# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: platform_secrets
short_description: Values of the platform's secrets store, read on the controller where a task needs them
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Reads the secrets store at O(path) (vaulted or plain YAML, see
    M(newmedia.mediastack.platform_secrets), which completes it) when the task that uses a value
    is templated, so the values never sit in a registered variable or a task's result.
  - Give the values only to module options that hide them (C(no_log)), or give the task C(no_log).
  - With terms, the values of the named secrets; without, the whole store as one mapping.
  - Each name of O(names) (and each term) must be in the store. In check mode, where
    M(newmedia.mediastack.platform_secrets) generates nothing, a missing one reads as
    C(not-generated-in-check-mode).
options:
  _terms:
    description: Secret names (C(service.name)); none returns the whole store.
    type: list
    elements: str
    required: false
  path:
    description: The store on the controller.
    type: path
    required: true
  names:
    description: The names the caller needs, checked as the terms are.
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
- name: Sign in to Sonarr with its stored API key
  newmedia.mediastack.servarr_tag:
    app: sonarr
    url: http://sonarr:8989
    api_key: "{{ lookup('newmedia.mediastack.platform_secrets', 'sonarr.api_key', path=store) }}"
    label: downloads
  vars:
    store: "{{ inventory_dir }}/mediastack-secrets.vault.yml"
"""

RETURN = r"""
_raw:
  description:
    - With terms, the value of each named secret.
    - Without terms, one mapping of every name to its value.
  type: list
  elements: raw
"""

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._store import (
    StoreError,
    needed,
    read_store,
    vault_of,
)


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        path = self.get_option("path")
        check_mode = bool((variables or {}).get("ansible_check_mode", False))
        wanted = [str(term) for term in terms or []]
        try:
            store = needed(
                read_store(path, vault_of(self._loader)), [*self.get_option("names"), *wanted], path, check_mode
            )
        except StoreError as error:
            raise AnsibleLookupError(str(error)) from None
        return [store[name] for name in wanted] if wanted else [store]
