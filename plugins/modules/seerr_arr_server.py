#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: seerr_arr_server
short_description: Connect Seerr to a Sonarr or Radarr server
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Works with Seerr and with Jellyseerr (the same API under C(/api/v1)).
  - Reads Seerr's servers of kind O(kind) (C(GET /settings/sonarr) or C(/settings/radarr)) and
    creates (C(POST)), updates (C(PUT .../{id})) or removes (C(DELETE .../{id})) the one named O(name).
  - The quality profile and root folder are given by name and path and resolved through Seerr's
    connection test (C(POST /settings/{kind}/test)), which also proves Seerr reaches the server. A
    profile or root folder the server does not have fails the task before anything is written.
  - The server's API key is never shown (C(********)) and, on an existing server, only pushed when
    O(update_secrets) is true.
extends_documentation_fragment:
  - newmedia.mediastack.seerr
  - newmedia.mediastack.connection
  - newmedia.mediastack.attributes
attributes:
  check_mode:
    description: In check mode nothing is written (the connection test still runs); the result tells what would change.
  diff_mode:
    description: The diff shows the server's settings before and after, the API key masked.
options:
  kind:
    description: Whether the server is a Sonarr (series) or a Radarr (films).
    type: str
    required: true
    choices: [sonarr, radarr]
  name:
    description: The server's name in Seerr, for example C(Sonarr).
    type: str
    required: true
  arr_url:
    description:
      - The server as the Seerr container reaches it, for example C(http://sonarr:8989).
      - Needed unless O(state=absent).
    type: str
  arr_api_key:
    description: The server's API key. Needed unless O(state=absent).
    type: str
  update_secrets:
    description: Whether to push O(arr_api_key) to an existing server (it is not compared otherwise).
    type: bool
    default: false
  quality_profile:
    description: The name of the quality profile requests use, as the server names it. Needed unless O(state=absent).
    type: str
  root_folder:
    description: The root folder requests land in, one of the server's root folders. Needed unless O(state=absent).
    type: str
  anime_quality_profile:
    description: For Sonarr, the quality profile anime requests use.
    type: str
  anime_root_folder:
    description: For Sonarr, the root folder anime requests land in.
    type: str
  is_4k:
    description: Whether the server handles 4K requests.
    type: bool
    default: false
  is_default:
    description: Whether the server is the default of its kind (and of its 4K-ness).
    type: bool
    default: true
  enable_season_folders:
    description: For Sonarr, whether series get season folders.
    type: bool
    default: true
  minimum_availability:
    description: For Radarr, when a film counts as available for download.
    type: str
    choices: [announced, inCinemas, released]
    default: released
  external_url:
    description: The server's URL for users, linked from Seerr.
    type: str
  sync_enabled:
    description: Whether Seerr scans the server for media it already has.
    type: bool
    default: true
  prevent_search:
    description: Whether Seerr adds requests without starting a search.
    type: bool
    default: false
  state:
    description: Whether the server is connected.
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: newmedia.mediastack.seerr_setup
    description: Another step of Seerr's setup.
  - module: newmedia.mediastack.servarr_quality_profile
    description: Creates the quality profile a server entry names.
  - module: newmedia.mediastack.servarr_root_folder
    description: Creates the root folder a server entry names.
"""

EXAMPLES = r"""
- name: Send series requests to Sonarr
  newmedia.mediastack.seerr_arr_server:
    url: http://seerr:5055
    api_key: "{{ mediastack_secrets['seerr.api_key'] }}"
    kind: sonarr
    name: Sonarr
    arr_url: http://sonarr:8989
    arr_api_key: "{{ mediastack_secrets['sonarr.api_key'] }}"
    quality_profile: HD-1080p
    root_folder: /data/media/tv

- name: Disconnect a Radarr that is gone
  newmedia.mediastack.seerr_arr_server:
    url: http://seerr:5055
    api_key: "{{ mediastack_secrets['seerr.api_key'] }}"
    kind: radarr
    name: Radarr 4K
    state: absent
"""

RETURN = r"""
server:
  description: The server's settings after the run as Seerr stores them (empty when absent), the API key masked.
  returned: success
  type: dict
  sample:
    name: Sonarr
    hostname: 10.10.1.61
    port: 8989
    apiKey: "********"
    activeProfileName: HD-1080p
    activeDirectory: /data/media/tv
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.newmedia.mediastack.plugins.module_utils._api import run
from ansible_collections.newmedia.mediastack.plugins.module_utils._seerr import (
    ARR_KINDS,
    connect,
    connection_options,
    ensure_arr_server,
)


def main():
    argument_spec = connection_options()
    argument_spec.update(
        kind={"type": "str", "required": True, "choices": list(ARR_KINDS)},
        name={"type": "str", "required": True},
        arr_url={"type": "str"},
        arr_api_key={"type": "str", "no_log": True},
        update_secrets={"type": "bool", "default": False},
        quality_profile={"type": "str"},
        root_folder={"type": "str"},
        anime_quality_profile={"type": "str"},
        anime_root_folder={"type": "str"},
        is_4k={"type": "bool", "default": False},
        is_default={"type": "bool", "default": True},
        enable_season_folders={"type": "bool", "default": True},
        minimum_availability={"type": "str", "choices": ["announced", "inCinemas", "released"], "default": "released"},
        external_url={"type": "str"},
        sync_enabled={"type": "bool", "default": True},
        prevent_search={"type": "bool", "default": False},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ("arr_url", "arr_api_key", "quality_profile", "root_folder"))],
        supports_check_mode=True,
    )
    run(module, lambda params, check_mode: ensure_arr_server(connect(params), params["kind"], params, check_mode))


if __name__ == "__main__":
    main()
