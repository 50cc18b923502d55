# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every file one host carries, from the registry of renderings.

A rendering is one module of ``_renderings`` that says which platform role the service it
configures plays (``SERVES``, a catalog ``platform``; None for something every host carries), the
paths it emits (``EMITS``, globs where ``*`` is one path segment and ``**`` any number), and
``files(plan, host)``, the documents by path; it may also name empty folders (``folders``). The plan
is all they read: it carries each service's facts, the settings and the files read on the controller
(``_plan``). None of them reads or writes anything, so the same inventory always renders
byte-identical files. Secrets never enter these files: services read them from per-service
environment files, and Homepage from its own ``HOMEPAGE_VAR_*`` variables.

Adding a rendering is adding its module and its place in RENDERINGS.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import played_by
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings import (
    alertmanager,
    alloy,
    authelia,
    compose,
    crowdsec,
    grafana,
    haproxy,
    homepage,
    prometheus,
    traefik,
)

#: Every rendering, in the order host_files asks them.
RENDERINGS: tuple[ModuleType, ...] = (
    compose,
    traefik,
    authelia,
    homepage,
    haproxy,
    crowdsec,
    prometheus,
    alertmanager,
    alloy,
    grafana,
)


def renderings_for(plan: Mapping, host: str) -> list[ModuleType]:
    """The renderings whose files ``host`` carries: those for every host, and those serving the
    role of a service the plan places there (the plan says who plays it)."""
    if host not in plan["hosts"]:
        return []
    placed = {name for name, service in plan["services"].items() if service["host"] == host}
    return [
        rendering for rendering in RENDERINGS if rendering.SERVES is None or played_by(plan, rendering.SERVES) in placed
    ]


def host_files(plan: Mapping, host: str) -> dict[str, object]:
    """Every generated file of one host, as relative path -> document (YAML; a string is written as is).

    The folder after ``config/`` is a folder of the configuration root: a service's config
    folder, or ``<service>-<source>`` for a relative volume of that service. Two renderings
    emitting one path is a ValueError naming both.
    """
    files: dict[str, object] = {}
    owners: dict[str, str] = {}
    for rendering in renderings_for(plan, host):
        name = rendering.__name__.rsplit(".", 1)[-1]
        for path, document in rendering.files(plan, host).items():
            if path in owners:
                raise ValueError(f"the {owners[path]} and {name} renderings both emit {path}")
            owners[path] = name
            files[path] = document
    return dict(sorted(files.items()))


def host_folders(plan: Mapping, host: str) -> list[str]:
    """Folders the images of ``host`` expect to find in a mounted folder, which hold no rendered
    file: as ``config/<folder>/<path>``, like the paths of ``host_files``."""
    folders = []
    for rendering in renderings_for(plan, host):
        if hasattr(rendering, "folders"):
            folders += rendering.folders(plan, host)
    return folders
