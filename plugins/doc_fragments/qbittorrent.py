# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options shared by the qBittorrent modules."""

from __future__ import annotations


class ModuleDocFragment:
    """Documentation fragments of newmedia.mediastack's qBittorrent modules."""

    # Where the WebUI is, how to sign in, and how long to wait for it.
    DOCUMENTATION = r"""
options:
  url:
    description: Base URL of qBittorrent's WebUI, for example C(http://gluetun:8080).
    type: str
    required: true
  username:
    description: WebUI user name.
    type: str
    default: admin
  password:
    description: WebUI password (the one seeded into C(qBittorrent.conf)).
    type: str
    required: true
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
      - Seconds to wait for the WebUI to answer before giving up. The first try is at once, the next
        come two seconds apart, and none starts after this many seconds; C(0) tries once.
        Refused credentials fail at once.
    type: int
    default: 120
"""
