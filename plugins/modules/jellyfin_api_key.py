#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: jellyfin_api_key
short_description: Keep one Jellyfin API key per consumer application
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Signs in as the admin, lists the API keys (C(GET /Auth/Keys)) and makes sure one key named
    O(app) exists, creating it with C(POST /Auth/Keys?app=) and reading it back from the list, since
    Jellyfin's answer to the creation is empty.
  - Returns the key, so Sonarr, Radarr, Seerr or Homepage can be given it. Jellyfin cannot take a
    key chosen beforehand, so each consumer gets the one Jellyfin generated, kept across runs.
  - O(state=absent) revokes every key named O(app) (C(DELETE /Auth/Keys/{key})).
  - The key is a secret. It is never part of the diff; register the result with C(no_log).
extends_documentation_fragment:
  - newmedia.mediastack.jellyfin
  - newmedia.mediastack.connection
  - newmedia.mediastack.attributes
attributes:
  check_mode:
    description: In check mode nothing is written; a key that would be created is returned as null.
  diff_mode:
    description: The diff shows whether a key for O(app) exists, never the key.
  idempotent:
    description: A second run returns the same key and changes nothing.
options:
  username:
    description: The admin user to sign in as (C(POST /Users/AuthenticateByName)).
    type: str
    required: true
  password:
    description: The admin's password.
    type: str
    required: true
  app:
    description: The consumer's name the key is registered under, for example C(seerr).
    type: str
    required: true
  state:
    description: Whether a key for O(app) exists.
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: newmedia.mediastack.jellyfin_encoding
    description: Another step of Jellyfin's setup.
  - module: newmedia.mediastack.jellyfin_library
    description: Another step of Jellyfin's setup.
  - module: newmedia.mediastack.jellyfin_startup
    description: Another step of Jellyfin's setup.
  - module: newmedia.mediastack.platform_secrets
    description: Generates the secrets the other apps are deployed with.
"""

EXAMPLES = r"""
- name: Give Seerr its Jellyfin API key
  newmedia.mediastack.jellyfin_api_key:
    url: http://jellyfin:8096
    username: admin
    password: "{{ mediastack_secrets['jellyfin.admin_password'] }}"
    app: seerr
  register: jellyfin_api_key_result
  no_log: true

- name: Revoke the key of a consumer that is gone
  newmedia.mediastack.jellyfin_api_key:
    url: http://jellyfin:8096
    username: admin
    password: "{{ mediastack_secrets['jellyfin.admin_password'] }}"
    app: old-dashboard
    state: absent
"""

RETURN = r"""
api_key:
  description:
    - The key for O(app); a secret, register the result with C(no_log).
    - Null when O(state=absent), and in check mode when the key would be created.
  returned: success
  type: str
  sample: "4f1c0b8e2d7a4c5e9b3f6a1d8e2c7b90"
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.newmedia.mediastack.plugins.module_utils._api import run
from ansible_collections.newmedia.mediastack.plugins.module_utils._jellyfin import (
    connect,
    connection_options,
    ensure_api_key,
)


def main():
    argument_spec = connection_options("admin")
    argument_spec.update(
        app={"type": "str", "required": True},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run(module, lambda params, check_mode: ensure_api_key(connect(params), params["app"], params["state"], check_mode))


if __name__ == "__main__":
    main()
