#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sabnzbd_config
short_description: Set SABnzbd's general settings (the [misc] section) through its API
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Waits a bounded time for SABnzbd to answer, reads C(mode=get_config&section=misc), compares only
    the keys given in O(misc) and sends each one that differs with
    C(mode=set_config&section=misc&keyword=KEY&value=VALUE), then reads the settings back (SABnzbd
    keeps its old value when it rejects one, and the task then fails).
  - Typical keys are the folders C(complete_dir) and C(download_dir) (SABnzbd 4.2 and later keep a
    complete folder that is the download folder or lies inside it, and the task then fails; the two are
    sent in the order SABnzbd takes them), C(host_whitelist), C(permissions) and C(cache_limit). Any key SABnzbd
    returns can be set, except C(api_key), C(nzb_key), C(inet_exposure), C(api_warnings) and
    C(local_ranges), which belong in C(sabnzbd.ini) before the first start.
  - Values are converted to the type SABnzbd returns (C(true) to C(1), a list for list settings).
  - The passwords C(password) and C(email_pwd) are answered as asterisks; they are sent when SABnzbd
    has none or when O(update_secrets) is true.
extends_documentation_fragment:
  - newmedia.mediastack.sabnzbd
  - newmedia.mediastack.connection
  - newmedia.mediastack.attributes
attributes:
  diff_mode:
    description: The diff shows the given keys before and after, passwords and keys as C(********).
  idempotent:
    support: partial
    details:
      - A second run with the same settings changes nothing.
      - With O(update_secrets=true) the secrets given are sent on every run, as they cannot be read
        back and compared, and the task reports a change each time.
options:
  misc:
    description: The [misc] settings to set, by the key names C(mode=get_config&section=misc) returns.
    type: dict
    required: true
  update_secrets:
    description: Also send the passwords in O(misc), which SABnzbd cannot return for comparison.
    type: bool
    default: false
seealso:
  - module: newmedia.mediastack.sabnzbd_category
    description: Another part of SABnzbd's configuration.
  - module: newmedia.mediastack.sabnzbd_server
    description: Another part of SABnzbd's configuration.
"""

EXAMPLES = r"""
- name: Keep SABnzbd's folders on the data tree
  newmedia.mediastack.sabnzbd_config:
    url: http://10.10.3.20:8085
    api_key: "{{ mediastack_secrets['sabnzbd.api_key'] }}"
    misc:
      download_dir: /data/usenet/incomplete
      complete_dir: /data/usenet/complete
      host_whitelist: [sabnzbd, sabnzbd.example.org]
  no_log: true
"""

RETURN = r"""
changed_keys:
  description: The [misc] keys that were (or in check mode would be) sent.
  returned: success
  type: list
  elements: str
  sample: [complete_dir]
misc:
  description: The given keys as SABnzbd holds them after the run, passwords and keys as C(********).
  returned: success
  type: dict
  sample: {complete_dir: /data/usenet/complete, api_key: "********"}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.newmedia.mediastack.plugins.module_utils._api import run
from ansible_collections.newmedia.mediastack.plugins.module_utils._sabnzbd import (
    Sabnzbd,
    connection_options,
    ensure_misc,
)


def main():
    argument_spec = connection_options()
    argument_spec.update(
        misc={"type": "dict", "required": True},
        update_secrets={"type": "bool", "default": False},
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run(
        module,
        lambda params, check_mode: ensure_misc(Sabnzbd(params), params["misc"], params["update_secrets"], check_mode),
    )


if __name__ == "__main__":
    main()
