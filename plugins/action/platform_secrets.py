# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side of newmedia.mediastack.platform_secrets (documented in plugins/modules)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml
from ansible.errors import AnsibleActionFail
from ansible.parsing.vault import VaultLib, is_encrypted
from ansible.plugins.action import ActionBase

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._secrets import DEFAULT_LENGTH, complete

ARGUMENT_SPEC = {
    "path": {"type": "path", "required": True},
    "names": {"type": "list", "elements": "str", "required": True},
    "length": {"type": "int", "default": DEFAULT_LENGTH},
}


class ActionModule(ActionBase):
    """Read, complete and write the secrets store on the controller."""

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        path = args["path"]
        vault = VaultLib(secrets=list(self._loader._vault.secrets or []))
        store = self._read(path, vault)
        completed, added = complete(store, args["names"], args["length"])
        encrypted = bool(vault.secrets)
        if added and not self._task.check_mode:
            self._write(path, completed, vault)
        if added and not encrypted:
            self._display.warning(
                f"The secrets store {path} is written unencrypted (mode 0600): no vault password is loaded. "
                "Pass --vault-password-file to keep it vaulted."
            )
        result.update(
            changed=bool(added),
            secrets=completed,
            added=added,
            encrypted=encrypted,
            diff={"before": {"names": sorted(store)}, "after": {"names": sorted(completed)}},
        )
        return result

    @staticmethod
    def _read(path, vault):
        if not Path(path).exists():
            return {}
        data = Path(path).read_bytes()
        if is_encrypted(data):
            if not vault.secrets:
                raise AnsibleActionFail(
                    f"Cannot read the secrets store {path}: it is vault-encrypted and no vault password is loaded. "
                    "Pass --vault-password-file or --ask-vault-pass."
                )
            data = vault.decrypt(data)
        store = yaml.safe_load(data) or {}
        if not isinstance(store, dict):
            raise AnsibleActionFail(
                f"Cannot read the secrets store {path}: it is not a mapping of name to value. Fix or remove it."
            )
        return store

    @staticmethod
    def _write(path, store, vault):
        text = yaml.safe_dump(store, default_flow_style=False, sort_keys=True)
        data = vault.encrypt(text) if vault.secrets else text.encode("utf-8")
        folder = Path(path).parent
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".secrets-")
        try:
            os.fchmod(handle, 0o600)
            os.write(handle, data)
        finally:
            os.close(handle)
        Path(temporary).replace(path)
