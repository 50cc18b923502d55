#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: servarr_settings
short_description: Set one settings section of Sonarr, Radarr, Lidarr, Readarr or Prowlarr
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Reads the section (C(GET /api/vN/config/<section>)), lays the given keys over it and writes it
    back (C(PUT /api/vN/config/<section>/{id})) only when one of them differs. Keys the task does
    not name are left as they are.
  - Keys and values are spelled as the API spells them, for example C(copyUsingHardlinks) (section
    V(mediamanagement)), C(authenticationMethod) V(external) (section V(host), behind a single
    sign-on portal), C(enableCompletedDownloadHandling) (section V(downloadclient)).
  - A key the section does not have fails the task before anything is written.
extends_documentation_fragment:
  - newmedia.mediastack.servarr
  - newmedia.mediastack.servarr.SECRETS
  - newmedia.mediastack.connection
  - newmedia.mediastack.attributes
attributes:
  diff_mode:
    description: The diff shows the whole section before and after, secrets masked.
  idempotent:
    support: partial
    details:
      - A second run with the same options changes nothing.
      - With O(update_secrets=true) the secrets given are sent on every run, as they cannot be read
        back and compared, and the task reports a change each time.
options:
  section:
    description:
      - The settings section. Prowlarr has V(host), V(downloadclient) and V(ui) only.
    type: str
    required: true
    choices: [host, naming, mediamanagement, downloadclient, indexer, ui]
  settings:
    description: The keys to set and their values.
    type: dict
    default: {}
  secret_settings:
    description:
      - Keys holding secrets (section V(host) C(password), C(proxyPassword), ...); kept out of logs.
        A C(password) also sets C(passwordConfirmation). See O(update_secrets).
    type: dict
    default: {}
seealso:
  - module: newmedia.mediastack.servarr_root_folder
    description: Adds the root folders the media management settings apply to.
  - module: newmedia.mediastack.servarr_download_client
    description: Adds the download clients the download handling settings apply to.
"""

EXAMPLES = r"""
- name: Import with hardlinks
  newmedia.mediastack.servarr_settings:
    app: sonarr
    url: http://sonarr:8989
    api_key: "{{ mediastack_secrets['sonarr.api_key'] }}"
    section: mediamanagement
    settings:
      copyUsingHardlinks: true

- name: Leave sign-in to the portal in front of Radarr
  newmedia.mediastack.servarr_settings:
    app: radarr
    url: http://radarr:7878
    api_key: "{{ mediastack_secrets['radarr.api_key'] }}"
    section: host
    settings:
      authenticationMethod: external
"""

RETURN = r"""
id:
  description: The section's id in the application.
  returned: success
  type: int
  sample: 1
diff:
  description: The section before and after, secrets masked.
  returned: when diff mode is on
  type: dict
  sample: {before: {}, after: {name: example}}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.newmedia.mediastack.plugins.module_utils._servarr import argument_spec, run
from ansible_collections.newmedia.mediastack.plugins.module_utils._servarr_resources import Settings


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(
            state=False,
            section={
                "type": "str",
                "required": True,
                "choices": ["host", "naming", "mediamanagement", "downloadclient", "indexer", "ui"],
            },
            settings={"type": "dict", "default": {}},
            secret_settings={"type": "dict", "default": {}, "no_log": True},
        ),
        supports_check_mode=True,
    )
    run(module, Settings)


if __name__ == "__main__":
    main()
