#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: servarr_root_folder
short_description: Create, change or remove a library root folder in Sonarr, Radarr, Lidarr or Readarr
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Finds the root folder at O(path) (C(GET /api/vN/rootfolder)) and creates or removes it. The
    path must exist and be writable inside the application's container (for the shared tree,
    C(/data/media/tv), C(/data/media/movies), ...).
  - A Sonarr or Radarr root folder is only a path and has no update call, so there is nothing to
    change; it is created or removed.
  - A Lidarr or Readarr root folder also has a name and defaults for what is added below it; it is
    found by path, else by O(name), and updated in place (C(PUT /api/v1/rootfolder/{id})). Its
    quality and metadata profiles are given by name and must exist.
extends_documentation_fragment:
  - newmedia.mediastack.servarr
  - newmedia.mediastack.servarr.STATE
  - newmedia.mediastack.connection
  - newmedia.mediastack.attributes
attributes:
  diff_mode:
    description: The diff shows the root folder before and after, profiles and tags by name.
options:
  path:
    description: The folder as the application sees it, for example C(/data/media/tv).
    type: str
    required: true
  name:
    description: The root folder's name (Lidarr, Readarr; required to create one there).
    type: str
  quality_profile:
    description:
      - Name of the default quality profile for items added here (Lidarr, Readarr; required to create one there).
    type: str
  metadata_profile:
    description:
      - Name of the default metadata profile for items added here (Lidarr, Readarr; required to create one there).
    type: str
  monitor:
    description:
      - Default monitoring of items added here (Lidarr, Readarr), as the API spells it, for example
        V(all), V(future), V(missing), V(none). A new root folder gets V(all).
    type: str
  new_item_monitor:
    description:
      - Default monitoring of new albums or books (Lidarr, Readarr), V(all), V(none) or V(new).
      - A new root folder gets V(all).
    type: str
  tags:
    description: Names of the default tags of items added here (Lidarr, Readarr). Omit to leave them as they are.
    type: list
    elements: str
seealso:
  - module: newmedia.mediastack.servarr_quality_profile
    description: Creates the quality profile a root folder names.
  - module: newmedia.mediastack.servarr_tag
    description: Creates the tags a root folder names.
  - module: newmedia.mediastack.seerr_arr_server
    description: Names a root folder for the requests Seerr sends.
"""

EXAMPLES = r"""
- name: Sonarr's library
  newmedia.mediastack.servarr_root_folder:
    app: sonarr
    url: http://sonarr:8989
    api_key: "{{ mediastack_secrets['sonarr.api_key'] }}"
    path: /data/media/tv

- name: Lidarr's library
  newmedia.mediastack.servarr_root_folder:
    app: lidarr
    url: http://lidarr:8686
    api_key: "{{ mediastack_secrets['lidarr.api_key'] }}"
    path: /data/media/music
    name: Music
    quality_profile: Lossless
    metadata_profile: Standard
"""

RETURN = r"""
id:
  description: The root folder's id in the application (null when absent, or created in check mode).
  returned: success
  type: int
  sample: 1
diff:
  description: The root folder before and after.
  returned: when diff mode is on
  type: dict
  sample: {before: {}, after: {name: example}}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.newmedia.mediastack.plugins.module_utils._servarr import argument_spec, run
from ansible_collections.newmedia.mediastack.plugins.module_utils._servarr_resources import RootFolder


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(
            secrets=False,
            path={"type": "str", "required": True},
            name={"type": "str"},
            quality_profile={"type": "str"},
            metadata_profile={"type": "str"},
            monitor={"type": "str"},
            new_item_monitor={"type": "str"},
            tags={"type": "list", "elements": "str"},
        ),
        supports_check_mode=True,
    )
    run(module, RootFolder)


if __name__ == "__main__":
    main()
