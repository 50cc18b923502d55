# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options shared by the Jellyfin modules."""

from __future__ import annotations


class ModuleDocFragment:
    """Documentation fragments of newmedia.mediastack's Jellyfin modules."""

    # Where Jellyfin is and how long to wait for it.
    DOCUMENTATION = r"""
options:
  url:
    description: Base URL of Jellyfin, for example C(http://jellyfin:8096).
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
      - Seconds to wait for Jellyfin to answer before giving up. The first try is at once, the next
        come two seconds apart, and none starts after this many seconds; C(0) tries once.
        Refused credentials fail at once.
    type: int
    default: 120
"""

    # An API key, or an admin's user name and password.
    CREDENTIALS = r"""
options:
  api_key:
    description:
      - An API key (see M(newmedia.mediastack.jellyfin_api_key)), sent as C(Token) in the
        C(Authorization) header.
      - Give either O(api_key), or O(username) and O(password) of an admin.
    type: str
  username:
    description: An admin user to sign in as (C(POST /Users/AuthenticateByName)) when no O(api_key) is given.
    type: str
  password:
    description: The password of O(username).
    type: str
"""
