"""Offline-friendly stand-in for the pip bootstrap script that ``ansible-test`` downloads.

``ansible-test`` creates a virtual environment without pip for each sanity test and then runs a
bootstrap script with pip's install options (``pip==X --no-setuptools --no-wheel``). Its usual
source is not reachable from our machines; this script does the same job with the interpreter's
own ``ensurepip`` and then installs the requested pip from the package index.
"""

from __future__ import annotations

import subprocess
import sys

BOOTSTRAP_ONLY = {"--no-setuptools", "--no-wheel", "--no-cache-dir"}


def main() -> None:
    options = [arg for arg in sys.argv[1:] if arg not in BOOTSTRAP_ONLY]
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"])
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", *options])


if __name__ == "__main__":
    main()
