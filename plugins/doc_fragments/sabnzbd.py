# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options shared by the SABnzbd modules."""

from __future__ import annotations


class ModuleDocFragment:
    """Documentation fragments of newmedia.mediastack's SABnzbd modules."""

    # Where SABnzbd is, its API key, and how long to wait for it.
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
      - Seconds to wait for SABnzbd to answer before giving up. The first try is at once, the next
        come two seconds apart, and none starts after this many seconds; C(0) tries once.
        Refused credentials fail at once.
    type: int
    default: 120
"""
