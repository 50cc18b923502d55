# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Comparing what an application holds with what the task wants, secrets masked.

Pure functions on plain data. Only the keys a task names are compared (everything else is the
application's business); a secret that the application hides (answers as ``********``) or cannot
return is never compared unless the task asks to push secrets.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

MASK = "********"


def delta(current, wanted, secrets=(), update_secrets: bool = False, path: str = "") -> dict:
    """``{dotted.key: (current, wanted)}`` for every wanted key whose value differs.

    Mappings are compared key by key (only the wanted keys); anything else as a whole. A key in
    ``secrets`` (dotted path) is compared only when ``update_secrets`` is true.
    """
    changes: dict = {}
    if isinstance(wanted, Mapping) and isinstance(current, Mapping):
        for key, value in wanted.items():
            dotted = f"{path}.{key}" if path else str(key)
            if dotted in secrets and not update_secrets:
                continue
            changes.update(delta(current.get(key), value, secrets, update_secrets, dotted))
        return changes
    if current != wanted:
        changes[path] = (current, wanted)
    return changes


def merged(current, wanted):
    """``current`` with the wanted keys laid over it (mappings merged, anything else replaced)."""
    if isinstance(current, Mapping) and isinstance(wanted, Mapping):
        result = dict(current)
        for key, value in wanted.items():
            result[key] = merged(current.get(key), value)
        return result
    return copy.deepcopy(wanted)


def masked(data, secrets=(), path: str = ""):
    """A copy of ``data`` with every secret (dotted path) shown as ``********``."""
    if isinstance(data, Mapping):
        result = {}
        for key, value in data.items():
            dotted = f"{path}.{key}" if path else str(key)
            result[key] = MASK if dotted in secrets and value not in (None, "") else masked(value, secrets, dotted)
        return result
    if isinstance(data, list):
        return [masked(item, secrets, path) for item in data]
    return data


def diff(before, after, secrets=()) -> dict:
    """The ``diff`` return value for ``--diff``: before and after, secrets masked."""
    return {"before": masked(before, secrets), "after": masked(after, secrets)}
