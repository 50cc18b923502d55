"""The platform_secrets action and lookup run by ansible-playbook: secrets generated once, kept
vaulted, never in the action's result (printed whole here, without no_log) nor in the output,
read by the lookup where a task needs them, nothing written in check mode, and a clear failure
without the vault password."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
INTERPRETER = ("-e", f"ansible_python_interpreter={sys.executable}")


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
                        },
                        {
                            "name": "Show what was added and whether it is vaulted, never values",
                            "ansible.builtin.debug": {
                                "msg": "added={{ result.added }} encrypted={{ result.encrypted }}"
                            },
                        },
                        {"name": "Show the whole result", "ansible.builtin.debug": {"var": "result"}},
                        {
                            "name": "Hand one value to a task, as a module option is given one",
                            "ansible.builtin.copy": {
                                "content": "{{ lookup('newmedia.mediastack.platform_secrets', 'a.x', path=store) }}",
                                "dest": str(tmp_path / "used.txt"),
                            },
                            "vars": {"store": str(store)},
                            "no_log": True,
                        },
                    ],
                }
            ]
        ),
        encoding="utf-8",
    )
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_COLLECTIONS_PATH=str(ROOT / "collections"))
    return subprocess.run(
        [str(BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local", *INTERPRETER, str(playbook), *extra],
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
    assert "changed=2" in first.stdout  # the store, and the file the lookup's value went into
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
    assert "'secrets'" not in first.stdout and '"secrets"' not in first.stdout
    assert (tmp_path / "used.txt").read_text(encoding="utf-8") == values["a.x"]
    second = run_secrets(tmp_path, store, "--vault-password-file", str(vault_password))
    assert "added=[] encrypted=True" in second.stdout
    assert "changed=0" in second.stdout
    assert store.read_text(encoding="utf-8") == text


def test_check_mode_writes_nothing_and_the_lookup_reads_a_placeholder(tmp_path):
    store = tmp_path / "secrets.yml"
    result = run_secrets(tmp_path, store, "--check")
    assert result.returncode == 0, result.stdout
    assert "changed=2" in result.stdout  # the generation, and the copy check mode does not make
    assert not store.exists()
    assert not (tmp_path / "used.txt").exists()


def test_the_lookup_refuses_a_name_the_store_lacks(tmp_path):
    store = tmp_path / "secrets.yml"
    store.write_text("b.y: only-this\n", encoding="utf-8")
    (tmp_path / "play.yml").write_text(
        yaml.safe_dump(
            [
                {
                    "hosts": "localhost",
                    "gather_facts": False,
                    "tasks": [
                        {
                            "name": "Read a secret nobody generated",
                            "ansible.builtin.debug": {
                                "msg": "{{ lookup('newmedia.mediastack.platform_secrets', 'a.x', path='"
                                + str(store)
                                + "') }}"
                            },
                        }
                    ],
                }
            ]
        ),
        encoding="utf-8",
    )
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_COLLECTIONS_PATH=str(ROOT / "collections"))
    result = subprocess.run(
        [str(BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local", str(tmp_path / "play.yml")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert result.returncode != 0
    assert f"The secrets store {store} holds no a.x: run newmedia.mediastack.platform_secrets" in result.stdout
    assert "only-this" not in result.stdout + result.stderr


def test_a_vaulted_store_without_a_password_fails_clearly(tmp_path, vault_password):
    store = tmp_path / "secrets.vault.yml"
    assert run_secrets(tmp_path, store, "--vault-password-file", str(vault_password)).returncode == 0
    result = run_secrets(tmp_path, store)
    assert result.returncode != 0
    assert "it is vault-encrypted and no vault password is loaded" in result.stdout
