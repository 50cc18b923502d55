# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side of newmedia.mediastack.platform_secrets (documented in plugins/modules)."""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.newmedia.mediastack.plugins.module_utils._controller import PLATFORM_SECRETS_SPEC
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._secrets import complete
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._store import (
    StoreError,
    read_store,
    vault_of,
    write_store,
)


class ActionModule(ActionBase):
    """Read, complete and write the secrets store on the controller."""

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        _validation, args = self.validate_argument_spec(argument_spec=PLATFORM_SECRETS_SPEC)
        path = args["path"]
        vault = vault_of(self._loader)
        try:
            store = read_store(path, vault)
        except StoreError as error:
            raise AnsibleActionFail(str(error)) from None
        completed, added = complete(store, args["names"], args["length"])
        encrypted = bool(vault.secrets)
        if added and not self._task.check_mode:
            write_store(path, completed, vault)
        if added and not encrypted:
            self._display.warning(
                f"The secrets store {path} is written unencrypted (mode 0600): no vault password is loaded. "
                "Pass --vault-password-file to keep it vaulted."
            )
        result.update(
            changed=bool(added),
            added=added,
            encrypted=encrypted,
            diff={"before": {"names": sorted(store)}, "after": {"names": sorted(completed)}},
        )
        return result
