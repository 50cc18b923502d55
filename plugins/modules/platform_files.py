#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: platform_files
short_description: Write one host's folders and files of the platform, from the plan
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - The one path by which the platform's files reach a disk. It lays out the host's folders and
    files from the plan, which carries every service's facts and the settings (computed once per
    host and run), then creates each folder and writes each file.
  - For the deploy (O(secrets_path)), on the host, each folder and file owned by the user its
    service runs as; the values of the secrets store at O(secrets_path) on the controller go into
    the environment, secret, seed and users files. A seed file (an app's own configuration with
    its first credentials) is written only where none exists.
  - For a rendering (O(render_dir)), under O(render_dir)/<host>/ on the machine the task runs on
    (delegate it to C(localhost)), every secret masked, readable by all.
  - The store is read by the action itself, and no file content and no secret value is returned.
  - One run of M(newmedia.mediastack.file_states) first says what the disk holds; only the folders
    and files that differ are created or written, so a converged host costs one module run.
attributes:
  check_mode:
    support: full
    description: In check mode nothing is written; the result says what would change.
  diff_mode:
    support: partial
    description: The diff shows each changed file, but only the name of a changed secret file.
  idempotent:
    support: full
    description: A second run with the same plan and store changes nothing.
options:
  plan:
    description: The plan (C(mediastack_plan), the result of the P(newmedia.mediastack.plan#filter) filter).
    type: dict
    required: true
  secrets:
    description:
      - The inventory's settings (C(mediastack_render_settings)), of which only those holding
        secrets the plan never carries are read; the portal's users (C(mediastack_users)), the VPN
        provider's keys (C(mediastack_vpn)) and the DNS provider's credentials
        (C(mediastack_acme.dns_credentials)).
      - Everything else comes from O(plan). Never logged.
    type: dict
    default: {}
  host:
    description: The inventory host whose files these are.
    type: str
    required: true
  secrets_path:
    description:
      - The secrets store on the controller (see M(newmedia.mediastack.platform_secrets), which
        completes it first). Deploy the files on the host.
      - Exactly one of O(secrets_path) and O(render_dir).
    type: path
  render_dir:
    description:
      - A folder to render into instead, secrets masked; the files of O(host) go under
        O(render_dir)/<host>/, C(compose/), C(env/) and C(config/<folder>/).
    type: path
seealso:
  - module: newmedia.mediastack.platform_secrets
    description: Generates the secrets this module writes into the files.
  - module: newmedia.mediastack.file_states
    description: Says what the disk holds before anything is written.
"""

EXAMPLES = r"""
- name: Write this host's folders, configuration and secrets
  newmedia.mediastack.platform_files:
    plan: "{{ mediastack_plan }}"
    secrets: "{{ mediastack_render_settings }}"
    host: "{{ inventory_hostname }}"
    secrets_path: "{{ inventory_dir }}/mediastack-secrets.vault.yml"

- name: Render them for review instead, every secret masked
  newmedia.mediastack.platform_files:
    plan: "{{ mediastack_plan }}"
    secrets: "{{ mediastack_render_settings }}"
    host: "{{ inventory_hostname }}"
    render_dir: /tmp/render
  delegate_to: localhost
"""

RETURN = r"""
changed_directories:
  description: The folders this run created or gave back their owner or mode (or would, in check mode).
  returned: success
  type: list
  elements: str
  sample: [/opt/mediastack/env]
changed_files:
  description: The files this run wrote (or would write, in check mode).
  returned: success
  type: list
  elements: str
  sample: [/opt/mediastack/compose/media/compose.yaml]
changed_services:
  description: The services whose configuration files (not their secret files) changed, to restart.
  returned: success
  type: list
  elements: str
  sample: [traefik]
files:
  description: How many files the host's layout has.
  returned: success
  type: int
  sample: 42
directories:
  description: How many folders the host's layout has.
  returned: success
  type: int
  sample: 57
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.newmedia.mediastack.plugins.module_utils._controller import (
    PLATFORM_FILES_EXCLUSIVE,
    PLATFORM_FILES_SPEC,
    run_elsewhere,
)


def main():
    module = AnsibleModule(
        argument_spec=PLATFORM_FILES_SPEC, mutually_exclusive=PLATFORM_FILES_EXCLUSIVE, supports_check_mode=True
    )
    run_elsewhere(module, "platform_files")


if __name__ == "__main__":
    main()
