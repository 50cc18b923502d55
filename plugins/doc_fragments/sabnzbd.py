# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options shared by the SABnzbd modules."""

from __future__ import annotations


class ModuleDocFragment:
    """Documentation fragments of newmedia.mediastack's SABnzbd modules."""

    # Where SABnzbd is and its API key.
    DOCUMENTATION = r"""
options:
  url:
    description:
      - Base URL of SABnzbd, for example C(http://10.10.3.20:8085).
      - SABnzbd answers a host name only when it is in its C(host_whitelist) (an IP address, C(localhost)
        and names ending in C(.local) always); otherwise it answers HTTP 403 and the task fails saying so.
    type: str
    required: true
  api_key:
    description: SABnzbd's API key (the one seeded into C(sabnzbd.ini)).
    type: str
    required: true
"""
