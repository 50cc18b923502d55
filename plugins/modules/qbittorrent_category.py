#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: qbittorrent_category
short_description: Create, change or remove a qBittorrent category
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Signs in to qBittorrent's WebUI API v2 (waiting a bounded time for it to answer), reads
    C(GET /api/v2/torrents/categories) and creates (C(createCategory)), changes the save path of
    (C(editCategory)) or removes (C(removeCategories)) the category O(name).
  - Sonarr, Radarr and the other download managers file their torrents under a category each; with
    automatic torrent management the category's save path decides where the files land.
extends_documentation_fragment:
  - newmedia.mediastack.qbittorrent
  - newmedia.mediastack.connection
  - newmedia.mediastack.attributes
attributes:
  diff_mode:
    description: The diff shows the category before and after.
options:
  name:
    description: The category's name, for example C(tv-sonarr).
    type: str
    required: true
  save_path:
    description:
      - Where torrents of the category are saved; a relative path is taken below qBittorrent's default save path.
      - When omitted, a new category gets qBittorrent's default (empty) and an existing one keeps its path.
    type: str
  state:
    description: Whether the category exists.
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: newmedia.mediastack.qbittorrent_preferences
    description: Another part of qBittorrent's configuration.
  - module: newmedia.mediastack.servarr_download_client
    description: Points an application at qBittorrent with this category.
"""

EXAMPLES = r"""
- name: File Sonarr's torrents under the TV folder
  newmedia.mediastack.qbittorrent_category:
    url: http://gluetun:8080
    password: "{{ mediastack_secrets['qbittorrent.password'] }}"
    name: tv-sonarr
    save_path: /data/torrents/tv

- name: Remove a category nobody uses
  newmedia.mediastack.qbittorrent_category:
    url: http://gluetun:8080
    password: "{{ mediastack_secrets['qbittorrent.password'] }}"
    name: old
    state: absent
"""

RETURN = r"""
action:
  description: What was (or in check mode would be) done, C(create), C(edit), C(remove), or null.
  returned: success
  type: str
  sample: create
category:
  description: The category after the run (empty when absent), with C(name) and C(save_path).
  returned: success
  type: dict
  sample: {name: tv, save_path: /data/torrents/tv}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.newmedia.mediastack.plugins.module_utils._api import run
from ansible_collections.newmedia.mediastack.plugins.module_utils._qbittorrent import (
    connect,
    connection_options,
    ensure_category,
)


def main():
    argument_spec = connection_options()
    argument_spec.update(
        name={"type": "str", "required": True},
        save_path={"type": "str"},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run(
        module,
        lambda params, check_mode: ensure_category(
            connect(params), params["name"], params["save_path"], params["state"], check_mode
        ),
    )


if __name__ == "__main__":
    main()
