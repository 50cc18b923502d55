# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options shared by the Seerr modules."""

from __future__ import annotations


class ModuleDocFragment:
    """Documentation fragments of newmedia.mediastack's Seerr modules."""

    # Where Seerr is and its API key.
    DOCUMENTATION = r"""
options:
  url:
    description: Base URL of Seerr (or Jellyseerr), for example C(http://seerr:5055); the API is under C(/api/v1).
    type: str
    required: true
  api_key:
    description: Seerr's API key (sent as C(X-Api-Key)), the one the deploy seeds through the container's C(API_KEY).
    type: str
    required: true
"""
