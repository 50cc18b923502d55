# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options shared by the filters that read the plan and the catalog."""

from __future__ import annotations


class ModuleDocFragment:
    """Documentation fragments of newmedia.mediastack."""

    # The catalog, as every planner-side filter takes it.
    CATALOG = r"""
options:
  catalog:
    description: The catalog, from C(lookup('newmedia.mediastack.catalog')).
    type: dict
    required: true
"""

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
  settings:
    description:
      - Rendering settings, with keys C(puid), C(pgid), C(timezone), C(data_root), C(config_root),
        C(registry) (an image-registry override), C(acme), C(acme_ca_bundle), C(cookie_domain),
        C(users) and C(auth_groups).
    type: dict
    required: true
  host:
    description: The inventory name of the host.
    type: str
    required: true
"""
