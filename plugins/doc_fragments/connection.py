# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options every module that talks to an app shares (besides its O(url))."""

from __future__ import annotations


class ModuleDocFragment:
    """How newmedia.mediastack's API modules connect, and how long they wait (module_utils/_api.py)."""

    DOCUMENTATION = r"""
options:
  validate_certs:
    description: Verify the TLS certificate when O(url) uses HTTPS.
    type: bool
    default: true
  timeout:
    description: Seconds to wait for each answer.
    type: int
    default: 30
  ready_timeout:
    description:
      - Seconds to wait for the application at O(url) to answer before giving up (each family
        asks its status endpoint, which answers before the app takes requests). The first try is
        at once, the next come two seconds apart, and none starts after this many seconds; C(0)
        tries once. Refused credentials fail at once.
    type: int
    default: 120
"""
