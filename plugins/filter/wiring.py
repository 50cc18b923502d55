# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: wiring
short_description: What the configure playbook sets up in each planned app
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Derives, from the plan, the wiring of the apps the collection configures through their APIs
    (download clients, the *arr apps, Prowlarr, Jellyfin, Seerr, Mylar3) - where the configuring
    side reaches each app, where its peers reach it, its media kind, download category, root
    folder and library.
  - Fails, naming the inventory variable, when two apps would share a download category.
  - The plan is all it reads; its settings give C(data_root) and C(download_categories) (app
    name to category, from C(mediastack_download_categories)).
extends_documentation_fragment:
  - newmedia.mediastack.plan
"""

EXAMPLES = r"""
- name: Show what the apps will be wired with
  ansible.builtin.debug:
    msg: "{{ mediastack_plan | newmedia.mediastack.wiring }}"
"""

RETURN = r"""
_value:
  description: >-
    C(data_root), C(categories) (app, name, torrent_path, usenet_dir), C(download_clients),
    C(servarr) (one entry per planned *arr app), and C(prowlarr), C(jellyfin), C(seerr), C(mylar3)
    (null when not planned).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._wiring import WiringError, wiring


def _wiring(plan):
    try:
        return wiring(plan)
    except WiringError as error:
        raise AnsibleFilterError(f"wiring: {error}") from None
    except (KeyError, TypeError, ValueError) as error:
        raise AnsibleFilterError(f"wiring: the plan lacks a fact: {error}") from error


class FilterModule:
    """The wiring plan."""

    def filters(self):
        return {"wiring": _wiring}
