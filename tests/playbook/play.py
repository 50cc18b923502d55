"""Run a play as a user would: ansible-playbook on localhost, with this checkout as the collection."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ENV = {**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(ROOT / "collections"), "ANSIBLE_NOCOLOR": "1"}


def run_local_play(folder: Path, playbook: str = "play.yml") -> subprocess.CompletedProcess:
    """Run ``folder/playbook`` against localhost over the local connection; the result, not checked."""
    return subprocess.run(
        [
            str(BIN / "ansible-playbook"),
            "-i",
            "localhost,",
            "-c",
            "local",
            "-e",
            f"ansible_python_interpreter={sys.executable}",
            playbook,
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env=ENV,
    )
