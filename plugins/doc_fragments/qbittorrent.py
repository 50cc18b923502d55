# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options shared by the qBittorrent modules."""

from __future__ import annotations


class ModuleDocFragment:
    """Documentation fragments of newmedia.mediastack's qBittorrent modules."""

    # Where the WebUI is and how to sign in.
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
"""
