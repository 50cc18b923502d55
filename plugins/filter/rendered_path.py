# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: rendered_path
short_description: Where the render playbook writes a file the deploy writes
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Maps a path of P(newmedia.mediastack.host_layout#filter) (under the configuration root) to the path,
    relative to the host's folder, where C(newmedia.mediastack.render) writes it.
  - C(compose/...) and C(env/...) keep their names; each service's folder goes under C(config/),
    as in P(newmedia.mediastack.host_files#filter). The configuration root itself is C(.).
options:
  _input:
    description: A path under C(config_root).
    type: str
    required: true
  settings:
    description: The rendering settings; only C(config_root) is read (default C(/opt/mediastack)).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Show where the render playbook puts Sonarr's environment file
  ansible.builtin.debug:
    msg: "{{ '/opt/ms/env/sonarr.env' | newmedia.mediastack.rendered_path({'config_root': '/opt/ms'}) }}"
"""

RETURN = r"""
_value:
  description: The relative path, e.g. C(env/sonarr.env) or C(config/sonarr/config.xml).
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._layout import rendered_path


def _rendered_path(path, settings):
    try:
        return rendered_path(str(path), settings)
    except ValueError as error:
        raise AnsibleFilterError(f"rendered_path: {error}") from error


class FilterModule:
    """Paths of the rendering."""

    def filters(self):
        return {"rendered_path": _rendered_path}
