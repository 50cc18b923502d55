# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side of newmedia.mediastack.platform_files (documented in plugins/modules).

The one path by which the platform's folders and files reach a disk: the deploy writes them on the
host, owned by each service's user; the render playbook writes them under a folder of the
controller, every secret masked. The layout is computed once per host and run (its password hashes
take seconds), the secrets store is read here, and no file's content or secret value is returned.

One run of file_states first says what the disk holds; only the folders and files that differ
from the layout go through the file module and the copy action, so a converged host costs one
module run, not one per path.
"""

from __future__ import annotations

import hashlib

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.newmedia.mediastack.plugins.module_utils._controller import (
    PLATFORM_FILES_EXCLUSIVE,
    PLATFORM_FILES_SPEC,
)
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._inputs import secret_settings
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._layout import host_layout, rendered_path
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._secrets import required_secrets
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._store import (
    StoreError,
    needed,
    read_store,
    vault_of,
)

#: Modes of what a rendering writes for review: readable, owned by whoever renders.
RENDERED_DIRECTORY_MODE, RENDERED_FILE_MODE = "0755", "0644"


class ActionModule(ActionBase):
    """Write one host's folders and files: on the host (deploy), or under ``render_dir`` (render)."""

    TRANSFERS_FILES = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        _validation, args = self.validate_argument_spec(
            argument_spec=PLATFORM_FILES_SPEC, mutually_exclusive=PLATFORM_FILES_EXCLUSIVE
        )
        rendering = args["render_dir"] is not None
        store = None
        if not rendering:
            if not args["secrets_path"]:
                raise AnsibleActionFail("Give secrets_path (the deploy) or render_dir (a rendering, secrets masked).")
            try:
                store = read_store(args["secrets_path"], vault_of(self._loader))
                names = required_secrets(args["plan"])
                store = needed(store, names, args["secrets_path"], self._task.check_mode)
            except StoreError as error:
                raise AnsibleActionFail(str(error)) from None
        try:
            secrets = secret_settings(args["secrets"])
            layout = host_layout(args["plan"], args["host"], store, secrets)
        except (KeyError, ValueError) as error:
            raise AnsibleActionFail(f"Cannot lay out the files of {args['host']}: {error}") from None
        changed_directories, changed_files, changed_services, diffs = self._apply(task_vars, args, layout)
        self._remove_tmp_path(self._connection._shell.tmpdir)
        result.update(
            changed=bool(changed_files or changed_directories),
            changed_directories=changed_directories,
            changed_files=changed_files,
            changed_services=sorted(changed_services),
            files=len(layout["files"]),
            directories=len(layout["directories"]),
        )
        if self._task.diff and diffs:
            result["diff"] = diffs
        return result

    def _apply(self, task_vars, args: dict, layout: dict) -> tuple[list, list, set, list]:
        """Create or correct what differs from the layout: the folders and files changed, the
        services whose configuration changed, and the diffs."""
        rendering = args["render_dir"] is not None
        directories = [self._where(args, directory) for directory in layout["directories"]]
        files = [self._where(args, item) for item in layout["files"]]
        states = self._states(task_vars, directories, files)
        changed_directories, changed_files, changed_services, diffs = [], [], set(), []
        for directory, placed in zip(layout["directories"], directories, strict=True):
            if directory_in_place(placed, states[placed["path"]], rendering):
                continue
            if self._ensure_directory(task_vars, placed, rendering):
                changed_directories.append(directory["path"])
        for item, placed in zip(layout["files"], files, strict=True):
            if file_in_place(placed, states[placed["path"]], rendering):
                continue
            written = self._write(task_vars, placed, rendering)
            if written.get("failed"):
                # The copy's own message, never its arguments: a secret file's content is one of them.
                raise AnsibleActionFail(f"Writing {item['path']} failed: {written.get('msg', 'no message')}")
            if not written.get("changed"):
                continue
            changed_files.append(item["path"])
            if item["secret"]:
                path = item["path"]
                diffs.append({"before_header": path, "after_header": path, "prepared": "(secret: not shown)\n"})
                continue
            if item["service"]:
                changed_services.add(item["service"])
            diffs += [entry for entry in _as_list(written.get("diff")) if entry]
        return changed_directories, changed_files, changed_services, diffs

    @staticmethod
    def _where(args: dict, item: dict) -> dict:
        """``item`` at its place on the host, or under the render folder (``rendered_path``)."""
        if args["render_dir"] is None:
            return item
        relative = rendered_path(item["path"], args["plan"]["settings"]["config_root"])
        return dict(item, path=f"{args['render_dir'].rstrip('/')}/{args['host']}/{relative}")

    def _states(self, task_vars, directories: list[dict], files: list[dict]) -> dict:
        """What the disk holds at each path of the layout (file_states, one module run)."""
        paths = [entry["path"] for entry in directories + files]
        module_args = {"paths": paths, "checksum": [item["path"] for item in files]}
        answer = self._execute_module(
            module_name="newmedia.mediastack.file_states", module_args=module_args, task_vars=task_vars
        )
        if answer.get("failed"):
            raise AnsibleActionFail(f"Looking at the host's files failed: {answer.get('msg', 'no message')}")
        return answer["states"]

    def _ensure_directory(self, task_vars, directory: dict, rendering: bool) -> bool:
        """Create or correct one folder; whether it changed."""
        module_args = {"path": directory["path"], "state": "directory"}
        if rendering:
            module_args["mode"] = RENDERED_DIRECTORY_MODE
        else:
            module_args.update(owner=directory["owner"], group=directory["group"])
            if directory["mode"]:
                module_args["mode"] = directory["mode"]
        answer = self._execute_module(module_name="ansible.legacy.file", module_args=module_args, task_vars=task_vars)
        if answer.get("failed"):
            message = answer.get("msg", "no message")
            raise AnsibleActionFail(f"Creating the folder {directory['path']} failed: {message}")
        return bool(answer.get("changed"))

    def _write(self, task_vars, item: dict, rendering: bool) -> dict:
        """The copy action's result for one file (content given inline, as ``copy: content``)."""
        task = self._task.copy()
        task.args = {"content": item["content"], "dest": item["path"]}
        if rendering:
            task.args["mode"] = RENDERED_FILE_MODE
        else:
            task.args.update(owner=item["owner"], group=item["group"], mode=item["mode"])
            # A seed (an app's own config file with its first credentials) is written only where
            # none exists: the app rewrites it, and later runs leave it alone.
            task.args["force"] = not item.get("seed", False)
        copy = self._shared_loader_obj.action_loader.get(
            "ansible.legacy.copy",
            task=task,
            connection=self._connection,
            play_context=self._play_context,
            loader=self._loader,
            templar=self._templar,
            shared_loader_obj=self._shared_loader_obj,
        )
        return copy.run(task_vars=task_vars)


def _same(wanted, number: int, name: str | None) -> bool:
    """Whether an owner or group the layout names (a number or a name) is the one found."""
    wanted = str(wanted)
    return int(wanted) == number if wanted.isdigit() else wanted == name


def _attributes_in_place(entry: dict, state: dict, mode: str, rendering: bool) -> bool:
    if not rendering and not (
        _same(entry["owner"], state["uid"], state["owner"]) and _same(entry["group"], state["gid"], state["group"])
    ):
        return False
    return not mode or int(mode, 8) == int(state["mode"], 8)


def directory_in_place(directory: dict, state: dict, rendering: bool) -> bool:
    """Whether the file module would leave this folder as it is: there, a folder, its owner, group
    and (where the layout sets one) mode."""
    if not state["exists"] or state["type"] != "directory":
        return False
    return _attributes_in_place(
        directory, state, RENDERED_DIRECTORY_MODE if rendering else directory["mode"], rendering
    )


def file_in_place(item: dict, state: dict, rendering: bool) -> bool:
    """Whether the copy action would leave this file as it is: a regular file there with the
    layout's content (its SHA-1, as copy compares), owner, group and mode. A seed is in place
    wherever a regular file is: the copy never replaces or touches one (force off)."""
    if not state["exists"] or state["type"] != "file":
        return False
    if not rendering and item.get("seed"):
        return True
    if not isinstance(item["content"], str):
        return False
    if state.get("checksum") != hashlib.sha1(item["content"].encode("utf-8"), usedforsecurity=False).hexdigest():
        return False
    return _attributes_in_place(item, state, RENDERED_FILE_MODE if rendering else item["mode"], rendering)


def _as_list(diff) -> list:
    if diff is None:
        return []
    return diff if isinstance(diff, list) else [diff]
