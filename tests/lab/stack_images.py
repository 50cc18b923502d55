"""Print the service catalog as JSON for `lab.py stack-images`, with each image's lab reference.

    .venv/bin/python tests/lab/stack_images.py REGISTRY

The catalog is read with the collection's own loader (checked, defaults filled in) and every
reference is made by the collection's own `image_reference`, so the lab registry holds each image
under exactly the path a deploy with `mediastack_image_registry: REGISTRY` pulls. This helper
needs PyYAML, so it runs with the virtualenv's python; lab.py itself stays standard-library only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "collections"))

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import (  # noqa: E402
    CatalogError,
    load_catalog,
)
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.compose import image_reference  # noqa: E402


def lab_catalog(registry: str) -> dict[str, dict]:
    """Every catalog entry, plus `reference` (in the registry) and `path` (without host and tag)."""
    catalog = load_catalog(ROOT / "catalog" / "services")
    for entry in catalog.values():
        reference = image_reference(entry["image"], entry["version"], registry)
        entry["reference"] = reference
        entry["path"] = reference.removeprefix(f"{registry}/").removesuffix(f":{entry['version']}")
    return catalog


def main(argv: list[str]) -> int:
    """Write the catalog as JSON on stdout; a catalog error is one line on stderr."""
    if len(argv) != 1:
        print("usage: stack_images.py REGISTRY", file=sys.stderr)
        return 2
    try:
        catalog = lab_catalog(argv[0])
    except CatalogError as error:
        print(f"reading the service catalog failed: {error}", file=sys.stderr)
        return 1
    json.dump(catalog, sys.stdout, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
