# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options shared by the Jellyfin modules."""

from __future__ import annotations


class ModuleDocFragment:
    """Documentation fragments of newmedia.mediastack's Jellyfin modules."""

    # Where Jellyfin is (the connection options are in the connection fragment).
    DOCUMENTATION = r"""
options:
  url:
    description: Base URL of Jellyfin, for example C(http://jellyfin:8096).
    type: str
    required: true
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
