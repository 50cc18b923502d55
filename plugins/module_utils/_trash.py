# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""TRaSH Guides JSON (``docs/json/{sonarr,radarr}/``) as the Servarr API wants it. Pure functions.

Custom formats (``cf/*.json``) are the API object plus ``trash_*`` keys, with each
specification's ``fields`` a mapping ``{name: value}``; the API wants ``[{name, value}]``.

Quality profiles (``quality-profiles/*.json``) name qualities, the cutoff and custom formats
instead of giving ids: ``items`` is in display order (best first, as the apps' UI shows it) and
a group lists its qualities by name; ``formatItems`` maps a custom format's name to its
``trash_id``; each custom format's score comes from its ``trash_scores`` (the profile's
``trash_score_set``, else ``default``). The API wants ``items`` worst first with every quality of
the app present, ids for the cutoff and qualities, and a ``formatItems`` entry (format id, score)
for every custom format the app has.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from ansible_collections.newmedia.mediastack.plugins.module_utils._servarr import fields_to_dict, fields_to_list

#: Ids the apps give quality groups start here (single qualities keep their quality id).
GROUP_ID_BASE = 1000


class TrashError(ValueError):
    """The definition cannot be applied; the message names the option (and the key in it)."""


class Catalog(NamedTuple):
    """What the app has: its name, ``GET qualityprofile/schema``, custom format ids by name, languages."""

    app: str
    schema: Mapping
    formats: Mapping
    #: language name -> API language object (Radarr), None elsewhere
    languages: Mapping | None = None


class Scoring(NamedTuple):
    """Where scores come from: TRaSH custom formats (``trash_scores``), the score set, overrides."""

    custom_formats: Sequence = ()
    score_set: str | None = None
    #: score by custom format name or trash_id; wins over ``trash_scores``
    scores: Mapping | None = None


# --- custom formats ----------------------------------------------------------------------------


def custom_format_body(definition: Mapping, name: str | None = None, variable: str = "definition") -> dict:
    """The API body for a TRaSH custom format (``trash_*`` keys dropped, fields as a list)."""
    if not isinstance(definition, Mapping):
        raise TrashError(
            f"`{variable}` must be a mapping (a TRaSH custom format JSON), not {type(definition).__name__}"
        )
    title = name or definition.get("name")
    if not title:
        raise TrashError(f"`{variable}` has no name; give `name`")
    specifications = definition.get("specifications")
    if not isinstance(specifications, list) or not specifications:
        raise TrashError(f"`{variable}.specifications` must be a non-empty list")
    body = {
        "name": title,
        "includeCustomFormatWhenRenaming": bool(definition.get("includeCustomFormatWhenRenaming", False)),
        "specifications": [],
    }
    for index, spec in enumerate(specifications):
        where = f"{variable}.specifications[{index}]"
        if not isinstance(spec, Mapping) or not spec.get("name") or not spec.get("implementation"):
            raise TrashError(f"`{where}` needs a name and an implementation")
        fields = spec.get("fields", {})
        if isinstance(fields, Mapping):
            fields = fields_to_list(fields)
        elif not isinstance(fields, list):
            raise TrashError(f"`{where}.fields` must be a mapping of field name to value")
        body["specifications"].append(
            {
                "name": spec["name"],
                "implementation": spec["implementation"],
                "negate": bool(spec.get("negate", False)),
                "required": bool(spec.get("required", False)),
                "fields": [{"name": field["name"], "value": field.get("value")} for field in fields],
            }
        )
    return body


def custom_format_view(obj: Mapping) -> dict:
    """A custom format as compared and shown: specifications with fields as a mapping."""
    return {
        "name": obj.get("name"),
        "includeCustomFormatWhenRenaming": bool(obj.get("includeCustomFormatWhenRenaming")),
        "specifications": [
            {
                "name": spec.get("name"),
                "implementation": spec.get("implementation"),
                "negate": bool(spec.get("negate")),
                "required": bool(spec.get("required")),
                "fields": fields_to_dict(spec.get("fields")),
            }
            for spec in obj.get("specifications") or []
        ],
    }


def fill_specifications(body: Mapping, current: Mapping | None) -> dict:
    """``body`` with each specification's fields completed from the same specification of ``current``.

    The apps answer every field of a specification; a definition names only some. Fields it leaves
    out keep the app's value, so only a real difference shows as a change.
    """
    result = copy.deepcopy(dict(body))
    if not current:
        return result
    existing = {(spec.get("name"), spec.get("implementation")): spec for spec in current.get("specifications") or []}
    for spec in result["specifications"]:
        match = existing.get((spec["name"], spec["implementation"]))
        if match is None:
            continue
        values = fields_to_dict(match.get("fields"))
        values.update(fields_to_dict(spec["fields"]))
        spec["fields"] = fields_to_list(values)
    return result


def score(definition: Mapping, score_set: str | None) -> int | None:
    """The score a TRaSH custom format carries for ``score_set`` (else ``default``; None without scores)."""
    scores = definition.get("trash_scores") or {}
    if score_set and score_set in scores:
        return int(scores[score_set])
    if "default" in scores:
        return int(scores["default"])
    return 0 if "trash_id" in definition else None


# --- quality profiles --------------------------------------------------------------------------


def flatten_qualities(items) -> dict:
    """``{quality name: quality object}`` for every quality in an API item tree."""
    found = {}
    for item in items or []:
        if item.get("quality"):
            found[item["quality"]["name"]] = item["quality"]
        found.update(flatten_qualities(item.get("items")))
    return found


def quality_profile_body(
    definition: Mapping,
    catalog: Catalog,
    scoring: Scoring | None = None,
    name: str | None = None,
    variable="definition",
) -> dict:
    """The API body for a TRaSH quality profile.

    ``catalog`` says what the app has (every quality in its profile schema, every key its profiles
    have, its custom formats and languages); ``scoring`` where scores come from. Raises TrashError
    naming the option when something named is not in the app.
    """
    if not isinstance(definition, Mapping):
        raise TrashError(f"`{variable}` must be a mapping (a TRaSH quality profile JSON)")
    app, schema = catalog.app, catalog.schema
    body = copy.deepcopy(dict(schema))
    body.pop("id", None)
    body["name"] = name or definition.get("name")
    if not body["name"]:
        raise TrashError(f"`{variable}` has no name; give `name`")
    for key in ("upgradeAllowed", "minFormatScore", "cutoffFormatScore", "minUpgradeFormatScore"):
        if key in definition:
            if key not in schema:
                raise TrashError(f"`{variable}.{key}` is not a setting of {app} quality profiles")
            body[key] = definition[key]

    display, ids = _items(definition.get("items"), flatten_qualities(schema.get("items")), app, variable)
    body["items"] = display[::-1]
    body["cutoff"] = _cutoff(definition.get("cutoff"), display, ids, variable)

    if "language" in definition:
        if "language" not in schema:
            raise TrashError(f"`{variable}.language` is a Radarr setting; {app} quality profiles have no language")
        wanted = str(definition["language"])
        languages = catalog.languages or {}
        match = {key.lower(): value for key, value in languages.items()}.get(wanted.lower())
        if match is None:
            have = ", ".join(sorted(languages)) or "none"
            raise TrashError(f'language "{wanted}" in `{variable}.language` is not a {app} language (it has: {have})')
        body["language"] = {"id": match["id"], "name": match["name"]}

    scoring = scoring or Scoring()
    score_set = scoring.score_set or definition.get("trash_score_set")
    body["formatItems"] = _format_items(definition.get("formatItems") or {}, catalog, scoring, score_set, variable)
    return body


def _items(entries, qualities: Mapping, app: str, variable: str):
    """``(display-ordered API items, {item name: id})``; qualities left out follow, not allowed."""
    if not isinstance(entries, list) or not entries:
        raise TrashError(f"`{variable}.items` must list the qualities, best first")
    display, ids, used = [], {}, set()

    def quality(name, where):
        if name not in qualities:
            raise TrashError(
                f'quality "{name}" in `{where}` is not a {app} quality (it has: {", ".join(sorted(qualities))})'
            )
        if name in used:
            raise TrashError(f'quality "{name}" appears twice in `{variable}.items`')
        used.add(name)
        return copy.deepcopy(qualities[name])

    for index, entry in enumerate(entries):
        where = f"{variable}.items[{index}]"
        allowed = bool(entry.get("allowed", False))
        members = entry.get("items")
        if members:
            group_id = GROUP_ID_BASE + sum(1 for item in display if "id" in item)
            group = {"id": group_id, "name": entry["name"], "allowed": allowed, "items": []}
            for member in reversed(members):
                group["items"].append({"quality": quality(member, f"{where}.items"), "items": [], "allowed": allowed})
            display.append(group)
            ids[entry["name"]] = group_id
        else:
            item = {"quality": quality(entry["name"], where), "items": [], "allowed": allowed}
            display.append(item)
            ids[entry["name"]] = item["quality"]["id"]
    rest = [name for name in reversed(list(qualities)) if name not in used]  # the app lists them worst first
    display += [{"quality": copy.deepcopy(qualities[name]), "items": [], "allowed": False} for name in rest]
    return display, ids


def _cutoff(cutoff, display, ids: Mapping, variable: str) -> int:
    allowed = [item for item in display if item["allowed"]]
    if not allowed:
        raise TrashError(f"`{variable}.items` allows no quality; allow at least one")
    if cutoff is None:
        first = allowed[0]
        return first["id"] if "id" in first else first["quality"]["id"]
    if cutoff not in ids:
        raise TrashError(f'cutoff "{cutoff}" in `{variable}.cutoff` is not an item of `{variable}.items`')
    ident = ids[cutoff]
    if not any((item.get("id") or item["quality"]["id"]) == ident for item in allowed):
        raise TrashError(f'cutoff "{cutoff}" in `{variable}.cutoff` is not allowed in `{variable}.items`')
    return ident


def _format_items(wanted, catalog: Catalog, scoring: Scoring, score_set, variable: str) -> list:
    """One entry per custom format of the app: the profile's score, 0 for the others."""
    formats, custom_formats, overrides = catalog.formats, scoring.custom_formats, scoring.scores or {}
    by_trash_id = {}
    for index, definition in enumerate(custom_formats or []):
        if not isinstance(definition, Mapping) or not definition.get("name"):
            raise TrashError(f"`custom_formats[{index}]` must be a TRaSH custom format JSON with a name")
        if definition.get("trash_id"):
            by_trash_id[definition["trash_id"]] = definition
    by_name = {definition["name"]: definition for definition in custom_formats or []}
    lowered = {key.lower(): key for key in formats}

    def resolve(name, trash_id, where):
        candidates = [name]
        if trash_id in by_trash_id:
            candidates.append(by_trash_id[trash_id]["name"])
        for candidate in candidates:
            if candidate in formats:
                return candidate
            if str(candidate).lower() in lowered:
                return lowered[str(candidate).lower()]
        raise TrashError(
            f'custom format "{name}" named in `{where}` does not exist in {catalog.app}. Create it first with '
            "newmedia.mediastack.servarr_custom_format"
        )

    scores = dict.fromkeys(formats, 0)
    if not isinstance(wanted, Mapping):
        raise TrashError(f"`{variable}.formatItems` must map custom format names to trash_ids")
    for cf_name, trash_id in wanted.items():
        found = resolve(cf_name, trash_id, f"{variable}.formatItems")
        definition = by_trash_id.get(trash_id) or by_name.get(cf_name)
        value = score(definition, score_set) if definition is not None else None
        if value is None and cf_name not in overrides and trash_id not in overrides:
            raise TrashError(
                f'no score for custom format "{cf_name}" in `{variable}.formatItems`: give its TRaSH JSON in '
                "`custom_formats` or a score in `scores`"
            )
        scores[found] = value or 0
    for key, value in overrides.items():
        name = by_trash_id[key]["name"] if key in by_trash_id else key
        scores[resolve(name, key, "scores")] = int(value)
    return [{"format": formats[name], "name": name, "score": value} for name, value in sorted(scores.items())]


def quality_profile_view(profile: Mapping, format_names: Mapping) -> dict:
    """A quality profile as compared and shown: names instead of ids, items best first."""
    display = list(reversed(profile.get("items") or []))
    view = {"name": profile.get("name")}
    for key in ("upgradeAllowed", "minFormatScore", "cutoffFormatScore", "minUpgradeFormatScore"):
        if key in profile:
            view[key] = profile[key]
    cutoff = profile.get("cutoff")
    view["cutoff"] = next(
        (_item_name(item) for item in display if (item.get("id") or (item.get("quality") or {}).get("id")) == cutoff),
        cutoff,
    )
    if "language" in profile:
        view["language"] = (profile.get("language") or {}).get("name")
    view["items"] = [_item_view(item) for item in display]
    view["formatItems"] = {
        format_names.get(entry.get("format"), entry.get("name") or f"#{entry.get('format')}"): entry.get("score", 0)
        for entry in profile.get("formatItems") or []
    }
    return view


def _item_name(item: Mapping) -> str:
    return item.get("name") if item.get("items") else (item.get("quality") or {}).get("name", item.get("name"))


def _item_view(item: Mapping) -> dict:
    view = {"name": _item_name(item), "allowed": bool(item.get("allowed"))}
    if item.get("items"):
        view["items"] = [_item_name(member) for member in reversed(item["items"])]
    return view
