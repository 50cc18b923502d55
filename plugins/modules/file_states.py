#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: file_states
short_description: Report what many paths are, in one call, and change nothing
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - For each path, whether it exists, what it is (a directory, a regular file, a symbolic link
    or something else, never followed), its owner and group (numbers and names), its permission
    bits, and the SHA-1 of the regular files named in O(checksum).
  - One module run answers for a host's whole layout, where M(ansible.builtin.stat) answers for
    one path per run; M(newmedia.mediastack.platform_files) asks it first and writes only what
    differs.
attributes:
  check_mode:
    support: full
    description: It only reads, in check mode as otherwise.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
  idempotent:
    support: full
    description: It never changes anything.
options:
  paths:
    description: The absolute paths to look at.
    type: list
    elements: path
    required: true
  checksum:
    description:
      - Paths of O(paths) whose SHA-1 to compute when they are regular files (the checksum
        M(ansible.builtin.copy) compares).
    type: list
    elements: path
    default: []
seealso:
  - module: newmedia.mediastack.platform_files
    description: Writes a host's folders and files, and asks this module what is already there.
"""

EXAMPLES = r"""
- name: Look at the configuration root and one file in it
  newmedia.mediastack.file_states:
    paths: [/opt/mediastack, /opt/mediastack/traefik/traefik.yaml]
    checksum: [/opt/mediastack/traefik/traefik.yaml]
  register: found
"""

RETURN = r"""
states:
  description:
    - Each path of O(paths) with what was found there. C(exists) false and nothing else where
      nothing is, or where a folder on the way is not a folder.
    - C(type) is C(directory), C(file), C(link) or C(other); C(owner) and C(group) are null for an
      id no account or group has; C(checksum) only for a regular file named in O(checksum).
  returned: success
  type: dict
  sample:
    /opt/mediastack: {exists: true, type: directory, uid: 0, gid: 0, owner: root, group: root, mode: "0755"}
    /opt/mediastack/traefik/traefik.yaml:
      exists: true
      type: file
      uid: 1000
      gid: 1000
      owner: media
      group: media
      mode: "0640"
      checksum: 9c1185a5c5e9fc54612808977ee8f548b2258d31
    /opt/mediastack/absent: {exists: false}
"""

import grp
import os
import pwd
import stat

from ansible.module_utils.basic import AnsibleModule

KINDS = ((stat.S_ISDIR, "directory"), (stat.S_ISREG, "file"), (stat.S_ISLNK, "link"))


def _name(lookup, number: int) -> str | None:
    try:
        return lookup(number)[0]
    except KeyError:
        return None


def path_state(module: AnsibleModule, path: str, checksum: bool) -> dict:
    """What is at ``path`` (never following a link)."""
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return {"exists": False}
    except OSError as error:
        module.fail_json(msg=f"Cannot look at {path}: {error.strerror}", path=path)
    kind = next((name for test, name in KINDS if test(info.st_mode)), "other")
    found = {
        "exists": True,
        "type": kind,
        "uid": info.st_uid,
        "gid": info.st_gid,
        "owner": _name(pwd.getpwuid, info.st_uid),
        "group": _name(grp.getgrgid, info.st_gid),
        "mode": f"{stat.S_IMODE(info.st_mode):04o}",
    }
    if checksum and kind == "file":
        found["checksum"] = module.sha1(path)
    return found


def main():
    module = AnsibleModule(
        argument_spec={
            "paths": {"type": "list", "elements": "path", "required": True},
            "checksum": {"type": "list", "elements": "path", "default": []},
        },
        supports_check_mode=True,
    )
    paths, checksum = module.params["paths"], set(module.params["checksum"])
    unknown = sorted(checksum - set(paths))
    if unknown:
        module.fail_json(msg=f"checksum names paths that paths does not: {', '.join(unknown)}")
    relative = [path for path in paths if not path.startswith("/")]
    if relative:
        module.fail_json(msg=f"paths must be absolute: {', '.join(relative)}")
    module.exit_json(changed=False, states={path: path_state(module, path, path in checksum) for path in paths})


if __name__ == "__main__":
    main()
