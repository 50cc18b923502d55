#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: servarr_custom_format
short_description: Manage a custom format from TRaSH Guides JSON in Sonarr, Radarr, Lidarr or Readarr
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Takes a custom format as TRaSH Guides publishes it (C(docs/json/sonarr/cf/*.json),
    C(docs/json/radarr/cf/*.json)), or the same shape written by hand, and creates, updates or
    removes the custom format of that name (C(/api/vN/customformat)).
  - The C(trash_*) keys are dropped and each specification's C(fields) mapping becomes the API's
    C([{name, value}]) list. Fields a specification leaves out keep the application's values.
  - Scores belong to quality profiles; see M(newmedia.mediastack.servarr_quality_profile).
extends_documentation_fragment:
  - newmedia.mediastack.servarr
  - newmedia.mediastack.servarr.STATE
  - newmedia.mediastack.connection
  - newmedia.mediastack.attributes
attributes:
  diff_mode:
    description: The diff shows the custom format before and after, fields as mappings.
options:
  definition:
    description:
      - The custom format, for example C("{{ lookup('file', 'trash/sonarr/cf/x265-hd.json') | from_json }}").
        Required unless O(state=absent) and O(name) is given.
    type: dict
  name:
    description: The custom format's name in the application; defaults to the definition's C(name).
    type: str
seealso:
  - module: newmedia.mediastack.servarr_quality_profile
    description: Scores the custom formats this module creates.
"""

EXAMPLES = r"""
- name: TRaSH's x265 (HD) custom format in Sonarr
  newmedia.mediastack.servarr_custom_format:
    app: sonarr
    url: http://sonarr:8989
    api_key: "{{ mediastack_secrets['sonarr.api_key'] }}"
    definition: "{{ lookup('ansible.builtin.file', 'trash/sonarr/cf/x265-hd.json') | from_json }}"

- name: A custom format by hand
  newmedia.mediastack.servarr_custom_format:
    app: radarr
    url: http://radarr:7878
    api_key: "{{ mediastack_secrets['radarr.api_key'] }}"
    definition:
      name: No 3D
      specifications:
        - name: 3D
          implementation: ReleaseTitleSpecification
          negate: false
          required: true
          fields:
            value: '\b3d\b'
"""

RETURN = r"""
id:
  description: The custom format's id in the application (null when absent, or created in check mode).
  returned: success
  type: int
  sample: 1
diff:
  description: The custom format before and after.
  returned: when diff mode is on
  type: dict
  sample: {before: {}, after: {name: example}}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.newmedia.mediastack.plugins.module_utils._servarr import argument_spec, run
from ansible_collections.newmedia.mediastack.plugins.module_utils._servarr_resources import CustomFormat


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(secrets=False, definition={"type": "dict"}, name={"type": "str"}),
        required_if=[("state", "present", ["definition"])],
        required_one_of=[("definition", "name")],
        supports_check_mode=True,
    )
    run(module, CustomFormat)


if __name__ == "__main__":
    main()
