#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: prowlarr_app_profile
short_description: Create, change or remove a Prowlarr app (sync) profile
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Finds the app profile O(name) (C(GET /api/v1/appprofile)) and creates, updates or removes it.
    An app profile says what the applications may use an indexer for; every Prowlarr indexer has
    one (see O(newmedia.mediastack.servarr_indexer#module:app_profile)).
  - A new profile starts from Prowlarr's template (C(GET /api/v1/appprofile/schema)); only the
    settings the task names are compared.
extends_documentation_fragment:
  - newmedia.mediastack.servarr
  - newmedia.mediastack.servarr.STATE
  - newmedia.mediastack.connection
  - newmedia.mediastack.attributes
attributes:
  diff_mode:
    description: The diff shows the profile before and after.
notes:
  - O(app) must be V(prowlarr).
options:
  name:
    description: The profile's name, unique in Prowlarr.
    type: str
    required: true
  enable_rss:
    description: Let the applications use the indexers for RSS sync.
    type: bool
  enable_automatic_search:
    description: Let the applications use the indexers for automatic searches.
    type: bool
  enable_interactive_search:
    description: Let the applications use the indexers for interactive searches.
    type: bool
  minimum_seeders:
    description: The fewest seeders a torrent release needs.
    type: int
seealso:
  - module: newmedia.mediastack.prowlarr_application
    description: Another part of Prowlarr's configuration.
"""

EXAMPLES = r"""
- name: An app profile for interactive searches only
  newmedia.mediastack.prowlarr_app_profile:
    app: prowlarr
    url: http://prowlarr:9696
    api_key: "{{ mediastack_secrets['prowlarr.api_key'] }}"
    name: Interactive
    enable_rss: false
    enable_automatic_search: false
    enable_interactive_search: true
    minimum_seeders: 5
"""

RETURN = r"""
id:
  description: The profile's id in Prowlarr (null when absent, or created in check mode).
  returned: success
  type: int
  sample: 1
diff:
  description: The profile before and after.
  returned: when diff mode is on
  type: dict
  sample: {before: {}, after: {name: example}}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.newmedia.mediastack.plugins.module_utils._servarr import argument_spec, run
from ansible_collections.newmedia.mediastack.plugins.module_utils._servarr_resources import AppProfile


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(
            secrets=False,
            name={"type": "str", "required": True},
            enable_rss={"type": "bool"},
            enable_automatic_search={"type": "bool"},
            enable_interactive_search={"type": "bool"},
            minimum_seeders={"type": "int"},
        ),
        supports_check_mode=True,
    )
    run(module, AppProfile)


if __name__ == "__main__":
    main()
