# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options shared by the filters that read the plan."""

from __future__ import annotations


class ModuleDocFragment:
    """Documentation fragments of newmedia.mediastack."""

    # The plan as a filter's input.
    DOCUMENTATION = r"""
options:
  _input:
    description: The plan, from the C(newmedia.mediastack.plan) filter.
    type: dict
    required: true
"""

    # Rendering one host of the plan.
    HOST = r"""
options:
  host:
    description: The inventory name of the host.
    type: str
    required: true
"""
