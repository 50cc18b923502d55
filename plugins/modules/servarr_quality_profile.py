#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: servarr_quality_profile
short_description: Manage a quality profile from TRaSH Guides JSON in Sonarr, Radarr, Lidarr or Readarr
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Takes a quality profile as TRaSH Guides publishes it (C(docs/json/sonarr/quality-profiles/*.json),
    C(docs/json/radarr/quality-profiles/*.json)), or the same shape written by hand, and creates,
    updates or removes the quality profile of that name (C(/api/vN/qualityprofile)).
  - C(items) lists qualities and groups by name, best first; qualities it leaves out are added as
    not allowed, below the others. C(cutoff) names an item. Every name is checked against the
    application's qualities (C(GET /api/vN/qualityprofile/schema)).
  - C(formatItems) maps custom format names to TRaSH C(trash_id)s; each must exist in the
    application (see M(newmedia.mediastack.servarr_custom_format)). Its score comes from
    O(scores), else from the custom format's C(trash_scores) in O(custom_formats) for the score set
    (O(score_set), else the profile's C(trash_score_set), else C(default)). Every other custom
    format of the application scores 0 in this profile.
  - Radarr's C(language) is given by name.
extends_documentation_fragment:
  - newmedia.mediastack.servarr
  - newmedia.mediastack.servarr.STATE
  - newmedia.mediastack.connection
  - newmedia.mediastack.attributes
attributes:
  diff_mode:
    description: The diff shows the profile before and after, by names, items best first.
options:
  definition:
    description: The quality profile (TRaSH Guides JSON). Required unless O(state=absent) and O(name) is given.
    type: dict
  name:
    description: The profile's name in the application; defaults to the definition's C(name).
    type: str
  custom_formats:
    description:
      - TRaSH Guides custom format definitions, for the scores (C(trash_scores)) and names of the
        custom formats the profile's C(formatItems) name by C(trash_id).
    type: list
    elements: dict
    default: []
  score_set:
    description: The C(trash_scores) key to score by, instead of the profile's C(trash_score_set).
    type: str
  scores:
    description: Scores by custom format name or C(trash_id); these win over C(trash_scores).
    type: dict
    default: {}
seealso:
  - module: newmedia.mediastack.servarr_custom_format
    description: Creates the custom formats a profile scores.
  - module: newmedia.mediastack.servarr_root_folder
    description: Names a quality profile as the default of its items (Lidarr, Readarr).
  - module: newmedia.mediastack.seerr_arr_server
    description: Names a quality profile for the requests Seerr sends.
"""

EXAMPLES = r"""
- name: Read TRaSH's Sonarr custom formats, the JSON files as published
  ansible.builtin.set_fact:
    mediastack_trash_sonarr_custom_formats: >-
      {{ query('ansible.builtin.file', *query('ansible.builtin.fileglob', 'trash/sonarr/cf/*.json'))
         | map('from_json') | list }}

- name: TRaSH's WEB-1080p profile in Sonarr
  newmedia.mediastack.servarr_quality_profile:
    app: sonarr
    url: http://sonarr:8989
    api_key: "{{ mediastack_secrets['sonarr.api_key'] }}"
    definition: "{{ lookup('ansible.builtin.file', 'trash/sonarr/quality-profiles/web-1080p.json') | from_json }}"
    custom_formats: "{{ mediastack_trash_sonarr_custom_formats }}"
"""

RETURN = r"""
id:
  description: The profile's id in the application (null when absent, or created in check mode).
  returned: success
  type: int
  sample: 1
diff:
  description: The profile before and after, qualities, cutoff and custom formats by name.
  returned: when diff mode is on
  type: dict
  sample: {before: {}, after: {name: example}}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.newmedia.mediastack.plugins.module_utils._servarr import argument_spec, run
from ansible_collections.newmedia.mediastack.plugins.module_utils._servarr_resources import QualityProfile


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(
            secrets=False,
            definition={"type": "dict"},
            name={"type": "str"},
            custom_formats={"type": "list", "elements": "dict", "default": []},
            score_set={"type": "str"},
            scores={"type": "dict", "default": {}},
        ),
        required_if=[("state", "present", ["definition"])],
        required_one_of=[("definition", "name")],
        supports_check_mode=True,
    )
    run(module, QualityProfile)


if __name__ == "__main__":
    main()
