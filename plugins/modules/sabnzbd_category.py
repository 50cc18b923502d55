#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sabnzbd_category
short_description: Create, change or remove a SABnzbd category
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Waits a bounded time for SABnzbd to answer, reads C(mode=get_config&section=categories) and
    creates or changes the category O(name) with C(mode=set_config&section=categories&name=NAME&dir=DIR),
    or removes it with C(mode=del_config&section=categories&keyword=NAME).
  - SABnzbd keeps category names in lower case; O(name) is lowered the same way.
  - Sonarr, Radarr and the other download managers file their jobs under a category each; the
    category's folder decides where finished jobs land.
extends_documentation_fragment:
  - newmedia.mediastack.sabnzbd
  - newmedia.mediastack.connection
  - newmedia.mediastack.attributes
attributes:
  diff_mode:
    description: The diff shows the category before and after.
options:
  name:
    description:
      - The category's name, for example C(tv). C(*) is SABnzbd's default category, which cannot be removed.
      - A name with C([) or C(]) is refused before anything is sent; SABnzbd would store it without them.
    type: str
    required: true
  dir:
    description:
      - The category's folder; a relative path lies below the complete folder (C(complete_dir)).
      - When omitted, a new category has none and an existing one keeps its folder.
    type: str
  priority:
    description:
      - Default priority of the category's jobs.
      - C(-100) default, C(-2) paused, C(-1) low, C(0) normal, C(1) high, C(2) force.
    type: int
    choices: [-100, -2, -1, 0, 1, 2]
  state:
    description: Whether the category exists.
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: newmedia.mediastack.sabnzbd_config
    description: Another part of SABnzbd's configuration.
  - module: newmedia.mediastack.sabnzbd_server
    description: Another part of SABnzbd's configuration.
  - module: newmedia.mediastack.servarr_download_client
    description: Points an application at SABnzbd with this category.
  - module: newmedia.mediastack.mylar3_config
    description: Points Mylar3 at SABnzbd with this category.
"""

EXAMPLES = r"""
- name: Give Sonarr's jobs their own folder
  newmedia.mediastack.sabnzbd_category:
    url: http://10.10.3.20:8085
    api_key: "{{ mediastack_secrets['sabnzbd.api_key'] }}"
    name: tv
    dir: tv

- name: Remove a category nobody uses
  newmedia.mediastack.sabnzbd_category:
    url: http://10.10.3.20:8085
    api_key: "{{ mediastack_secrets['sabnzbd.api_key'] }}"
    name: software
    state: absent
"""

RETURN = r"""
action:
  description: What was (or in check mode would be) done, C(create), C(update), C(remove), or null.
  returned: success
  type: str
  sample: update
category:
  description: The category after the run (empty when absent), with C(name), C(dir) and C(priority).
  returned: success
  type: dict
  sample: {name: tv, dir: tv}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.newmedia.mediastack.plugins.module_utils._api import run
from ansible_collections.newmedia.mediastack.plugins.module_utils._sabnzbd import (
    Sabnzbd,
    category_name,
    connection_options,
    ensure_category,
)


def main():
    argument_spec = connection_options()
    argument_spec.update(
        name={"type": "str", "required": True},
        dir={"type": "str"},
        priority={"type": "int", "choices": [-100, -2, -1, 0, 1, 2]},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)

    def work(params: dict, check_mode: bool) -> dict:
        category_name(params["name"])
        wanted = {"dir": params["dir"], "priority": params["priority"]}
        return ensure_category(Sabnzbd(params), params["name"], wanted, params["state"], check_mode)

    run(module, work)


if __name__ == "__main__":
    main()
