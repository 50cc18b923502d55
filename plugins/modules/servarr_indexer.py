#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: servarr_indexer
short_description: Create, change or remove an indexer in Sonarr, Radarr, Lidarr, Readarr or Prowlarr
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Finds the indexer O(name) (C(GET /api/vN/indexer)) and creates, updates or removes it. A new
    indexer starts from the application's template for O(implementation)
    (C(GET /api/vN/indexer/schema)); only the fields and settings the task names are compared.
  - In a stack with Prowlarr, Prowlarr pushes indexers to the other applications (see
    M(newmedia.mediastack.prowlarr_application)); manage an indexer in one place only.
  - Tags and Prowlarr's app profile are given by name and must exist.
extends_documentation_fragment:
  - newmedia.mediastack.servarr
  - newmedia.mediastack.servarr.STATE
  - newmedia.mediastack.servarr.SECRETS
  - newmedia.mediastack.servarr.FORCE_SAVE
  - newmedia.mediastack.servarr.PROVIDER
  - newmedia.mediastack.connection
  - newmedia.mediastack.attributes
attributes:
  diff_mode:
    description: The diff shows the indexer before and after, its fields as a mapping, secrets masked.
  idempotent:
    support: partial
    details:
      - A second run with the same options changes nothing.
      - With O(update_secrets=true) the secrets given are sent on every run, as they cannot be read
        back and compared, and the task reports a change each time.
options:
  implementation:
    description:
      - The indexer type, for example C(Torznab) or C(Newznab). For Prowlarr, an indexer
        definition's name (for example C(1337x)) or a generic implementation. Required to create one.
  fields:
    description:
      - The indexer's settings by field name, as the application names them, for example
        C(baseUrl), C(apiPath), C(categories), C(minimumSeeders).
  enable:
    description: Whether Prowlarr uses the indexer (Prowlarr only). A new one is enabled unless this is V(false).
    type: bool
  enable_rss:
    description: Use the indexer for RSS sync (not Prowlarr). A new one does unless this is V(false).
    type: bool
  enable_automatic_search:
    description: Use the indexer for automatic searches (not Prowlarr). A new one does unless this is V(false).
    type: bool
  enable_interactive_search:
    description: Use the indexer for interactive searches (not Prowlarr). A new one does unless this is V(false).
    type: bool
  priority:
    description: The indexer's priority, 1 (highest) to 50.
    type: int
  app_profile:
    description: The name of the Prowlarr app profile the indexer uses (Prowlarr only; required to create one).
    type: str
seealso:
  - module: newmedia.mediastack.prowlarr_application
    description: Lets Prowlarr add and sync the indexers instead.
  - module: newmedia.mediastack.prowlarr_app_profile
    description: Creates the Prowlarr app profile an indexer names.
"""

EXAMPLES = r"""
- name: Add a Torznab feed to Sonarr
  newmedia.mediastack.servarr_indexer:
    app: sonarr
    url: http://sonarr:8989
    api_key: "{{ mediastack_secrets['sonarr.api_key'] }}"
    name: Jackett
    implementation: Torznab
    fields:
      baseUrl: http://jackett:9117/api/v2.0/indexers/all/results/torznab
      categories: [5030, 5040]
    secret_fields:
      apiKey: "{{ jackett_api_key }}"

- name: Add a Newznab indexer to Prowlarr
  newmedia.mediastack.servarr_indexer:
    app: prowlarr
    url: http://prowlarr:9696
    api_key: "{{ mediastack_secrets['prowlarr.api_key'] }}"
    name: My Usenet indexer
    implementation: Newznab
    app_profile: Standard
    fields:
      baseUrl: https://indexer.example.com
    secret_fields:
      apiKey: "{{ indexer_api_key }}"
"""

RETURN = r"""
id:
  description: The indexer's id in the application (null when absent, or created in check mode).
  returned: success
  type: int
  sample: 1
diff:
  description: The indexer before and after (C(fields) as a mapping, tags by name, secrets masked).
  returned: when diff mode is on
  type: dict
  sample: {before: {}, after: {name: example}}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.newmedia.mediastack.plugins.module_utils._servarr import (
    PROVIDER_REQUIRED_IF,
    argument_spec,
    run,
)
from ansible_collections.newmedia.mediastack.plugins.module_utils._servarr_resources import Indexer


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(
            provider=True,
            enable={"type": "bool"},
            enable_rss={"type": "bool"},
            enable_automatic_search={"type": "bool"},
            enable_interactive_search={"type": "bool"},
            priority={"type": "int"},
            app_profile={"type": "str"},
        ),
        required_if=PROVIDER_REQUIRED_IF,
        supports_check_mode=True,
    )
    run(module, Indexer)


if __name__ == "__main__":
    main()
