# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: catalog
short_description: The collection's service catalog, checked and with defaults filled in
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Reads every service definition shipped with the collection (C(catalog/services/<name>.yml)),
    checks each against the catalog's shape (pinned versions, unique address slots, known layers
    and segments) and returns them as one mapping of service name to definition.
  - With terms, returns only the named services, in the order given.
  - Each entry's C(deprecated) field, when set, says why its upstream is retired or renamed. Today
    these entries carry one.
  - C(readarr) keeps its name, but runs Bookshelf (C(ghcr.io/pennydreadful/bookshelf)), the fork
    of Readarr that speaks Readarr's v1 API; Readarr was retired upstream and LinuxServer.io removed
    its Readarr image in January 2026. Bookshelf's hardcover build cannot open an old Readarr
    database.
  - C(crowdsec-bouncer) is gone, since its forward-auth container is unmaintained upstream; Traefik
    loads CrowdSec's maintained bouncer plugin (maxlerebourg/crowdsec-bouncer-traefik-plugin,
    pinned) instead. The planner refuses C(mediastack_services.crowdsec-bouncer).
  - C(promtail) is gone, since Promtail reached end of life upstream on 2026-03-02; Grafana Alloy
    (C(alloy)) ships the logs to Loki instead. The planner refuses C(mediastack_services.promtail)
    and says to use C(alloy).
  - C(overseerr) is gone, since Overseerr is archived upstream; Seerr takes requests with Plex as
    without it. The planner refuses C(mediastack_services.overseerr) and says to use C(seerr).
options:
  _terms:
    description: Service names; none returns the whole catalog.
    type: list
    elements: str
    required: false
"""

EXAMPLES = r"""
- name: Show the pinned image of every service
  ansible.builtin.debug:
    msg: "{{ item.key }}: {{ item.value.image }}:{{ item.value.version }}"
  loop: "{{ lookup('newmedia.mediastack.catalog') | dict2items }}"

- name: Read two definitions
  ansible.builtin.debug:
    msg: "{{ query('newmedia.mediastack.catalog', 'sonarr', 'radarr') | map(attribute='port') }}"
"""

RETURN = r"""
_raw:
  description:
    - Without terms, one mapping of service name to its definition.
    - With terms, the definitions of the named services.
  type: list
  elements: dict
"""

from pathlib import Path

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import (
    CatalogError,
    load_catalog,
)

CATALOG_DIR = Path(__file__).resolve().parents[2] / "catalog" / "services"


class LookupModule(LookupBase):
    """Return the service catalog."""

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        try:
            catalog = load_catalog(CATALOG_DIR)
        except CatalogError as error:
            raise AnsibleLookupError(f"catalog: {error}") from error
        if not terms:
            return [catalog]
        unknown = [term for term in terms if term not in catalog]
        if unknown:
            raise AnsibleLookupError(
                f"catalog: unknown service(s) {', '.join(unknown)}. Use names from {', '.join(sorted(catalog))}"
            )
        return [catalog[term] for term in terms]
