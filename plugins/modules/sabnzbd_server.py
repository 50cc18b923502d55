#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sabnzbd_server
short_description: Add, change or remove a SABnzbd news server
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Waits a bounded time for SABnzbd to answer, reads C(mode=get_config&section=servers) and adds or
    changes the news server O(name) with C(mode=set_config&section=servers&name=NAME&host=...), sending
    only the fields that differ, or removes it with C(mode=del_config&section=servers&keyword=NAME).
  - Only the options given are compared; SABnzbd keeps host names in lower case.
  - SABnzbd answers the password as asterisks, so O(password) is sent when the server is added, when
    SABnzbd holds none, or when O(update_secrets) is true. Give the provider's credentials from the
    vaulted inventory and run the task with C(no_log).
extends_documentation_fragment:
  - newmedia.mediastack.sabnzbd
  - newmedia.mediastack.connection
  - newmedia.mediastack.attributes
attributes:
  diff_mode:
    description: The diff shows the server before and after, the password as C(********).
  idempotent:
    support: partial
    details:
      - A second run with the same options changes nothing.
      - With O(update_secrets=true) the secrets given are sent on every run, as they cannot be read
        back and compared, and the task reports a change each time.
options:
  name:
    description:
      - The server's name in SABnzbd (its section in C(sabnzbd.ini)), usually the host name.
      - A name with C([) or C(]) is refused before anything is sent; SABnzbd would store it without them.
    type: str
    required: true
  host:
    description: The news server's host name; required to add a server.
    type: str
  port:
    description: The news server's port (C(563) for TLS, C(119) without).
    type: int
  ssl:
    description: Connect with TLS.
    type: bool
  ssl_verify:
    description: Certificate checking, C(0) none, C(1) minimal, C(2) medium, C(3) strict.
    type: int
    choices: [0, 1, 2, 3]
  username:
    description: The account's user name.
    type: str
  password:
    description: The account's password.
    type: str
  connections:
    description: Connections to open (the provider's limit or fewer).
    type: int
  priority:
    description:
      - Server priority, C(0) (used first) to C(99); servers with a higher number fill in missing articles.
      - A value outside C(0) to C(99) is refused before anything is sent; SABnzbd would store C(0) or C(99) instead.
    type: int
  retention:
    description: The provider's retention in days (C(0) for unknown).
    type: int
  enable:
    description: Whether SABnzbd uses the server.
    type: bool
  optional:
    description: Whether SABnzbd goes on without the server when it fails.
    type: bool
  state:
    description: Whether the server exists.
    type: str
    choices: [present, absent]
    default: present
  update_secrets:
    description: Send O(password) even when SABnzbd already holds one (it cannot be compared).
    type: bool
    default: false
seealso:
  - module: newmedia.mediastack.sabnzbd_category
    description: Another part of SABnzbd's configuration.
  - module: newmedia.mediastack.sabnzbd_config
    description: Another part of SABnzbd's configuration.
"""

EXAMPLES = r"""
- name: Add the Usenet provider from the vaulted inventory
  newmedia.mediastack.sabnzbd_server:
    url: http://10.10.3.20:8085
    api_key: "{{ mediastack_secrets['sabnzbd.api_key'] }}"
    name: news.example.net
    host: news.example.net
    port: 563
    ssl: true
    username: "{{ vault_usenet_username }}"
    password: "{{ vault_usenet_password }}"
    connections: 20
    enable: true
  no_log: true

- name: Remove a provider no longer paid for
  newmedia.mediastack.sabnzbd_server:
    url: http://10.10.3.20:8085
    api_key: "{{ mediastack_secrets['sabnzbd.api_key'] }}"
    name: old.example.net
    state: absent
"""

RETURN = r"""
action:
  description: What was (or in check mode would be) done, C(create), C(update), C(remove), or null.
  returned: success
  type: str
  sample: create
server:
  description: The server's given fields after the run (empty when absent), the password as C(********).
  returned: success
  type: dict
  sample: {host: news.example.net, port: 563, ssl: 1, username: reader, password: "********", connections: 20}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.newmedia.mediastack.plugins.module_utils._api import run
from ansible_collections.newmedia.mediastack.plugins.module_utils._sabnzbd import (
    Sabnzbd,
    check_server,
    connection_options,
    ensure_server,
)


def main():
    argument_spec = connection_options()
    argument_spec.update(
        name={"type": "str", "required": True},
        host={"type": "str"},
        port={"type": "int"},
        ssl={"type": "bool"},
        ssl_verify={"type": "int", "choices": [0, 1, 2, 3]},
        username={"type": "str"},
        password={"type": "str", "no_log": True},
        connections={"type": "int"},
        priority={"type": "int"},
        retention={"type": "int"},
        enable={"type": "bool"},
        optional={"type": "bool"},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        update_secrets={"type": "bool", "default": False},
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)

    def work(params: dict, check_mode: bool) -> dict:
        check_server(params)
        return ensure_server(Sabnzbd(params), params, check_mode)

    run(module, work)


if __name__ == "__main__":
    main()
