"""A contract stand-in for Jellyfin 10.11: the startup wizard, sign-in, API keys, libraries and
the encoding settings, checked against Jellyfin's OpenAPI document (jellyfin.openapi.json).

It keeps its state in memory, so a second configuration run sees what the first created. It
accepts only the ``Authorization: MediaBrowser ...`` header: the legacy ``X-Emby-Token``,
``X-MediaBrowser-Token``, ``X-Emby-Authorization`` headers and the ``api_key`` query parameter are
refused with 401 and recorded as violations (Jellyfin 12 turns them off). Each operation is guarded
by the policy the spec names in its ``security`` (``FirstTimeSetupOrElevated`` is open while the
wizard is not complete, ``RequiresElevation`` wants an admin or an API key).

Served on its own (for the lab images): ``python jellyfin.py --port 8096 --bind 0.0.0.0 --spec
/specs/jellyfin.openapi.json``; ``JELLYFIN_STANDIN_API_KEY`` pre-registers an API key, and library
folders are checked on the stand-in's own file system.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import os
import re
import threading
import uuid
from pathlib import Path
from typing import ClassVar, NamedTuple

try:
    from tests.contract.openapi import SPECS, Spec, StandIn, serve_until_signalled
except ImportError:  # served on its own, next to openapi.py
    from openapi import SPECS, Spec, StandIn, serve_until_signalled  # type: ignore[no-redef]

SPEC_NAME = "jellyfin.openapi.json"
VERSION = "10.11.0"
LEGACY_HEADERS = ("X-Emby-Token", "X-MediaBrowser-Token", "X-Emby-Authorization")
LEGACY_QUERY = ("api_key", "ApiKey")
DEVICE_FIELDS = ("Client", "Device", "DeviceId", "Version")
SCHEMA = "#/components/schemas/"

ENCODING_DEFAULTS = {
    "EncodingThreadCount": -1,
    "TranscodingTempPath": None,
    "FallbackFontPath": None,
    "EnableFallbackFont": False,
    "EnableAudioVbr": False,
    "DownMixAudioBoost": 2.0,
    "DownMixStereoAlgorithm": "None",
    "MaxMuxingQueueSize": 2048,
    "EnableThrottling": False,
    "ThrottleDelaySeconds": 180,
    "EnableSegmentDeletion": False,
    "SegmentKeepSeconds": 720,
    "HardwareAccelerationType": "none",
    "EncoderAppPath": None,
    "EncoderAppPathDisplay": "/usr/lib/jellyfin-ffmpeg/ffmpeg",
    "VaapiDevice": "/dev/dri/renderD128",
    "QsvDevice": "",
    "EnableTonemapping": False,
    "EnableVppTonemapping": False,
    "EnableVideoToolboxTonemapping": False,
    "TonemappingAlgorithm": "bt2390",
    "TonemappingMode": "auto",
    "TonemappingRange": "auto",
    "TonemappingDesat": 0.0,
    "TonemappingPeak": 100.0,
    "TonemappingParam": 0.0,
    "VppTonemappingBrightness": 16.0,
    "VppTonemappingContrast": 1.0,
    "H264Crf": 23,
    "H265Crf": 28,
    "EncoderPreset": "auto",
    "DeinterlaceDoubleRate": False,
    "DeinterlaceMethod": "yadif",
    "EnableDecodingColorDepth10Hevc": True,
    "EnableDecodingColorDepth10Vp9": True,
    "EnableDecodingColorDepth10HevcRext": False,
    "EnableDecodingColorDepth12HevcRext": False,
    "EnableEnhancedNvdecDecoder": True,
    "PreferSystemNativeHwDecoder": True,
    "EnableIntelLowPowerH264HwEncoder": False,
    "EnableIntelLowPowerHevcHwEncoder": False,
    "EnableHardwareEncoding": True,
    "AllowHevcEncoding": False,
    "AllowAv1Encoding": False,
    "EnableSubtitleExtraction": True,
    "HardwareDecodingCodecs": ["h264", "vc1"],
    "AllowOnDemandMetadataBasedKeyframeExtractionForExtensions": ["mkv"],
}

LIBRARY_DEFAULTS = {
    "Enabled": True,
    "EnablePhotos": True,
    "EnableRealtimeMonitor": True,
    "EnableChapterImageExtraction": False,
    "SaveLocalMetadata": False,
    "EnableAutomaticSeriesGrouping": False,
    "AutomaticRefreshIntervalDays": 0,
    "PreferredMetadataLanguage": None,
    "MetadataCountryCode": None,
    "SeasonZeroDisplayName": "Specials",
    "TypeOptions": [],
}


def now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class JellyfinSpec(Spec):
    """Jellyfin's spec, with the named configuration's answer checked as the JSON it really is.

    ``GET /System/Configuration/{key}`` is documented as a file stream; Jellyfin sends the named
    configuration as JSON, so the encoding configuration is checked against ``EncodingOptions``.
    """

    def check_response(self, method, path, status, body):
        if method == "GET" and path == "/System/Configuration/encoding" and status == 200:
            return [f"GET {path} answer {error}" for error in self.errors(body, {"$ref": SCHEMA + "EncodingOptions"})]
        return super().check_response(method, path, status, body)

    def check_request(self, method, path, query, body):
        problems = super().check_request(method, path, query, body)
        if method == "POST" and path == "/System/Configuration/encoding" and body is not None:
            schema = {"$ref": SCHEMA + "EncodingOptions"}
            problems += [f"POST {path} body {error}" for error in self.errors(body, schema)]
        return problems


def parse_authorization(value: str) -> dict | None:
    """The fields of a ``MediaBrowser`` authorization header, or None for another scheme."""
    scheme, _sep, rest = (value or "").strip().partition(" ")
    if scheme.lower() != "mediabrowser":
        return None
    return dict(re.findall(r'(\w+)="([^"]*)"', rest))


class JellyfinStandIn(StandIn):
    """Jellyfin's startup, users, API keys, libraries and encoding settings, in memory."""

    def __init__(
        self,
        spec: Spec | None = None,
        *,
        api_key: str | None = None,
        existing_paths=None,
        admin: tuple[str, str] | None = None,
        server_name: str = "jellyfin-standin",
    ):
        """``admin``: a (name, password) whose wizard is already complete; ``existing_paths``: the
        folders Jellyfin sees (None: the stand-in's own file system)."""
        super().__init__(spec or JellyfinSpec(SPECS / SPEC_NAME))
        self.lock = threading.Lock()
        self.server_id = uuid.uuid4().hex
        self.existing_paths = None if existing_paths is None else {str(p).rstrip("/") or "/" for p in existing_paths}
        self.completed = False
        self.startup = {
            "ServerName": server_name,
            "UICulture": "en-US",
            "MetadataCountryCode": "US",
            "PreferredMetadataLanguage": "en",
        }
        self.remote_access = {"EnableRemoteAccess": True, "EnableAutomaticPortMapping": False}
        self.users: list[dict] = []
        self.sessions: dict[str, dict] = {}
        self.keys: list[dict] = []
        self.folders: list[dict] = []
        self.encoding = copy.deepcopy(ENCODING_DEFAULTS)
        if admin:
            self.users.append(self._user(admin[0], admin[1]))
            self.completed = True
        if api_key:
            self._add_key("preseeded", api_key)

    # --- state helpers -----------------------------------------------------------------------

    @staticmethod
    def _user(name: str, password: str | None) -> dict:
        return {"Name": name, "Id": uuid.uuid4().hex, "Password": password or "", "IsAdministrator": True}

    def _add_key(self, app: str, token: str | None = None) -> None:
        self.keys.append(
            {
                "Id": len(self.keys) + 1,
                "AccessToken": token or uuid.uuid4().hex,
                "DeviceId": "",
                "AppName": app,
                "AppVersion": "",
                "DeviceName": "",
                "UserId": "00000000-0000-0000-0000-000000000000",
                "IsActive": True,
                "DateCreated": now(),
                "DateRevoked": None,
                "DateLastActivity": now(),
                "UserName": None,
            }
        )

    def path_exists(self, path: str) -> bool:
        cleaned = (path or "").rstrip("/") or "/"
        if self.existing_paths is None:
            return Path(cleaned).is_dir()
        return cleaned in self.existing_paths

    def folder(self, name: str) -> dict | None:
        return next((f for f in self.folders if str(f["Name"]).casefold() == str(name).casefold()), None)

    def public_info(self) -> dict:
        return {
            "LocalAddress": self.url,
            "ServerName": self.startup["ServerName"],
            "Version": VERSION,
            "ProductName": "Jellyfin Server",
            "Id": self.server_id,
            "StartupWizardCompleted": self.completed,
        }

    # --- authorization -----------------------------------------------------------------------

    def identity(self, query: dict, headers) -> tuple[str | None, dict]:
        """(``"user"``, ``"key"`` or None, the header's fields)."""
        fields = parse_authorization(headers.get("Authorization", "")) or {}
        token = fields.get("Token")
        if token and token in self.sessions:
            return "user", fields
        if token and any(key["AccessToken"] == token for key in self.keys):
            return "key", fields
        return None, fields

    def refused(self, method: str, path: str, query: dict, headers) -> tuple[int, object] | None:
        legacy = [name for name in LEGACY_HEADERS if headers.get(name)]
        legacy += [f"?{name}" for name in LEGACY_QUERY if name in query]
        if legacy:
            self.violations.append(f"{method} {path}: legacy authorization {', '.join(legacy)} used")
            return 401, None
        found = self.spec.operation(method, path)
        policies = []
        for requirement in (found[1].get("security") if found else None) or []:
            for names in requirement.values():
                policies += names
        if not policies:
            return None
        who, fields = self.identity(query, headers)
        open_during_setup = "FirstTimeSetupOrElevated" in policies or "FirstTimeSetupOrDefault" in policies
        if open_during_setup and not self.completed:
            return None
        if who is None:
            return 401, None
        elevated = "RequiresElevation" in policies or "FirstTimeSetupOrElevated" in policies
        if elevated and who == "user" and not self.sessions[fields["Token"]]["IsAdministrator"]:
            return 403, None
        return None

    # --- requests ----------------------------------------------------------------------------

    ROUTES: ClassVar[dict[tuple[str, str], str]] = {
        ("GET", "/System/Info/Public"): "info_public",
        ("GET", "/System/Info"): "info",
        ("GET", "/Startup/Configuration"): "startup_configuration",
        ("POST", "/Startup/Configuration"): "set_startup_configuration",
        ("GET", "/Startup/User"): "startup_user",
        ("POST", "/Startup/User"): "set_startup_user",
        ("POST", "/Startup/RemoteAccess"): "set_remote_access",
        ("POST", "/Startup/Complete"): "complete",
        ("POST", "/Users/AuthenticateByName"): "authenticate",
        ("GET", "/Auth/Keys"): "list_keys",
        ("POST", "/Auth/Keys"): "create_key",
        ("POST", "/Environment/ValidatePath"): "validate_path",
        ("GET", "/Library/VirtualFolders"): "list_folders",
        ("POST", "/Library/VirtualFolders"): "add_folder",
        ("DELETE", "/Library/VirtualFolders"): "remove_folder",
        ("POST", "/Library/VirtualFolders/Paths"): "add_path",
        ("DELETE", "/Library/VirtualFolders/Paths"): "remove_path",
        ("POST", "/Library/VirtualFolders/LibraryOptions"): "set_library_options",
        ("GET", "/System/Configuration/encoding"): "encoding_configuration",
        ("POST", "/System/Configuration/encoding"): "set_encoding_configuration",
    }

    def handle(self, method, path, query, body, headers):
        with self.lock:
            refusal = self.refused(method, path, query, headers)
            if refusal is not None:
                return refusal
            request = Request(method, path, {k: v[-1] for k, v in query.items()}, query, body or {}, headers)
            if method == "DELETE" and path.startswith("/Auth/Keys/"):
                return self.revoke_key(request)
            name = self.ROUTES.get((method, path))
            return getattr(self, name)(request) if name else (404, None)

    def info_public(self, _request):
        return 200, self.public_info()

    def info(self, _request):
        return 200, dict(self.public_info(), HasPendingRestart=False, IsShuttingDown=False)

    def startup_configuration(self, _request):
        return 200, dict(self.startup)

    def set_startup_configuration(self, request):
        self.startup.update({k: v for k, v in request.body.items() if v is not None})
        return 204, None

    def startup_user(self, _request):
        if not self.users:
            self.users.append(self._user("abc", ""))
        return 200, {"Name": self.users[0]["Name"], "Password": None}

    def set_startup_user(self, request):
        if not self.users:
            return 500, {"message": "Sequence contains no elements"}
        first = self.users[0]
        first.update(Name=request.body.get("Name") or first["Name"], Password=request.body.get("Password") or "")
        return 204, None

    def set_remote_access(self, request):
        self.remote_access.update(request.body)
        return 204, None

    def complete(self, _request):
        self.completed = True
        return 204, None

    def authenticate(self, request):
        fields = parse_authorization(request.headers.get("Authorization", "")) or {}
        missing = [name for name in DEVICE_FIELDS if not fields.get(name)]
        if missing:
            self.violations.append(f"POST /Users/AuthenticateByName: Authorization lacks {', '.join(missing)}")
            return 400, {"message": f"Authorization header lacks {', '.join(missing)}"}
        wanted = str(request.body.get("Username", "")).casefold()
        user = next((u for u in self.users if u["Name"].casefold() == wanted), None)
        if user is None or user["Password"] != (request.body.get("Pw") or ""):
            return 401, {"message": "Error processing request."}
        for token in [t for t, s in self.sessions.items() if s["DeviceId"] == fields["DeviceId"]]:
            del self.sessions[token]
        token = uuid.uuid4().hex
        self.sessions[token] = {"UserId": user["Id"], "DeviceId": fields["DeviceId"], **user}
        policy = {
            "IsAdministrator": user["IsAdministrator"],
            "AuthenticationProviderId": "Jellyfin.Server.Implementations.Users.DefaultAuthenticationProvider",
            "PasswordResetProviderId": "Jellyfin.Server.Implementations.Users.DefaultPasswordResetProvider",
        }
        answer_user = {"Name": user["Name"], "Id": user["Id"], "ServerId": self.server_id, "Policy": policy}
        return 200, {"User": answer_user, "AccessToken": token, "ServerId": self.server_id}

    def list_keys(self, _request):
        return 200, {"Items": copy.deepcopy(self.keys), "TotalRecordCount": len(self.keys), "StartIndex": 0}

    def create_key(self, request):
        self._add_key(request.one["app"])
        return 204, None

    def revoke_key(self, request):
        token = request.path.rsplit("/", 1)[1]
        self.keys = [k for k in self.keys if k["AccessToken"] != token]
        return 204, None

    def validate_path(self, request):
        if self.path_exists(request.body.get("Path") or ""):
            return 204, None
        return 404, not_found(f"Path not found: {request.body.get('Path')}")

    def list_folders(self, _request):
        return 200, copy.deepcopy(self.folders)

    def add_folder(self, request):
        name = request.one.get("name") or ""
        if not name or self.folder(name):
            return 400, {"message": f"A library named {name!r} exists already or the name is empty"}
        paths = request.query.get("paths", [])
        if any(not self.path_exists(p) for p in paths):
            return 404, not_found("The path does not exist.")
        options = merged_defaults(LIBRARY_DEFAULTS, request.body.get("LibraryOptions") or {})
        options["PathInfos"] = [{"Path": p} for p in paths]
        self.folders.append(
            {
                "Name": name,
                "Locations": list(paths),
                "CollectionType": request.one.get("collectionType"),
                "LibraryOptions": options,
                "ItemId": uuid.uuid4().hex,
                "PrimaryImageItemId": None,
                "RefreshProgress": None,
                "RefreshStatus": "Idle",
            }
        )
        return 204, None

    def remove_folder(self, request):
        folder = self.folder(request.one.get("name", ""))
        if folder is None:
            return 404, None
        self.folders.remove(folder)
        return 204, None

    def add_path(self, request):
        folder = self.folder(request.body.get("Name", ""))
        new = request.body.get("Path") or (request.body.get("PathInfo") or {}).get("Path")
        if folder is None or not new:
            return 400, {"message": "There is no media folder with the supplied name"}
        if not self.path_exists(new):
            return 404, not_found("The path does not exist.")
        if new not in folder["Locations"]:
            folder["Locations"].append(new)
            folder["LibraryOptions"]["PathInfos"].append({"Path": new})
        return 204, None

    def remove_path(self, request):
        folder = self.folder(request.one.get("name", ""))
        if folder is None or request.one.get("path") not in folder["Locations"]:
            return 400, {"message": "The path is not part of the library"}
        folder["Locations"].remove(request.one["path"])
        folder["LibraryOptions"]["PathInfos"] = [{"Path": p} for p in folder["Locations"]]
        return 204, None

    def set_library_options(self, request):
        folder = next((f for f in self.folders if f["ItemId"] == request.body.get("Id")), None)
        if folder is None:
            return 404, not_found("Item not found.")
        options = dict(request.body.get("LibraryOptions") or {})
        options["PathInfos"] = [{"Path": p} for p in folder["Locations"]]
        folder["LibraryOptions"] = options
        return 204, None

    def encoding_configuration(self, _request):
        return 200, copy.deepcopy(self.encoding)

    def set_encoding_configuration(self, request):
        self.encoding = merged_defaults(ENCODING_DEFAULTS, request.body)
        return 204, None


class Request(NamedTuple):
    method: str
    path: str
    one: dict
    query: dict
    body: dict
    headers: object


def not_found(detail: str) -> dict:
    return {"title": "Not Found", "status": 404, "detail": detail}


def merged_defaults(defaults: dict, given: dict) -> dict:
    result = copy.deepcopy(defaults)
    result.update(copy.deepcopy(given))
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Jellyfin 10.11 contract stand-in")
    parser.add_argument("--port", type=int, default=8096)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--spec", type=Path, default=SPECS / SPEC_NAME, help="path of jellyfin.openapi.json")
    parser.add_argument(
        "--api-key-env", default="JELLYFIN_STANDIN_API_KEY", help="environment variable holding a pre-registered key"
    )
    args = parser.parse_args(argv)
    stand_in = JellyfinStandIn(JellyfinSpec(args.spec), api_key=os.environ.get(args.api_key_env) or None)
    stand_in.address = (args.bind, args.port)
    return serve_until_signalled(stand_in, "jellyfin")


if __name__ == "__main__":
    raise SystemExit(main())
