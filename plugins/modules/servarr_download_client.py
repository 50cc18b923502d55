#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: servarr_download_client
short_description: Create, change or remove a download client in Sonarr, Radarr, Lidarr, Readarr or Prowlarr
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Finds the download client O(name) (C(GET /api/vN/downloadclient)) and creates, updates or
    removes it. A new client starts from the application's template for O(implementation)
    (C(GET /api/vN/downloadclient/schema)); the fields the task leaves out keep the template's
    values, and only the fields and settings the task names are compared.
  - Tags are given by name and must exist (see M(newmedia.mediastack.servarr_tag)).
  - An implementation other than the existing client's replaces it (remove, then create).
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
    description: The diff shows the client before and after, its fields as a mapping, secrets masked.
  idempotent:
    support: partial
    details:
      - A second run with the same options changes nothing.
      - With O(update_secrets=true) the secrets given are sent on every run, as they cannot be read
        back and compared, and the task reports a change each time.
options:
  implementation:
    description:
      - The client software as the application names it, for example C(QBittorrent), C(Sabnzbd),
        C(Transmission), C(Deluge), C(Nzbget). Required to create a client.
  fields:
    description:
      - The client's settings by field name, as the application names them (camelCase), for example
        C(host), C(port), C(useSsl), C(urlBase), C(username), C(tvCategory) (Sonarr),
        C(movieCategory) (Radarr), C(musicCategory) (Lidarr, Readarr), C(category) (Prowlarr).
      - A name the implementation does not have fails the task.
  enable:
    description: Whether the application uses the client. A new client is enabled unless this is V(false).
    type: bool
  priority:
    description: The client's priority, 1 (highest) to 50. A new client gets the application's default.
    type: int
  remove_completed_downloads:
    description: Remove imported downloads from the client's history (Sonarr, Radarr, Lidarr, Readarr).
    type: bool
  remove_failed_downloads:
    description: Remove failed downloads from the client's history (Sonarr, Radarr, Lidarr, Readarr).
    type: bool
  tags:
    description: Names of the tags that restrict the client to tagged items. Omit to leave them as they are.
seealso:
  - module: newmedia.mediastack.servarr_tag
    description: Creates the tags a download client names.
  - module: newmedia.mediastack.qbittorrent_category
    description: Creates the qBittorrent category a download client names.
  - module: newmedia.mediastack.sabnzbd_category
    description: Creates the SABnzbd category a download client names.
"""

EXAMPLES = r"""
- name: Let Sonarr download through qBittorrent, category tv
  newmedia.mediastack.servarr_download_client:
    app: sonarr
    url: http://sonarr:8989
    api_key: "{{ mediastack_secrets['sonarr.api_key'] }}"
    name: qBittorrent
    implementation: QBittorrent
    fields:
      host: gluetun
      port: 8080
      username: admin
      tvCategory: tv
    secret_fields:
      password: "{{ mediastack_secrets['qbittorrent.password'] }}"
    remove_completed_downloads: true
    force_save: true

- name: Remove an old client from Radarr
  newmedia.mediastack.servarr_download_client:
    app: radarr
    url: http://radarr:7878
    api_key: "{{ mediastack_secrets['radarr.api_key'] }}"
    name: Transmission
    state: absent
"""

RETURN = r"""
id:
  description: The client's id in the application (null when absent, or created in check mode).
  returned: success
  type: int
  sample: 1
diff:
  description: The client before and after (C(fields) as a mapping, tags by name, secrets masked).
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
from ansible_collections.newmedia.mediastack.plugins.module_utils._servarr_resources import DownloadClient


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(
            provider=True,
            enable={"type": "bool"},
            priority={"type": "int"},
            remove_completed_downloads={"type": "bool"},
            remove_failed_downloads={"type": "bool"},
        ),
        required_if=PROVIDER_REQUIRED_IF,
        supports_check_mode=True,
    )
    run(module, DownloadClient)


if __name__ == "__main__":
    main()
