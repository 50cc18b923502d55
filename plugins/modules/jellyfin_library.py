#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: jellyfin_library
short_description: Create, change or remove a Jellyfin library
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Reads Jellyfin's libraries (C(GET /Library/VirtualFolders)) and makes library O(name) hold
    exactly the folders in O(paths), with the collection type O(collection_type) and the library
    options given.
  - A new library is created with C(POST /Library/VirtualFolders); folders are added
    (C(POST /Library/VirtualFolders/Paths)) and removed (C(DELETE /Library/VirtualFolders/Paths))
    one by one; options are merged into the library's options
    (C(POST /Library/VirtualFolders/LibraryOptions)). O(state=absent) removes the library (the media
    files stay).
  - Before anything is written, every folder to add is checked with C(POST /Environment/ValidatePath);
    a folder Jellyfin cannot see fails the task and nothing changes.
  - Jellyfin cannot change an existing library's collection type; asking for another type fails.
extends_documentation_fragment:
  - newmedia.mediastack.jellyfin
  - newmedia.mediastack.jellyfin.CREDENTIALS
  - newmedia.mediastack.connection
  - newmedia.mediastack.attributes
attributes:
  check_mode:
    description: In check mode nothing is written (folders are still checked); the result tells what would change.
  diff_mode:
    description: The diff shows the library's type, folders and managed options before and after.
options:
  name:
    description: The library's name, for example C(Movies).
    type: str
    required: true
  collection_type:
    description: The kind of media; needed to create the library.
    type: str
    choices: [movies, tvshows, music, musicvideos, homevideos, boxsets, books, mixed]
  paths:
    description:
      - The library's folders as the Jellyfin container sees them, for example C(/data/media/movies).
      - Needed to create the library; when omitted, an existing library keeps its folders.
    type: list
    elements: str
  enabled:
    description: Whether the library is enabled. Left as it is when omitted.
    type: bool
  realtime_monitor:
    description: Whether Jellyfin watches the folders for changes. Left as it is when omitted.
    type: bool
  save_local_metadata:
    description: Whether Jellyfin saves artwork and metadata next to the media. Left as it is when omitted.
    type: bool
  metadata_language:
    description: The library's preferred metadata language, for example C(en). Left as it is when omitted.
    type: str
  metadata_country:
    description: The library's metadata country code, for example C(US). Left as it is when omitted.
    type: str
  refresh_interval_days:
    description: Days between automatic metadata refreshes (C(0) never). Left as it is when omitted.
    type: int
  refresh:
    description: Whether Jellyfin scans the library after it is created or its folders change.
    type: bool
    default: true
  state:
    description: Whether the library exists.
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: newmedia.mediastack.jellyfin_api_key
    description: Another step of Jellyfin's setup.
  - module: newmedia.mediastack.jellyfin_encoding
    description: Another step of Jellyfin's setup.
  - module: newmedia.mediastack.jellyfin_startup
    description: Another step of Jellyfin's setup.
"""

EXAMPLES = r"""
- name: Serve the films of the shared tree
  newmedia.mediastack.jellyfin_library:
    url: http://jellyfin:8096
    api_key: "{{ jellyfin_api_key_result.api_key }}"
    name: Movies
    collection_type: movies
    paths: [/data/media/movies]
    realtime_monitor: true

- name: Remove a library nobody uses
  newmedia.mediastack.jellyfin_library:
    url: http://jellyfin:8096
    username: admin
    password: "{{ mediastack_secrets['jellyfin.admin_password'] }}"
    name: Old
    state: absent
"""

RETURN = r"""
library:
  description: The library after the run (empty when absent), with C(name), C(collection_type), C(paths) and C(options).
  returned: success
  type: dict
  sample: {name: Movies, collection_type: movies, paths: [/data/media/movies], options: {realtime_monitor: true}}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.newmedia.mediastack.plugins.module_utils._api import run
from ansible_collections.newmedia.mediastack.plugins.module_utils._jellyfin import (
    COLLECTION_TYPES,
    CREDENTIAL_RULES,
    connect,
    connection_options,
    ensure_library,
)


def main():
    argument_spec = connection_options()
    argument_spec.update(
        name={"type": "str", "required": True},
        collection_type={"type": "str", "choices": list(COLLECTION_TYPES)},
        paths={"type": "list", "elements": "str"},
        enabled={"type": "bool"},
        realtime_monitor={"type": "bool"},
        save_local_metadata={"type": "bool"},
        metadata_language={"type": "str"},
        metadata_country={"type": "str"},
        refresh_interval_days={"type": "int"},
        refresh={"type": "bool", "default": True},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        **CREDENTIAL_RULES,
        supports_check_mode=True,
    )
    run(module, lambda params, check_mode: ensure_library(connect(params), params, check_mode))


if __name__ == "__main__":
    main()
