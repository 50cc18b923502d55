# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The secrets store on the controller: a (vaulted) YAML mapping of ``service.name`` to value.

Read where its values are used, and only there: the platform_secrets action completes it, the
platform_files action writes the files that carry the values, and the platform_secrets lookup
hands them to the module arguments that need them (API keys, passwords), so no value travels
through a task's result or a registered variable.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml
from ansible.parsing.vault import VaultLib, is_encrypted


class StoreError(ValueError):
    """The store cannot be read; the message names the file and what to do."""


def vault_of(loader) -> VaultLib:
    """The vault with the passwords this run loaded (none: the store is plain YAML)."""
    return VaultLib(secrets=list(loader._vault.secrets or []))


def read_store(path: str, vault: VaultLib) -> dict:
    """The store's values; {} when the file does not exist yet."""
    if not Path(path).exists():
        return {}
    data = Path(path).read_bytes()
    if is_encrypted(data):
        if not vault.secrets:
            raise StoreError(
                f"Cannot read the secrets store {path}: it is vault-encrypted and no vault password is loaded. "
                "Pass --vault-password-file or --ask-vault-pass."
            )
        data = vault.decrypt(data)
    store = yaml.safe_load(data) or {}
    if not isinstance(store, dict):
        raise StoreError(
            f"Cannot read the secrets store {path}: it is not a mapping of name to value. Fix or remove it."
        )
    return {str(key): str(value) for key, value in store.items()}


def write_store(path: str, store: dict, vault: VaultLib) -> None:
    """Replace the store at once (mode 0600), encrypted when a vault password is loaded."""
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


#: What a secret the store does not hold yet reads as in check mode, where nothing is generated.
NOT_YET = "not-generated-in-check-mode"


def needed(store: dict, names: list[str], path: str, check_mode: bool) -> dict:
    """The store, holding every one of ``names``: in check mode a missing one reads as NOT_YET
    (the run changes nothing, so nothing is generated); otherwise a missing one is an error."""
    missing = [name for name in names if name not in store]
    if missing and not check_mode:
        raise StoreError(
            f"The secrets store {path} holds no {', '.join(missing)}: run newmedia.mediastack.platform_secrets "
            "with these names first (the stack and configure roles do)."
        )
    return {**store, **dict.fromkeys(missing, NOT_YET)}
