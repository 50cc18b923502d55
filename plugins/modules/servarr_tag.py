#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: servarr_tag
short_description: Create or remove a tag in Sonarr, Radarr, Lidarr, Readarr or Prowlarr
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Finds the tag O(label) (C(GET /api/vN/tag)) and creates or removes it. The applications keep
    labels in lower case; so does this module.
  - The other Servarr modules take tags by label and fail when one does not exist, so create tags
    first.
extends_documentation_fragment:
  - newmedia.mediastack.servarr
  - newmedia.mediastack.servarr.STATE
  - newmedia.mediastack.connection
  - newmedia.mediastack.attributes
attributes:
  diff_mode:
    description: The diff shows the tag before and after.
options:
  label:
    description: The tag's label (compared without regard to case).
    type: str
    required: true
seealso:
  - module: newmedia.mediastack.servarr_download_client
    description: Takes tags by label, as this module creates them.
  - module: newmedia.mediastack.servarr_notification
    description: Takes tags by label, as this module creates them.
  - module: newmedia.mediastack.servarr_root_folder
    description: Takes tags by label (Lidarr, Readarr), as this module creates them.
  - module: newmedia.mediastack.prowlarr_application
    description: Takes tags by label, as this module creates them.
"""

EXAMPLES = r"""
- name: Tag for 4K items
  newmedia.mediastack.servarr_tag:
    app: radarr
    url: http://radarr:7878
    api_key: "{{ mediastack_secrets['radarr.api_key'] }}"
    label: 4k
"""

RETURN = r"""
id:
  description: The tag's id in the application (null when absent, or created in check mode).
  returned: success
  type: int
  sample: 1
diff:
  description: The tag before and after.
  returned: when diff mode is on
  type: dict
  sample: {before: {}, after: {name: example}}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.newmedia.mediastack.plugins.module_utils._servarr import argument_spec, run
from ansible_collections.newmedia.mediastack.plugins.module_utils._servarr_resources import Tag


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(secrets=False, label={"type": "str", "required": True}),
        supports_check_mode=True,
    )
    run(module, Tag)


if __name__ == "__main__":
    main()
