# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CrowdSec's acquisition of Traefik's access log."""

from __future__ import annotations

from collections.abc import Mapping

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import played_by
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.traefik import ACCESS_LOG


def crowdsec_acquisition() -> dict:
    """``acquis.d/traefik.yaml``: CrowdSec tails Traefik's access log with the traefik parsers."""
    return {"filenames": [ACCESS_LOG], "labels": {"type": "traefik"}}


#: The platform role (catalog ``platform``) of the service whose files these are.
SERVES = "intrusion_detection"
EMITS = ("config/crowdsec/acquis.d/traefik.yaml",)


def files(plan: Mapping, host: str) -> dict[str, object]:
    """The acquisition of Traefik's access log, when the plan has a Traefik to read."""
    if played_by(plan, "entry_proxy") not in plan["services"]:
        return {}
    return {"config/crowdsec/acquis.d/traefik.yaml": crowdsec_acquisition()}
