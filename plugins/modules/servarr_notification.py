#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: servarr_notification
short_description: Create, change or remove a notification (Connect) in Sonarr, Radarr, Lidarr, Readarr or Prowlarr
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Finds the notification O(name) (C(GET /api/vN/notification)) and creates, updates or removes
    it. A new one starts from the application's template for O(implementation)
    (C(GET /api/vN/notification/schema)); only the fields, triggers and tags the task names are
    compared.
  - Jellyfin's library refresh is the C(MediaBrowser) implementation (C(Emby / Jellyfin) in the
    UI) with C(updateLibrary) on and Jellyfin's API key in O(secret_fields).
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
    description: The diff shows the notification before and after, fields as a mapping, secrets masked.
  idempotent:
    support: partial
    details:
      - A second run with the same options changes nothing.
      - With O(update_secrets=true) the secrets given are sent on every run, as they cannot be read
        back and compared, and the task reports a change each time.
options:
  implementation:
    description: The notification type, for example C(MediaBrowser), C(Webhook), C(Discord). Required to create one.
  fields:
    description:
      - The notification's settings by field name, for example (C(MediaBrowser)) C(host), C(port),
        C(useSsl), C(updateLibrary), C(notify), C(mapFrom), C(mapTo).
  triggers:
    description:
      - The events that fire the notification, as the application names them, for example
        C(onDownload), C(onUpgrade), C(onImportComplete), C(onRename), C(onSeriesDelete). Every
        other event is switched off. Omit to leave them as they are (a new one gets the template's).
    type: list
    elements: str
  tags:
    description: Names of the tags that restrict the notification to tagged items. Omit to leave them as they are.
seealso:
  - module: newmedia.mediastack.servarr_tag
    description: Creates the tags a notification names.
  - module: newmedia.mediastack.jellyfin_api_key
    description: Creates the Jellyfin API key a MediaBrowser notification signs in with.
"""

EXAMPLES = r"""
- name: Refresh Jellyfin's library when Sonarr imports
  newmedia.mediastack.servarr_notification:
    app: sonarr
    url: http://sonarr:8989
    api_key: "{{ mediastack_secrets['sonarr.api_key'] }}"
    name: Jellyfin
    implementation: MediaBrowser
    fields:
      host: jellyfin
      port: 8096
      updateLibrary: true
      notify: false
    secret_fields:
      apiKey: "{{ jellyfin_sonarr_key }}"
    triggers: [onDownload, onUpgrade, onImportComplete, onRename, onSeriesDelete, onEpisodeFileDelete]
    force_save: true
"""

RETURN = r"""
id:
  description: The notification's id in the application (null when absent, or created in check mode).
  returned: success
  type: int
  sample: 1
diff:
  description: The notification before and after (C(fields) as a mapping, tags by name, secrets masked).
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
from ansible_collections.newmedia.mediastack.plugins.module_utils._servarr_resources import Notification


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(
            provider=True,
            triggers={"type": "list", "elements": "str"},
        ),
        required_if=PROVIDER_REQUIRED_IF,
        supports_check_mode=True,
    )
    run(module, Notification)


if __name__ == "__main__":
    main()
