#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: seerr_setup
short_description: Set Seerr up with Jellyfin, its libraries and main settings
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Works with Seerr and with Jellyseerr (the same API under C(/api/v1)).
  - Waits a bounded time for C(GET /api/v1/status), then reads C(GET /settings/public).
  - On a fresh instance (Seerr refuses its API key while it has no user), signs in with the Jellyfin
    admin (C(POST /auth/jellyfin), server type Jellyfin); this creates Seerr's admin and stores the
    Jellyfin server. From then on every call uses the API key.
  - Enables exactly the Jellyfin libraries named in O(libraries)
    (C(GET /settings/jellyfin/library?enable=)); when a name is not in Seerr's list, the list is
    first refreshed from Jellyfin (C(?sync=true)); a name Jellyfin does not have either fails the
    task before anything is enabled. With O(scan), a full scan starts after libraries were enabled.
  - Lays O(application_url), O(application_title), O(local_login) and O(main_settings) over the main
    settings (C(POST /settings/main)), and marks the setup complete (C(POST /settings/initialize)).
  - Once initialized with matching libraries and settings, nothing is written.
extends_documentation_fragment:
  - newmedia.mediastack.seerr
  - newmedia.mediastack.connection
  - newmedia.mediastack.attributes
attributes:
  check_mode:
    description:
      - In check mode nothing is written; the result tells what would change.
      - On a fresh instance nothing can be read before the sign-in, so the plan is reported as is.
  diff_mode:
    description: The diff shows whether Seerr is initialized, the enabled libraries and the managed main settings.
options:
  jellyfin_url:
    description: Jellyfin as the Seerr container reaches it, for example C(http://jellyfin:8096).
    type: str
    required: true
  jellyfin_username:
    description: The Jellyfin admin Seerr signs in with on a fresh instance; it becomes Seerr's admin.
    type: str
    required: true
  jellyfin_password:
    description: The Jellyfin admin's password.
    type: str
    required: true
  admin_email:
    description: The e-mail address of Seerr's admin, set when the sign-in creates it.
    type: str
  libraries:
    description:
      - The names of the Jellyfin libraries Seerr offers; the others are disabled.
      - Left as they are when omitted.
    type: list
    elements: str
  scan:
    description: Whether to start a full library scan after libraries were enabled.
    type: bool
    default: false
  application_url:
    description: The URL users reach Seerr at (used in links and notifications), for example C(https://requests.example.com).
    type: str
  application_title:
    description: The title Seerr shows.
    type: str
  local_login:
    description: Whether Seerr also offers its own local accounts besides the Jellyfin sign-in.
    type: bool
  main_settings:
    description: Further main settings by Seerr's names (for example C(hideAvailable)), laid over the current ones.
    type: dict
seealso:
  - module: newmedia.mediastack.seerr_arr_server
    description: Another step of Seerr's setup.
  - module: newmedia.mediastack.jellyfin_startup
    description: Finishes Jellyfin's startup wizard and creates the admin Seerr signs in with.
"""

EXAMPLES = r"""
- name: Set Seerr up with Jellyfin
  newmedia.mediastack.seerr_setup:
    url: http://seerr:5055
    api_key: "{{ mediastack_secrets['seerr.api_key'] }}"
    jellyfin_url: http://jellyfin:8096
    jellyfin_username: admin
    jellyfin_password: "{{ mediastack_secrets['jellyfin.admin_password'] }}"
    libraries: [Movies, Shows]
    application_url: https://requests.example.com
"""

RETURN = r"""
initialized:
  description: Whether Seerr's setup is complete after the run (true in check mode when it would be).
  returned: success
  type: bool
  sample: true
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.newmedia.mediastack.plugins.module_utils._api import run
from ansible_collections.newmedia.mediastack.plugins.module_utils._seerr import (
    connect,
    connection_options,
    ensure_setup,
)


def main():
    argument_spec = connection_options()
    argument_spec.update(
        jellyfin_url={"type": "str", "required": True},
        jellyfin_username={"type": "str", "required": True},
        jellyfin_password={"type": "str", "required": True, "no_log": True},
        admin_email={"type": "str"},
        libraries={"type": "list", "elements": "str"},
        scan={"type": "bool", "default": False},
        application_url={"type": "str"},
        application_title={"type": "str"},
        local_login={"type": "bool"},
        main_settings={"type": "dict"},
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run(module, lambda params, check_mode: ensure_setup(connect(params), params, check_mode))


if __name__ == "__main__":
    main()
