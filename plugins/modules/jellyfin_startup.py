#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: jellyfin_startup
short_description: Complete Jellyfin's startup wizard and create its admin
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Waits a bounded time for C(GET /System/Info/Public) to answer, then reads C(StartupWizardCompleted).
  - While the wizard is not complete, sets the server name, UI culture and metadata language and
    country (C(POST /Startup/Configuration)), turns the first user into the admin O(admin_username)
    with O(admin_password) (C(GET) and C(POST /Startup/User)), sets remote access
    (C(POST /Startup/RemoteAccess)) and completes the wizard (C(POST /Startup/Complete)); then signs
    in as the admin to prove it worked.
  - Once the wizard is complete, nothing is sent but a sign-in as the admin
    (C(POST /Users/AuthenticateByName)); a refused password fails the task. The result is unchanged.
  - "Only the C(Authorization: MediaBrowser ...) header is used, never the legacy token headers."
extends_documentation_fragment:
  - newmedia.mediastack.jellyfin
  - newmedia.mediastack.connection
  - newmedia.mediastack.attributes
attributes:
  check_mode:
    description: In check mode nothing is sent; the result tells whether the wizard would run.
  diff_mode:
    description: The diff shows the wizard's settings before and after, the admin password masked.
  idempotent:
    description: Once the wizard is complete, a run changes nothing.
options:
  server_name:
    description: The server's name shown to clients.
    type: str
    default: Jellyfin
  ui_culture:
    description: The dashboard's language, for example C(en-US).
    type: str
    default: en-US
  metadata_language:
    description: The preferred metadata language, for example C(en).
    type: str
    default: en
  metadata_country:
    description: The metadata country code, for example C(US).
    type: str
    default: US
  admin_username:
    description: The admin user the wizard creates, and signs in as afterwards.
    type: str
    required: true
  admin_password:
    description: The admin's password.
    type: str
    required: true
  enable_remote_access:
    description:
      - Whether Jellyfin accepts connections from outside its local networks.
      - Behind the reverse proxy, clients come from outside, so it must.
    type: bool
    default: true
seealso:
  - module: newmedia.mediastack.jellyfin_api_key
    description: Another step of Jellyfin's setup.
  - module: newmedia.mediastack.jellyfin_encoding
    description: Another step of Jellyfin's setup.
  - module: newmedia.mediastack.jellyfin_library
    description: Another step of Jellyfin's setup.
"""

EXAMPLES = r"""
- name: Complete Jellyfin's startup wizard
  newmedia.mediastack.jellyfin_startup:
    url: http://jellyfin:8096
    server_name: Media
    admin_username: admin
    admin_password: "{{ mediastack_secrets['jellyfin.admin_password'] }}"
"""

RETURN = r"""
server_name:
  description: The server's name (the wanted one when the wizard ran, else the server's).
  returned: success
  type: str
  sample: mediastack
version:
  description: Jellyfin's version as its public information tells.
  returned: success
  type: str
  sample: "10.11.11"
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.newmedia.mediastack.plugins.module_utils._api import run
from ansible_collections.newmedia.mediastack.plugins.module_utils._jellyfin import (
    connection_options,
    ensure_startup,
)


def main():
    argument_spec = connection_options(credentials=None)
    argument_spec.update(
        server_name={"type": "str", "default": "Jellyfin"},
        ui_culture={"type": "str", "default": "en-US"},
        metadata_language={"type": "str", "default": "en"},
        metadata_country={"type": "str", "default": "US"},
        admin_username={"type": "str", "required": True},
        admin_password={"type": "str", "required": True, "no_log": True},
        enable_remote_access={"type": "bool", "default": True},
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run(module, ensure_startup)


if __name__ == "__main__":
    main()
