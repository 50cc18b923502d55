#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: prowlarr_application
short_description: Connect Prowlarr to Sonarr, Radarr, Lidarr or Readarr, or disconnect it
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Finds the Prowlarr application O(name) (C(GET /api/v1/applications)) and creates, updates or
    removes it. Prowlarr pushes its indexers to each application it knows.
  - A new application starts from Prowlarr's template for O(implementation)
    (C(GET /api/v1/applications/schema)); only the fields, sync level and tags the task names are
    compared.
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
    description: The diff shows the application before and after, fields as a mapping, secrets masked.
  idempotent:
    support: partial
    details:
      - A second run with the same options changes nothing.
      - With O(update_secrets=true) the secrets given are sent on every run, as they cannot be read
        back and compared, and the task reports a change each time.
notes:
  - O(app) must be V(prowlarr).
options:
  implementation:
    description: The application kind, C(Sonarr), C(Radarr), C(Lidarr) or C(Readarr). Required to create one.
  fields:
    description:
      - The application's settings by field name, for example C(prowlarrUrl) (Prowlarr as the
        application reaches it, e.g. C(http://prowlarr:9696)), C(baseUrl) (the application as
        Prowlarr reaches it, e.g. C(http://sonarr:8989)) and C(syncCategories) (a list of
        Newznab category numbers).
  secret_fields:
    description: Fields holding secrets, normally C(apiKey) (the application's API key). See O(update_secrets).
  sync_level:
    description:
      - What Prowlarr keeps in sync. V(fullSync) adds, changes and removes indexers in the
        application; V(addOnly) only adds; V(disabled) does nothing. A new application gets
        V(fullSync) unless set.
    type: str
    choices: [disabled, addOnly, fullSync]
  tags:
    description: Names of the tags that limit which indexers are synced. Omit to leave them as they are.
seealso:
  - module: newmedia.mediastack.prowlarr_app_profile
    description: Another part of Prowlarr's configuration.
  - module: newmedia.mediastack.servarr_indexer
    description: Adds an indexer to one application directly, without Prowlarr.
"""

EXAMPLES = r"""
- name: Let Prowlarr feed Sonarr its indexers
  newmedia.mediastack.prowlarr_application:
    app: prowlarr
    url: http://prowlarr:9696
    api_key: "{{ mediastack_secrets['prowlarr.api_key'] }}"
    name: Sonarr
    implementation: Sonarr
    sync_level: fullSync
    fields:
      prowlarrUrl: http://prowlarr:9696
      baseUrl: http://sonarr:8989
      syncCategories: [5000, 5010, 5020, 5030, 5040, 5045, 5050]
    secret_fields:
      apiKey: "{{ mediastack_secrets['sonarr.api_key'] }}"
    force_save: true
"""

RETURN = r"""
id:
  description: The application's id in Prowlarr (null when absent, or created in check mode).
  returned: success
  type: int
  sample: 3
diff:
  description: The application before and after (C(fields) as a mapping, tags by name, secrets masked).
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
from ansible_collections.newmedia.mediastack.plugins.module_utils._servarr_resources import Application


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(
            provider=True,
            sync_level={"type": "str", "choices": ["disabled", "addOnly", "fullSync"]},
        ),
        required_if=PROVIDER_REQUIRED_IF,
        supports_check_mode=True,
    )
    run(module, Application)


if __name__ == "__main__":
    main()
