#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: mylar3_config
short_description: Set Mylar3's folders, download clients and API key in its config.ini
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Mylar3's API (C(/api?apikey=...&cmd=...)) has no command that changes its configuration, so this
    module edits Mylar3's C(config.ini) on the host instead, changing only the lines of the settings
    given in O(settings) and keeping every other line as it is.
  - Settings are given by the key names of C(config.ini), for example C(comic_dir) (the comics root
    folder), C(destination_dir), C(api_enabled) and C(api_key), C(nzb_downloader) (C(sabnzbd)),
    C(sab_host), C(sab_apikey), C(sab_category), C(torrent_downloader) (C(qbittorrent)),
    C(enable_torrents), C(qbittorrent_host), C(qbittorrent_username), C(qbittorrent_password),
    C(qbittorrent_label) and C(qbittorrent_folder). A key the module does not know fails the task.
  - Values are compared as Mylar3 reads them (C(True) and C(true) are the same; secrets that Mylar3
    obfuscated are decoded first).
  - Mylar3 reads the file when it starts, and writes it back when settings are saved in its web UI;
    restart Mylar3 after a change (notify a handler), and write the file before the first start to
    pre-seed the API key. A new file starts with C(config_version) so Mylar3 runs no migration.
extends_documentation_fragment:
  - ansible.builtin.files
  - newmedia.mediastack.attributes
attributes:
  check_mode:
    description: In check mode the file is not written; the result tells what would change.
  diff_mode:
    description: The diff shows the given settings before and after, secrets as C(********).
  idempotent:
    description: A second run with the same settings changes nothing.
options:
  path:
    description: Mylar3's C(config.ini), for example C(/srv/mediastack/mylar3/config/mylar/config.ini).
    type: path
    required: true
  settings:
    description: The settings to write, by their C(config.ini) key names.
    type: dict
    required: true
  create:
    description: Create the file when it is missing (mode C(0600) unless O(mode) says otherwise).
    type: bool
    default: true
seealso:
  - module: newmedia.mediastack.sabnzbd_category
    description: Creates the SABnzbd category Mylar3 sends downloads to.
"""

EXAMPLES = r"""
- name: Point Mylar3 at the comics library and the download clients
  newmedia.mediastack.mylar3_config:
    path: /srv/mediastack/mylar3/config/mylar/config.ini
    owner: "1000"
    group: "1000"
    mode: "0600"
    settings:
      comic_dir: /data/media/comics
      destination_dir: /data/media/comics
      api_enabled: true
      api_key: "{{ mediastack_secrets['mylar3.api_key'] }}"
      nzb_downloader: sabnzbd
      sab_host: http://gluetun:8085
      sab_apikey: "{{ mediastack_secrets['sabnzbd.api_key'] }}"
      sab_category: comics
      enable_torrents: true
      torrent_downloader: qbittorrent
      qbittorrent_host: http://gluetun:8080
      qbittorrent_username: admin
      qbittorrent_password: "{{ mediastack_secrets['qbittorrent.webui_password'] }}"
      qbittorrent_label: comics
  no_log: true
  notify: Restart mylar3
"""

RETURN = r"""
changed_keys:
  description: The settings that were (or in check mode would be) written.
  returned: success
  type: list
  elements: str
  sample: [sab_host, sab_apikey]
settings:
  description: The given settings as the file holds them after the run, secrets as C(********).
  returned: success
  type: dict
  sample: {sab_host: "http://10.10.1.70:8080", sab_apikey: "********"}
"""

from pathlib import Path

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.newmedia.mediastack.plugins.module_utils._mylar3 import (
    Mylar3Error,
    edit_ini,
    masked,
    plan_settings,
    read_file,
    write_file,
)


def main():
    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "required": True},
            "settings": {"type": "dict", "required": True},
            "create": {"type": "bool", "default": True},
        },
        add_file_common_args=True,
        supports_check_mode=True,
    )
    path = module.params["path"]
    try:
        exists, text = read_file(path)
        changes, before, after = plan_settings(text, module.params["settings"])
    except (OSError, UnicodeDecodeError) as error:
        module.fail_json(msg=f"Reading Mylar3's config.ini failed for {path}: {error}. Check `path`")
    except Mylar3Error as error:
        module.fail_json(msg=str(error))
    if not exists and not module.params["create"]:
        module.fail_json(
            msg=f"Reading Mylar3's config.ini failed for {path}: the file is missing. Set `create` or `path`"
        )
    changed = bool(changes) or not exists
    if changed and not module.check_mode:
        temporary = write_file(path, edit_ini(text, changes, new_file=not exists))
        if exists:
            module.atomic_move(temporary, path)  # keeps the file's owner, mode and context
        else:
            Path(temporary).replace(path)  # a new file keeps the temporary's 0600
    file_args = module.load_file_common_arguments(module.params)
    if not exists and file_args.get("mode") is None:
        file_args["mode"] = "0600"
    if exists or not module.check_mode:
        changed = module.set_fs_attributes_if_different(file_args, changed)
    result = {"changed": changed, "changed_keys": sorted(changes), "settings": masked(after)}
    if module._diff:
        result["diff"] = {"before": masked(before), "after": masked(after)}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
