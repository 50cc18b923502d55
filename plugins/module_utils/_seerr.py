# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Seerr's (and Jellyseerr's) HTTP API under ``/api/v1``: first-run setup with Jellyfin, and the
Sonarr and Radarr servers it sends requests to.

Every call carries ``X-Api-Key``; the key is seeded by the deploy through the container's
``API_KEY`` environment variable. Seerr maps the key to its first user, so on a fresh instance the
key is refused until somebody signed in: setup first signs in with the Jellyfin admin
(``POST /auth/jellyfin``), which creates that user and stores the Jellyfin server, and uses the
key from then on.

Reading, comparing and planning are pure functions; the ``ensure_*`` functions read, plan, and
write unless in check mode. Each returns the module's result.
"""

from __future__ import annotations

import posixpath
import time
import urllib.parse

from ansible_collections.newmedia.mediastack.plugins.module_utils._api import (
    ApiClient,
    ApiError,
    AppError,
    connection_spec,
)
from ansible_collections.newmedia.mediastack.plugins.module_utils._diff import MASK, delta, diff, masked, merged

APP = "Seerr"
JELLYFIN_SERVER_TYPE = 2
ARR_KINDS = {"sonarr": "Sonarr", "radarr": "Radarr"}
MAIN_OPTIONS = {
    "application_url": "applicationUrl",
    "application_title": "applicationTitle",
    "local_login": "localLogin",
}
KEY_HINT = "Check `api_key` (Seerr's key, mediastack_secrets['seerr.api_key'], the API_KEY the container starts with)"


class SeerrError(AppError):
    """A failure that retrying does not fix; the message is the whole story."""


def connection_options() -> dict:
    """The argument_spec entries the Seerr modules share."""
    return connection_spec(api_key={"type": "str", "required": True, "no_log": True})


def pause(seconds: float) -> None:
    """Sleep between readiness tries (looked up at call time, so tests can stub ``time.sleep``)."""
    time.sleep(seconds)


def status(client: ApiClient) -> dict:
    answer = client.get("status")
    if not isinstance(answer, dict):
        raise ApiError(f"Seerr answered GET /api/v1/status with something else than JSON: {answer!r:.80}", 0)
    return answer


def connect(params: dict) -> ApiClient:
    """A client for ``<url>/api/v1`` with the API key, once ``GET /status`` answers (bounded wait)."""
    base = params["url"].rstrip("/")
    client = ApiClient(
        APP,
        base + "/api/v1",
        {"X-Api-Key": params["api_key"]},
        timeout=params.get("timeout") or 30,
        validate_certs=params.get("validate_certs", True),
    )
    try:
        client.wait_ready(status, params.get("ready_timeout") or 0, sleep=pause)
    except ApiError as error:
        raise SeerrError(
            f"Waiting for Seerr failed for {base}: {error}. Check that the seerr container runs and answers at "
            "`url`, or raise `ready_timeout`"
        ) from None
    return client


def key_accepted(client: ApiClient) -> bool:
    """Whether Seerr takes the API key (it refuses any key while it has no user yet)."""
    try:
        client.get("settings/main")
    except ApiError as error:
        if error.status in (401, 403):
            return False
        raise
    return True


def split_url(url: str, option: str) -> dict:
    """``hostname``, ``port``, ``useSsl`` and ``baseUrl`` of a service URL as Seerr stores them."""
    parts = urllib.parse.urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SeerrError(
            f"Invalid URL {url!r} for `{option}`: it must look like http://host:port[/base]. Fix `{option}`"
        )
    use_ssl = parts.scheme == "https"
    base = parts.path.rstrip("/")
    return {
        "hostname": parts.hostname,
        "port": parts.port or (443 if use_ssl else 80),
        "useSsl": use_ssl,
        "baseUrl": base,
    }


# --- setup -------------------------------------------------------------------------------------


def sign_in_with_jellyfin(client: ApiClient, params: dict) -> None:
    """``POST /auth/jellyfin`` as the Jellyfin admin: on a fresh Seerr this creates its admin."""
    where = split_url(params["jellyfin_url"], "jellyfin_url")
    body = {
        "username": params["jellyfin_username"],
        "password": params["jellyfin_password"],
        "hostname": where["hostname"],
        "port": where["port"],
        "useSsl": where["useSsl"],
        "urlBase": where["baseUrl"],
        "serverType": JELLYFIN_SERVER_TYPE,
    }
    if params.get("admin_email"):
        body["email"] = params["admin_email"]
    try:
        client.post("auth/jellyfin", body)
    except ApiError as error:
        if error.status in (401, 403):
            raise SeerrError(
                f"Signing in to Seerr with Jellyfin failed for user {params['jellyfin_username']!r}: Jellyfin refused "
                f"the user name or password (HTTP {error.status}). Check `jellyfin_username` and `jellyfin_password` "
                "(the Jellyfin admin, mediastack_secrets['jellyfin.admin_password'])"
            ) from None
        raise SeerrError(
            f"Signing in to Seerr with Jellyfin failed for {params['jellyfin_url']}: {error}. Check `jellyfin_url` "
            "(Jellyfin as the seerr container reaches it)"
        ) from None


def main_wanted(params: dict) -> dict:
    wanted = dict(params.get("main_settings") or {})
    wanted.pop("apiKey", None)
    wanted.update({field: params[option] for option, field in MAIN_OPTIONS.items() if params.get(option) is not None})
    return wanted


def find_by_name(items, name: str) -> dict | None:
    items = list(items or [])
    found = next((item for item in items if item.get("name") == name), None)
    if found is None:
        found = next((item for item in items if str(item.get("name", "")).casefold() == name.casefold()), None)
    return found


def plan_libraries(libraries, wanted: list[str]) -> tuple[list[str], list[str]]:
    """(ids to enable, names not found) for the wanted library names."""
    ids, missing = [], []
    for name in wanted:
        found = find_by_name(libraries, name)
        if found is None:
            missing.append(name)
        else:
            ids.append(str(found["id"]))
    return ids, missing


def enabled_names(libraries) -> list[str]:
    return sorted(str(item.get("name")) for item in libraries or [] if item.get("enabled"))


def ensure_setup(client: ApiClient, params: dict, check_mode: bool) -> dict:
    wanted_libraries = params.get("libraries")
    if wanted_libraries is not None and not wanted_libraries:
        raise SeerrError("Invalid `libraries` for Seerr: name at least one Jellyfin library, or leave it out")
    public = client.get("settings/public") or {}
    initialized = bool(public.get("initialized"))
    signed_in = key_accepted(client)
    if not signed_in and initialized:
        raise SeerrError(f"Seerr refused the API key for {client.base_url} (HTTP 403). {KEY_HINT}")
    main = main_wanted(params)
    before = {"initialized": initialized, "jellyfin_signed_in": signed_in}
    after = {"initialized": True, "jellyfin_signed_in": True}
    if not signed_in:
        # A fresh Seerr: nothing can be read before the sign-in, which is itself a change.
        if wanted_libraries is not None:
            before["libraries"], after["libraries"] = [], sorted(wanted_libraries)
        before["main"], after["main"] = dict.fromkeys(main), main
        if check_mode:
            return {"changed": True, "initialized": False, "diff": diff(before, after)}
        sign_in_with_jellyfin(client, params)
        if not key_accepted(client):
            raise SeerrError(
                f"Seerr refused the API key for {client.base_url} after the Jellyfin sign-in created its admin "
                f"(HTTP 403). {KEY_HINT}"
            )
    changed = not signed_in or not initialized
    if wanted_libraries is not None:
        changed = ensure_libraries(client, params, check_mode, before, after) or changed
    if main:
        current_main = client.get("settings/main") or {}
        changes = delta(current_main, main)
        before.setdefault("main", {key: current_main.get(key) for key in main})
        after["main"] = main
        if changes:
            changed = True
            if not check_mode:
                client.post("settings/main", {key: value for key, value in main.items() if key in changes})
    if not initialized and not check_mode:
        client.post("settings/initialize")
    return {"changed": changed, "initialized": True, "diff": diff(before, after)}


def ensure_libraries(client: ApiClient, params: dict, check_mode: bool, before: dict, after: dict) -> bool:
    """Enable exactly the wanted Jellyfin libraries; fills ``before``/``after`` and tells whether it changed."""
    wanted_libraries = params["libraries"]
    libraries = client.get("settings/jellyfin/library") or []
    ids, missing = plan_libraries(libraries, wanted_libraries)
    if missing and not check_mode:
        libraries = client.get("settings/jellyfin/library", query={"sync": "true"}) or []
        ids, missing = plan_libraries(libraries, wanted_libraries)
        if missing:
            known = ", ".join(sorted(str(item.get("name")) for item in libraries)) or "none"
            raise SeerrError(
                f"Enabling libraries failed for Seerr: Jellyfin has no library named {', '.join(missing)} (it has "
                f"{known}). Fix `libraries`, or create the library in Jellyfin first"
            )
    current = enabled_names(libraries)
    resolved = [str(find_by_name(libraries, name)["name"]) for name in wanted_libraries if name not in missing]
    wanted_names = sorted({*resolved, *missing})
    before.setdefault("libraries", current)
    after["libraries"] = wanted_names
    if current == wanted_names:
        return False
    if not check_mode:
        client.get("settings/jellyfin/library", query={"enable": ",".join(ids)})
        if params.get("scan"):
            client.post("settings/jellyfin/sync", {"start": True})
    return True


# --- Sonarr and Radarr servers -----------------------------------------------------------------


def arr_test(client: ApiClient, kind: str, params: dict, where: dict) -> dict:
    """Seerr's connection test, which also lists the server's quality profiles and root folders."""
    label = ARR_KINDS[kind]
    body = dict(where, apiKey=params["arr_api_key"])
    try:
        answer = client.post(f"settings/{kind}/test", body)
    except ApiError as error:
        if error.status in (401, 403):
            raise SeerrError(
                f"Seerr refused the API key for {client.base_url} (HTTP {error.status}). {KEY_HINT}"
            ) from None
        raise SeerrError(
            f"Testing the connection to {label} failed for Seerr server {params['name']!r}: {error}. Check `arr_url` "
            f"({label} as the seerr container reaches it) and `arr_api_key` (mediastack_secrets['{kind}.api_key'])"
        ) from None
    return answer if isinstance(answer, dict) else {}


def resolve_profile(test: dict, name: str, option: str, label: str, server: str) -> dict:
    profiles = test.get("profiles") or []
    found = find_by_name(profiles, name)
    if found is None:
        known = ", ".join(str(p.get("name")) for p in profiles) or "none"
        raise SeerrError(
            f"Finding quality profile {name!r} failed for Seerr server {server!r}: {label} has no such profile (it "
            f"has {known}). Fix `{option}`; nothing was changed"
        )
    return found


def resolve_root_folder(test: dict, path: str, option: str, label: str, server: str) -> str:
    folders = test.get("rootFolders") or []
    wanted = posixpath.normpath(path)
    for folder in folders:
        if posixpath.normpath(str(folder.get("path", ""))) == wanted:
            return str(folder["path"])
    known = ", ".join(str(f.get("path")) for f in folders) or "none"
    raise SeerrError(
        f"Finding root folder {path!r} failed for Seerr server {server!r}: {label} has no such root folder (it has "
        f"{known}). Fix `{option}`, or add the root folder in {label} first; nothing was changed"
    )


def arr_wanted(kind: str, params: dict, test: dict, where: dict) -> dict:
    label, name = ARR_KINDS[kind], params["name"]
    profile = resolve_profile(test, params["quality_profile"], "quality_profile", label, name)
    wanted = {
        "name": name,
        **where,
        "apiKey": params["arr_api_key"],
        "activeProfileId": profile["id"],
        "activeProfileName": profile["name"],
        "activeDirectory": resolve_root_folder(test, params["root_folder"], "root_folder", label, name),
        "is4k": params["is_4k"],
        "isDefault": params["is_default"],
        "syncEnabled": params["sync_enabled"],
        "preventSearch": params["prevent_search"],
    }
    if params.get("external_url") is not None:
        wanted["externalUrl"] = params["external_url"]
    if kind == "sonarr":
        wanted["enableSeasonFolders"] = params["enable_season_folders"]
        if params.get("anime_quality_profile"):
            anime = resolve_profile(test, params["anime_quality_profile"], "anime_quality_profile", label, name)
            wanted["activeAnimeProfileId"], wanted["activeAnimeProfileName"] = anime["id"], anime["name"]
        if params.get("anime_root_folder"):
            wanted["activeAnimeDirectory"] = resolve_root_folder(
                test, params["anime_root_folder"], "anime_root_folder", label, name
            )
    else:
        wanted["minimumAvailability"] = params["minimum_availability"]
    return wanted


def shown(server: dict | None) -> dict:
    """A server as results and diffs show it: without the id, the API key masked."""
    if not server:
        return {}
    return masked({key: value for key, value in server.items() if key != "id"}, ("apiKey",))


def ensure_arr_server(client: ApiClient, kind: str, params: dict, check_mode: bool) -> dict:
    try:
        servers = client.get(f"settings/{kind}") or []
    except ApiError as error:
        if error.status in (401, 403):
            raise SeerrError(
                f"Seerr refused the API key for {client.base_url} (HTTP {error.status}). {KEY_HINT}"
            ) from None
        raise
    current = find_by_name(servers, params["name"])
    before = shown(current)
    if params["state"] == "absent":
        if current is not None and not check_mode:
            client.delete(f"settings/{kind}/{current['id']}")
        return {"changed": current is not None, "server": {}, "diff": diff(before, {})}
    where = split_url(params["arr_url"], "arr_url")
    wanted = arr_wanted(kind, params, arr_test(client, kind, params, where), where)
    update_secrets = params.get("update_secrets", False)
    if current is None:
        if not check_mode:
            client.post(f"settings/{kind}", wanted)
        return {"changed": True, "server": shown(wanted), "diff": diff(before, shown(wanted))}
    changes = delta(current, wanted, ("apiKey",), update_secrets)
    body = merged({key: value for key, value in current.items() if key != "id"}, wanted)
    if not update_secrets and current.get("apiKey") not in (None, "", MASK):
        body["apiKey"] = current["apiKey"]
    after = shown(body)
    if changes and not check_mode:
        client.put(f"settings/{kind}/{current['id']}", body)
    return {"changed": bool(changes), "server": after, "diff": diff(before, after)}
