"""The Galaxy path: build the tarball, install it offline, and run the collection from the copy."""

from __future__ import annotations

import subprocess
import tarfile

import pytest

from .conftest import BIN, LAB_INVENTORY, ROOT, ansible_env, fresh_lab_host, recap, run_playbook, ssh

HOST = "lab2"
ADDRESS = "192.168.60.12"
KEPT_OUT = (".venv/", ".lab/", ".build/", ".git/", "collections/", ".pytest_cache/", ".ruff_cache/")


@pytest.fixture(scope="module", name="installed")
def fixture_installed(tmp_path_factory):
    """The collection built into a tarball and installed into an empty collections path."""
    workdir = tmp_path_factory.mktemp("galaxy")
    build = subprocess.run(
        [str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(workdir), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    (tarball,) = workdir.glob("newmedia-mediastack-*.tar.gz")
    collections = workdir / "collections"
    # --no-deps: the dependencies come with the ansible bundle; Galaxy is never asked.
    install = subprocess.run(
        [
            str(BIN / "ansible-galaxy"),
            "collection",
            "install",
            "--offline",
            "--no-deps",
            "-p",
            str(collections),
            str(tarball),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=workdir,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    return tarball, collections


def installed_env(collections) -> dict[str, str]:
    # Run from outside the checkout, so neither its ansible.cfg nor its collections link is used.
    env = ansible_env(ANSIBLE_COLLECTIONS_PATH=str(collections))
    env.pop("ANSIBLE_CONFIG", None)
    return env


def test_the_tarball_holds_the_collection_and_no_local_state(installed):
    tarball, _collections = installed
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    required = {"MANIFEST.json", "FILES.json", "roles/base/tasks/main.yml", "playbooks/site.yml"}
    assert required <= set(names)
    assert not [name for name in names if name.startswith(KEPT_OUT) or "__pycache__" in name]


def test_site_playbook_from_the_installed_copy_passes_syntax_check(installed, tmp_path):
    _tarball, collections = installed
    result = run_playbook(
        "-i",
        str(LAB_INVENTORY),
        "newmedia.mediastack.site",
        "--syntax-check",
        cwd=tmp_path,
        env=installed_env(collections),
    )
    assert result.returncode == 0
    listed = subprocess.run(
        [str(BIN / "ansible-galaxy"), "collection", "list", "newmedia.mediastack", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env=installed_env(collections),
    )
    assert str(collections / "ansible_collections") in listed.stdout


def test_a_role_from_the_installed_copy_really_runs(installed, tmp_path):
    _tarball, collections = installed
    playbook = tmp_path / "base.yml"
    playbook.write_text(
        "---\n- name: Apply the base role from the installed collection\n  hosts: lab2\n"
        "  roles:\n    - role: newmedia.mediastack.base\n",
        encoding="utf-8",
    )
    with fresh_lab_host(HOST):
        result = run_playbook("-i", str(LAB_INVENTORY), str(playbook), cwd=tmp_path, env=installed_env(collections))
        assert result.returncode == 0
        assert recap(result.stdout)[HOST]["changed"] > 0
        probe = ssh(ADDRESS, "stat -c %U /data/media/tv")
        assert probe.stdout.strip() == "media", probe.stderr
