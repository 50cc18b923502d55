# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jellyfin's HTTP API (10.11): the startup wizard, API keys, libraries and encoding settings.

Every authenticated call carries one header, ``Authorization: MediaBrowser ...``. The legacy ways
(``X-Emby-Token``, ``X-MediaBrowser-Token``, ``X-Emby-Authorization``, ``?api_key=``) are never used:
Jellyfin 12 turns them off by default. Signing in as a user (``POST /Users/AuthenticateByName``)
sends ``Client``, ``Device``, ``DeviceId`` and ``Version`` and gets a token; later calls add
``Token``. The device id is derived from the server and the user, so repeated runs reuse one device
entry instead of piling up sessions. A call made with an API key sends ``Token`` alone (device fields
would be recorded against the key).

Reading, comparing and planning are pure functions over Jellyfin's PascalCase JSON; the ``ensure_*``
functions read the server, plan, and write unless in check mode. Each returns the module's result.
"""

from __future__ import annotations

import hashlib
import posixpath
import time

from ansible_collections.newmedia.mediastack.plugins.module_utils._api import (
    ApiClient,
    ApiError,
    AppError,
    connection_spec,
)
from ansible_collections.newmedia.mediastack.plugins.module_utils._diff import delta, diff, merged

APP = "Jellyfin"
CLIENT = "newmedia.mediastack"
DEVICE = "ansible"
VERSION = "1.0"
ADMIN_OPTIONS = ("admin_username", "admin_password")
COLLECTION_TYPES = ("movies", "tvshows", "music", "musicvideos", "homevideos", "boxsets", "books", "mixed")
HARDWARE_ACCELERATION = ("none", "amf", "qsv", "nvenc", "v4l2m2m", "vaapi", "videotoolbox", "rkmpp")

#: Library module options and the LibraryOptions field each one sets.
LIBRARY_OPTIONS = {
    "enabled": "Enabled",
    "realtime_monitor": "EnableRealtimeMonitor",
    "save_local_metadata": "SaveLocalMetadata",
    "metadata_language": "PreferredMetadataLanguage",
    "metadata_country": "MetadataCountryCode",
    "refresh_interval_days": "AutomaticRefreshIntervalDays",
}

#: Encoding module options and the EncodingOptions field each one sets.
ENCODING_OPTIONS = {
    "hardware_acceleration": "HardwareAccelerationType",
    "vaapi_device": "VaapiDevice",
    "qsv_device": "QsvDevice",
    "enable_hardware_encoding": "EnableHardwareEncoding",
    "hardware_decoding_codecs": "HardwareDecodingCodecs",
    "enable_decoding_10bit_hevc": "EnableDecodingColorDepth10Hevc",
    "enable_decoding_10bit_vp9": "EnableDecodingColorDepth10Vp9",
    "enable_tonemapping": "EnableTonemapping",
    "enable_vpp_tonemapping": "EnableVppTonemapping",
    "allow_hevc_encoding": "AllowHevcEncoding",
    "allow_av1_encoding": "AllowAv1Encoding",
    "transcoding_temp_path": "TranscodingTempPath",
}


class JellyfinError(AppError):
    """A failure that retrying does not fix; the message is the whole story."""


# --- connection --------------------------------------------------------------------------------


def connection_options(credentials: str | None = "either") -> dict:
    """The argument_spec entries the Jellyfin modules share.

    ``credentials``: ``"either"``, an API key or an admin's ``username`` and ``password`` (see
    ``CREDENTIAL_RULES``); ``"admin"``, ``username`` and ``password`` required; None, neither.
    """
    options = connection_spec()
    if credentials:
        required = credentials == "admin"
        options["username"] = {"type": "str", "required": required}
        options["password"] = {"type": "str", "required": required, "no_log": True}
    if credentials == "either":
        options["api_key"] = {"type": "str", "no_log": True}
    return options


#: The AnsibleModule arguments that go with ``connection_options("either")``.
CREDENTIAL_RULES = {
    "required_one_of": [("api_key", "username")],
    "required_together": [("username", "password")],
}


def authorization(token: str | None = None, device_id: str | None = None) -> str:
    """The ``Authorization`` header value: device fields for a user session, ``Token`` when known."""
    fields = []
    if device_id:
        fields += [("Client", CLIENT), ("Device", DEVICE), ("DeviceId", device_id), ("Version", VERSION)]
    if token:
        fields.append(("Token", token))
    return "MediaBrowser " + ", ".join(f'{key}="{value}"' for key, value in fields)


def device_id(url: str, username: str) -> str:
    """A device id that stays the same for one server and user."""
    return "mediastack-" + hashlib.sha256(f"{url.rstrip('/')}|{username}".encode()).hexdigest()[:24]


class Jellyfin:
    """One server: waiting for it, signing in, and clients carrying the right header."""

    def __init__(self, params: dict):
        self.url = params["url"].rstrip("/")
        self.timeout = params.get("timeout") or 30
        self.validate_certs = params.get("validate_certs", True)
        self.ready_timeout = params.get("ready_timeout")

    def client(self, authorization_value: str | None = None) -> ApiClient:
        headers = {"Authorization": authorization_value} if authorization_value else {}
        return ApiClient(APP, self.url, headers, timeout=self.timeout, validate_certs=self.validate_certs)

    def wait(self) -> dict:
        """``GET /System/Info/Public`` once it answers; bounded by ``ready_timeout`` seconds."""
        try:
            info = self.client().wait_ready(public_info, self.ready_timeout or 0, sleep=pause)
        except ApiError as error:
            raise JellyfinError(
                f"Waiting for Jellyfin failed for {self.url}: {error}. Check that the jellyfin container runs and "
                "answers at `url`, or raise `ready_timeout`"
            ) from None
        return info

    def sign_in(self, username: str, password: str, options=("username", "password")) -> ApiClient:
        """A client signed in as ``username``; wrong credentials or a non-admin user are final.

        ``options`` names the task options holding the user name and password, for the messages.
        """
        device = device_id(self.url, username)
        try:
            answer = self.client(authorization(device_id=device)).post(
                "Users/AuthenticateByName", {"Username": username, "Pw": password or ""}
            )
        except ApiError as error:
            if error.status in (400, 401, 403):
                raise JellyfinError(
                    f"Signing in failed for Jellyfin user {username!r} at {self.url}: the user name or password was "
                    f"refused (HTTP {error.status}). Check `{options[0]}` and `{options[1]}` (the Jellyfin admin "
                    "account the startup wizard created, e.g. mediastack_secrets['jellyfin.admin_password'])"
                ) from None
            raise
        token = (answer or {}).get("AccessToken") if isinstance(answer, dict) else None
        if not token:
            raise JellyfinError(
                f"Signing in failed for Jellyfin user {username!r} at {self.url}: the answer carried no access token. "
                "Check that `url` points at Jellyfin"
            )
        policy = ((answer.get("User") or {}).get("Policy")) or {}
        if policy.get("IsAdministrator") is False:
            raise JellyfinError(
                f"Signing in for Jellyfin user {username!r} at {self.url} worked, but the user is not an "
                f"administrator. Set `{options[0]}` to the admin account the startup wizard created"
            )
        return self.client(authorization(token=token, device_id=device))

    def with_api_key(self, api_key: str) -> ApiClient:
        """A client using an API key, checked once with ``GET /System/Info``."""
        client = self.client(authorization(token=api_key))
        try:
            client.get("System/Info")
        except ApiError as error:
            if error.status in (401, 403):
                raise JellyfinError(
                    f"Jellyfin refused the API key for {self.url} (HTTP {error.status}). Check `api_key` (a key made "
                    "by newmedia.mediastack.jellyfin_api_key), or sign in with `username` and `password` instead"
                ) from None
            raise
        return client


def pause(seconds: float) -> None:
    """Sleep between readiness tries (looked up at call time, so tests can stub ``time.sleep``)."""
    time.sleep(seconds)


def public_info(client: ApiClient) -> dict:
    info = client.get("System/Info/Public")
    if not isinstance(info, dict):
        raise ApiError(f"Jellyfin answered GET /System/Info/Public with something else than JSON: {info!r:.80}", 0)
    return info


def connect(params: dict) -> ApiClient:
    """An authenticated client (API key, or admin sign-in), after waiting for the server."""
    server = Jellyfin(params)
    server.wait()
    if params.get("api_key"):
        return server.with_api_key(params["api_key"])
    if not params.get("username"):
        raise JellyfinError(
            f"No credentials for Jellyfin at {server.url}: give `api_key`, or `username` and `password` of the admin"
        )
    return server.sign_in(params["username"], params.get("password"))


# --- startup wizard ----------------------------------------------------------------------------


def wizard_wanted(params: dict) -> dict:
    return {
        "startup_wizard_completed": True,
        "server_name": params["server_name"],
        "ui_culture": params["ui_culture"],
        "metadata_language": params["metadata_language"],
        "metadata_country": params["metadata_country"],
        "admin_username": params["admin_username"],
        "admin_password": params["admin_password"],
        "enable_remote_access": params["enable_remote_access"],
    }


def ensure_startup(params: dict, check_mode: bool) -> dict:
    """Run the startup wizard while it is not complete; afterwards prove the admin can sign in."""
    server = Jellyfin(params)
    info = server.wait()
    wanted = wizard_wanted(params)
    secrets = ("admin_password",)
    if info.get("StartupWizardCompleted"):
        server.sign_in(params["admin_username"], params["admin_password"], ADMIN_OPTIONS)
        state = {"startup_wizard_completed": True, "server_name": info.get("ServerName")}
        return {
            "changed": False,
            "server_name": info.get("ServerName"),
            "diff": diff(state, state),
            "version": info.get("Version"),
        }
    before = {"startup_wizard_completed": False, "server_name": info.get("ServerName")}
    result = {
        "changed": True,
        "server_name": params["server_name"],
        "version": info.get("Version"),
        "diff": diff(before, wanted, secrets),
    }
    if check_mode:
        return result
    client = server.client()
    try:
        client.post(
            "Startup/Configuration",
            {
                "ServerName": params["server_name"],
                "UICulture": params["ui_culture"],
                "MetadataCountryCode": params["metadata_country"],
                "PreferredMetadataLanguage": params["metadata_language"],
            },
        )
        # The first user exists once asked for; renaming it and setting its password makes the admin.
        client.get("Startup/User")
        client.post("Startup/User", {"Name": params["admin_username"], "Password": params["admin_password"]})
        client.post(
            "Startup/RemoteAccess",
            {"EnableRemoteAccess": params["enable_remote_access"], "EnableAutomaticPortMapping": False},
        )
        client.post("Startup/Complete")
    except ApiError as error:
        raise JellyfinError(
            f"The startup wizard failed for Jellyfin at {server.url}: {error}. Check the container's log; the wizard "
            "is repeated on the next run while it is not complete"
        ) from None
    server.sign_in(params["admin_username"], params["admin_password"], ADMIN_OPTIONS)
    return result


# --- API keys ----------------------------------------------------------------------------------


def api_keys_for(listing, app: str) -> list[dict]:
    """The API keys registered for ``app``, oldest first."""
    items = (listing.get("Items") or []) if isinstance(listing, dict) else []
    found = [item for item in items if item.get("AppName") == app and not item.get("DateRevoked")]
    return sorted(found, key=lambda item: (str(item.get("DateCreated") or ""), item.get("Id") or 0))


def ensure_api_key(client: ApiClient, app: str, state: str, check_mode: bool) -> dict:
    """One API key named ``app`` (present), or none (absent). The token is returned, never diffed."""
    keys = api_keys_for(client.get("Auth/Keys"), app)
    before = {"app": app, "exists": bool(keys)}
    if state == "absent":
        after = {"app": app, "exists": False}
        if keys and not check_mode:
            for key in keys:
                client.delete(f"Auth/Keys/{key['AccessToken']}")
        return {"changed": bool(keys), "api_key": None, "diff": diff(before, after)}
    after = {"app": app, "exists": True}
    if keys:
        return {"changed": False, "api_key": keys[0]["AccessToken"], "diff": diff(before, after)}
    if check_mode:
        return {"changed": True, "api_key": None, "diff": diff(before, after)}
    client.post("Auth/Keys", query={"app": app})
    keys = api_keys_for(client.get("Auth/Keys"), app)
    if not keys:
        raise JellyfinError(
            f"Creating the API key failed for app {app!r} at {client.base_url}: Jellyfin accepted the request but "
            "does not list the key. Check the server's log"
        )
    return {"changed": True, "api_key": keys[0]["AccessToken"], "diff": diff(before, after)}


# --- libraries ---------------------------------------------------------------------------------


def normal_path(path: str) -> str:
    """A library path without a trailing slash (the root stays ``/``)."""
    cleaned = posixpath.normpath(path) if path else path
    return cleaned if cleaned != "." else path


def library_state(folder: dict | None) -> dict:
    """A library as the module shows it: name, collection type, paths and the managed options."""
    if not folder:
        return {}
    options = folder.get("LibraryOptions") or {}
    return {
        "name": folder.get("Name"),
        "collection_type": folder.get("CollectionType") or "mixed",
        "paths": [normal_path(path) for path in folder.get("Locations") or []],
        "options": {name: options.get(field) for name, field in LIBRARY_OPTIONS.items()},
    }


def library_wanted(params: dict, current: dict) -> dict:
    options = dict(current.get("options") or {})
    options.update(library_options_given(params))
    return {
        "name": params["name"],
        "collection_type": params["collection_type"] or current.get("collection_type"),
        "paths": [normal_path(path) for path in params["paths"]] if params["paths"] is not None else current["paths"],
        "options": options,
    }


def library_options_given(params: dict) -> dict:
    """The library options the task names (the others are left as they are)."""
    return {name: params[name] for name in LIBRARY_OPTIONS if params.get(name) is not None}


def find_library(folders, name: str) -> dict | None:
    for folder in folders or []:
        if folder.get("Name") == name:
            return folder
    for folder in folders or []:
        if str(folder.get("Name", "")).casefold() == name.casefold():
            return folder
    return None


def check_paths(client: ApiClient, name: str, paths: list[str]) -> None:
    """Fail, naming the variable, when Jellyfin cannot see a library path (nothing written yet)."""
    for path in paths:
        try:
            client.post("Environment/ValidatePath", {"Path": path, "ValidateWritable": False, "IsFile": False})
        except ApiError as error:
            if error.status in (400, 404):
                raise JellyfinError(
                    f"Adding path {path!r} failed for Jellyfin library {name!r}: Jellyfin cannot see that folder "
                    f"(HTTP {error.status}). Fix `paths` (folders as mounted in the jellyfin container, under "
                    "mediastack_data_root's media tree) or create the folder first; nothing was changed"
                ) from None
            raise


def ensure_library(client: ApiClient, params: dict, check_mode: bool) -> dict:
    name = params["name"]
    folder = find_library(client.get("Library/VirtualFolders"), name)
    before = library_state(folder)
    refresh = {"refreshLibrary": "true" if params.get("refresh") else "false"}
    if params["state"] == "absent":
        if folder and not check_mode:
            client.delete("Library/VirtualFolders", query={"name": folder["Name"], **refresh})
        return {"changed": bool(folder), "library": {}, "diff": diff(before, {})}
    if folder is None and (not params.get("collection_type") or not params.get("paths")):
        raise JellyfinError(
            f"Creating Jellyfin library {name!r} failed: it does not exist yet and `collection_type` and `paths` are "
            "needed to create it. Give both"
        )
    wanted = library_wanted(params, before)
    if folder is not None and params.get("collection_type") and before["collection_type"] != wanted["collection_type"]:
        raise JellyfinError(
            f"Changing Jellyfin library {name!r} failed: it holds {before['collection_type']} and Jellyfin cannot "
            f"change a library's type to {wanted['collection_type']}. Fix `collection_type`, or remove the library "
            "(state=absent) and create it again"
        )
    current_paths = before.get("paths", [])
    to_add = [path for path in wanted["paths"] if path not in current_paths]
    to_remove = [path for path in current_paths if path not in wanted["paths"]]
    given = library_options_given(params)
    option_changes = delta(before.get("options") or {}, given)
    changed = folder is None or bool(to_add or to_remove or option_changes)
    result = {"changed": changed, "library": wanted, "diff": diff(before, wanted)}
    if not changed:
        return result
    check_paths(client, name, to_add)
    if check_mode:
        return result
    pascal = {LIBRARY_OPTIONS[option]: value for option, value in given.items()}
    if folder is None:
        client.post(
            "Library/VirtualFolders",
            {"LibraryOptions": pascal},
            query={"name": name, "collectionType": wanted["collection_type"], "paths": wanted["paths"], **refresh},
        )
        return result
    for path in to_add:
        client.post("Library/VirtualFolders/Paths", {"Name": folder["Name"], "Path": path}, query=refresh)
    for path in to_remove:
        original = next(p for p in folder.get("Locations") or [] if normal_path(p) == path)
        client.delete("Library/VirtualFolders/Paths", query={"name": folder["Name"], "path": original, **refresh})
    if option_changes:
        fresh = find_library(client.get("Library/VirtualFolders"), name) or folder
        options = merged(fresh.get("LibraryOptions") or {}, pascal)
        client.post("Library/VirtualFolders/LibraryOptions", {"Id": fresh.get("ItemId"), "LibraryOptions": options})
    return result


# --- encoding ----------------------------------------------------------------------------------


def encoding_state(config: dict) -> dict:
    return {option: (config or {}).get(field) for option, field in ENCODING_OPTIONS.items()}


def encoding_wanted(params: dict, current: dict) -> dict:
    wanted = {option: params[option] for option in ENCODING_OPTIONS if params.get(option) is not None}
    codecs = wanted.get("hardware_decoding_codecs")
    if codecs is not None and sorted(codecs) == sorted(current.get("hardware_decoding_codecs") or []):
        wanted["hardware_decoding_codecs"] = current["hardware_decoding_codecs"]
    return wanted


def ensure_encoding(client: ApiClient, params: dict, check_mode: bool) -> dict:
    config = client.get("System/Configuration/encoding")
    if not isinstance(config, dict):
        raise JellyfinError(
            f"Reading the encoding settings failed for Jellyfin at {client.base_url}: the answer was not JSON. Check "
            "that `url` points at Jellyfin"
        )
    before = encoding_state(config)
    wanted = encoding_wanted(params, before)
    extra = params.get("extra_options") or {}
    changes = delta(before, wanted)
    extra_changes = delta(config, extra)
    after = merged(before, wanted)
    result = {"changed": bool(changes or extra_changes), "encoding": after, "diff": diff(before, after)}
    if extra_changes:
        result["diff"]["before"]["extra_options"] = {key: config.get(key) for key in extra}
        result["diff"]["after"]["extra_options"] = dict(extra)
    if result["changed"] and not check_mode:
        body = merged(config, {ENCODING_OPTIONS[option]: value for option, value in wanted.items()})
        client.post("System/Configuration/encoding", merged(body, extra))
    return result
