# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The argument specs of the modules whose action plugin does the work on the controller.

The action validates its arguments with the spec, and the module of the same name (which only
answers when it is sent to a host on its own) declares the same one, so the two cannot drift.
"""

from __future__ import annotations

#: Length of generated secret values (letters and digits).
DEFAULT_SECRET_LENGTH = 48

PLATFORM_SECRETS_SPEC = {
    "path": {"type": "path", "required": True},
    "names": {"type": "list", "elements": "str", "required": True},
    "length": {"type": "int", "default": DEFAULT_SECRET_LENGTH, "no_log": False},
}
PLATFORM_FILES_SPEC = {
    "plan": {"type": "dict", "required": True},
    "secrets": {"type": "dict", "default": {}, "no_log": True},
    "host": {"type": "str", "required": True},
    "secrets_path": {"type": "path"},
    "render_dir": {"type": "path"},
}
PLATFORM_FILES_EXCLUSIVE = [("secrets_path", "render_dir")]


def run_elsewhere(module, name: str) -> None:
    """What the module does when it reaches a host without its action plugin: fail, saying so."""
    module.fail_json(msg=f"newmedia.mediastack.{name} runs on the controller through its action plugin.")
