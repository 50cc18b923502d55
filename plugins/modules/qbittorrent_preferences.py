#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: qbittorrent_preferences
short_description: Set qBittorrent's preferences through its WebUI API
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Signs in to qBittorrent's WebUI API v2 (waiting a bounded time for it to answer), reads
    C(GET /api/v2/app/preferences), compares only the keys given in O(preferences) and sends the
    ones that differ with C(POST /api/v2/app/setPreferences).
  - Any key qBittorrent returns can be set, for example C(save_path), C(temp_path_enabled),
    C(temp_path), C(auto_tmm_enabled), C(torrent_changed_tmm_enabled),
    C(save_path_changed_tmm_enabled), C(category_changed_tmm_enabled), C(current_network_interface)
    and C(current_interface_address) (bind to the VPN interface), C(bypass_auth_subnet_whitelist_enabled)
    and C(bypass_auth_subnet_whitelist). A key qBittorrent does not know fails the task.
  - C(web_ui_password) cannot be read back; it is sent only when O(update_secrets) is true (and then
    reported as changed on every run).
  - Values are converted to the type qBittorrent returns (C("true") to a boolean, C("6881") to a
    number); list-valued keys such as C(bypass_auth_subnet_whitelist) also take a list.
extends_documentation_fragment:
  - newmedia.mediastack.qbittorrent
  - newmedia.mediastack.connection
  - newmedia.mediastack.attributes
attributes:
  diff_mode:
    description: The diff shows the given keys before and after, passwords as C(********).
  idempotent:
    support: partial
    details:
      - A second run with the same preferences changes nothing.
      - With O(update_secrets=true) the secrets given are sent on every run, as they cannot be read
        back and compared, and the task reports a change each time.
options:
  preferences:
    description: The preferences to set, by the key names C(GET /api/v2/app/preferences) returns.
    type: dict
    required: true
  update_secrets:
    description: Also send C(web_ui_password) from O(preferences), which qBittorrent cannot return for comparison.
    type: bool
    default: false
seealso:
  - module: newmedia.mediastack.qbittorrent_category
    description: Another part of qBittorrent's configuration.
"""

EXAMPLES = r"""
- name: Keep downloads on the data tree and bind to the VPN interface
  newmedia.mediastack.qbittorrent_preferences:
    url: http://gluetun:8080
    username: admin
    password: "{{ mediastack_secrets['qbittorrent.password'] }}"
    preferences:
      save_path: /data/torrents
      temp_path_enabled: false
      auto_tmm_enabled: true
      torrent_changed_tmm_enabled: true
      save_path_changed_tmm_enabled: true
      category_changed_tmm_enabled: true
      current_network_interface: tun0
      bypass_auth_subnet_whitelist_enabled: false
  no_log: true

- name: Change the WebUI password
  newmedia.mediastack.qbittorrent_preferences:
    url: http://gluetun:8080
    password: "{{ qbittorrent_old_password }}"
    preferences:
      web_ui_password: "{{ qbittorrent_new_password }}"
    update_secrets: true
  no_log: true
"""

RETURN = r"""
changed_keys:
  description: The preference keys that were (or in check mode would be) sent.
  returned: success
  type: list
  elements: str
  sample: [save_path]
preferences:
  description: The given keys as qBittorrent holds them after the run, passwords as C(********).
  returned: success
  type: dict
  sample: {save_path: /data/torrents, web_ui_password: "********"}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.newmedia.mediastack.plugins.module_utils._api import run
from ansible_collections.newmedia.mediastack.plugins.module_utils._qbittorrent import (
    connect,
    connection_options,
    ensure_preferences,
)


def main():
    argument_spec = connection_options()
    argument_spec.update(
        preferences={"type": "dict", "required": True},
        update_secrets={"type": "bool", "default": False},
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run(
        module,
        lambda params, check_mode: ensure_preferences(
            connect(params), params["preferences"], params["update_secrets"], check_mode
        ),
    )


if __name__ == "__main__":
    main()
