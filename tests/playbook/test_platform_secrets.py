"""The platform_secrets action run by ansible-playbook: secrets generated once, kept vaulted, never
printed, nothing written in check mode, and a clear failure without the vault password."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run_secrets(tmp_path: Path, store: Path, *extra: str) -> subprocess.CompletedProcess:
    playbook = tmp_path / "play.yml"
    playbook.write_text(
        yaml.safe_dump(
            [
                {
                    "name": "Generate secrets",
                    "hosts": "localhost",
                    "gather_facts": False,
                    "tasks": [
                        {
                            "name": "Generate the secrets",
                            "newmedia.mediastack.platform_secrets": {"path": str(store), "names": ["a.x", "b.y"]},
                            "register": "result",
                            "no_log": True,
                        },
                        {
                            "name": "Show what was added and whether it is vaulted, never values",
                            "ansible.builtin.debug": {
                                "msg": "added={{ result.added }} encrypted={{ result.encrypted }}"
                            },
                        },
                    ],
                }
            ]
        ),
        encoding="utf-8",
    )
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_COLLECTIONS_PATH=str(ROOT / "collections"))
    return subprocess.run(
        [str(BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local", str(playbook), *extra],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


@pytest.fixture(name="vault_password")
def fixture_vault_password(tmp_path):
    path = tmp_path / "vault-pass"
    path.write_text("correct horse battery staple\n", encoding="utf-8")
    return path


def test_secrets_are_generated_once_vaulted_and_never_printed(tmp_path, vault_password):
    store = tmp_path / "secrets.vault.yml"
    first = run_secrets(tmp_path, store, "--vault-password-file", str(vault_password))
    assert first.returncode == 0, first.stdout + first.stderr
    assert "added=['a.x', 'b.y'] encrypted=True" in first.stdout
    assert "changed=1" in first.stdout
    text = store.read_text(encoding="utf-8")
    assert text.startswith("$ANSIBLE_VAULT;1.1;AES256")
    assert oct(store.stat().st_mode & 0o777) == "0o600"
    view = subprocess.run(
        [str(BIN / "ansible-vault"), "view", "--vault-password-file", str(vault_password), str(store)],
        capture_output=True,
        text=True,
        check=True,
    )
    values = yaml.safe_load(view.stdout)
    assert sorted(values) == ["a.x", "b.y"]
    for value in values.values():
        assert value not in first.stdout + first.stderr
    second = run_secrets(tmp_path, store, "--vault-password-file", str(vault_password))
    assert "added=[] encrypted=True" in second.stdout
    assert "changed=0" in second.stdout
    assert store.read_text(encoding="utf-8") == text


def test_check_mode_writes_nothing(tmp_path):
    store = tmp_path / "secrets.yml"
    result = run_secrets(tmp_path, store, "--check")
    assert result.returncode == 0, result.stdout
    assert "changed=1" in result.stdout
    assert not store.exists()


def test_a_vaulted_store_without_a_password_fails_clearly(tmp_path, vault_password):
    store = tmp_path / "secrets.vault.yml"
    assert run_secrets(tmp_path, store, "--vault-password-file", str(vault_password)).returncode == 0
    result = run_secrets(tmp_path, store)
    assert result.returncode != 0
    assert "it is vault-encrypted and no vault password is loaded" in result.stdout
