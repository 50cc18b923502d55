# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: host_layout
short_description: The folders and files one host's deployment writes, with owners and modes
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Flattens what P(newmedia.mediastack.host_files#filter) renders for a host, plus each service's
    environment file and secret files, into folders and files under the configuration root.
  - Folders and files of a service belong to the user it runs as; environment and secret files
    are readable by their owner only and are marked C(secret).
extends_documentation_fragment:
  - newmedia.mediastack.plan
  - newmedia.mediastack.plan.catalog
  - newmedia.mediastack.plan.host
options:
  secrets:
    description: The secrets store; V(null) writes C(********) in place of every value.
    type: dict
    required: false
"""

EXAMPLES = r"""
- name: Write the host's files
  ansible.builtin.copy:
    content: "{{ item.content }}"
    dest: "{{ item.path }}"
    owner: "{{ item.owner }}"
    group: "{{ item.group }}"
    mode: "{{ item.mode }}"
  loop: "{{ (plan | newmedia.mediastack.host_layout(catalog, settings, inventory_hostname, store)).files }}"
  no_log: "{{ item.secret }}"
"""

RETURN = r"""
_value:
  description: C(directories) (path, owner, group, mode) and C(files) (path, content, owner, group, mode,
    service, secret).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._layout import host_layout


def _host_layout(plan, catalog, settings, host, secrets=None):
    try:
        return host_layout(plan, catalog, settings, host, secrets)
    except (KeyError, ValueError) as error:
        raise AnsibleFilterError(f"host_layout: cannot lay out the files of {host}: {error}") from error


class FilterModule:
    """Deployment layout of a host."""

    def filters(self):
        return {"host_layout": _host_layout}
