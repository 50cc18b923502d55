"""A contract stand-in for Seerr (seerr.openapi.yml) or Jellyseerr (jellyseerr.openapi.yml): the
first-run sign-in with Jellyfin, the Jellyfin libraries, the main settings and the Sonarr and
Radarr servers, checked against the spec it is given (server prefix ``/api/v1``).

It keeps its state in memory, so a second configuration run sees what the first created. As Seerr
does, it maps the API key (``X-Api-Key``) to its first user, so the key is refused (403) until a
sign-in created that user. What Seerr would ask Jellyfin, Sonarr and Radarr is answered from the
stand-in's own tables: the Jellyfin libraries and admin, and each *arr's API key, quality profiles
and root folders.

Served on its own (for the lab images): ``python seerr.py --port 5055 --bind 0.0.0.0 --spec
/specs/seerr.openapi.yml``; the API key comes from ``API_KEY`` (as Seerr's own), the Jellyfin
admin from ``SEERR_STANDIN_JELLYFIN_USER`` / ``SEERR_STANDIN_JELLYFIN_PASSWORD`` (any sign-in is
taken when unset), the libraries from ``--library NAME`` (repeatable).
"""

from __future__ import annotations

import argparse
import copy
import datetime
import os
import secrets
import threading
import uuid
from pathlib import Path

try:
    from tests.contract.openapi import SPECS, Spec, StandIn, serve_until_signalled
except ImportError:  # served on its own, next to openapi.py
    from openapi import SPECS, Spec, StandIn, serve_until_signalled  # type: ignore[no-redef]

PREFIX = "/api/v1"
SPECS_BY_FLAVOUR = {"seerr": "seerr.openapi.yml", "jellyseerr": "jellyseerr.openapi.yml"}
ADMIN_PERMISSIONS = 2
ARR_DEFAULTS = {
    "sonarr": {
        "apiKey": None,
        "profiles": [{"id": 1, "name": "Any"}, {"id": 4, "name": "HD-1080p"}, {"id": 6, "name": "Ultra-HD"}],
        "rootFolders": [{"id": 1, "path": "/data/media/tv", "freeSpace": 1 << 40}],
    },
    "radarr": {
        "apiKey": None,
        "profiles": [{"id": 1, "name": "Any"}, {"id": 4, "name": "HD-1080p"}, {"id": 5, "name": "Ultra-HD"}],
        "rootFolders": [{"id": 1, "path": "/data/media/movies", "freeSpace": 1 << 40}],
    },
}


def seerr_spec(path: Path) -> Spec:
    return Spec(path, server_prefix=PREFIX)


def now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat()


class SeerrStandIn(StandIn):
    """Seerr's setup, settings and *arr servers, in memory."""

    def __init__(
        self,
        spec: Spec | None = None,
        *,
        api_key: str | None = None,
        jellyfin_admin: tuple[str, str] | None = None,
        jellyfin_libraries: list[str] | None = None,
        arr: dict | None = None,
    ):
        """``jellyfin_admin``: the (name, password) Jellyfin accepts (None: any); ``arr``: per kind,
        the ``apiKey`` the server wants (None: any), its ``profiles`` and ``rootFolders``."""
        super().__init__(spec or seerr_spec(SPECS / SPECS_BY_FLAVOUR["seerr"]))
        self.lock = threading.Lock()
        self.api_key = api_key or secrets.token_hex(16)
        self.jellyfin_admin = jellyfin_admin
        self.available = [{"id": uuid.uuid4().hex, "name": name} for name in jellyfin_libraries or []]
        self.arr = copy.deepcopy(ARR_DEFAULTS)
        for kind, table in (arr or {}).items():
            self.arr[kind].update(copy.deepcopy(table))
        title = (
            self.spec.document["components"]["schemas"]["MainSettings"]["properties"]["applicationTitle"].get("example")
            or "Seerr"
        )
        self.initialized = False
        self.users: list[dict] = []
        self.main = {
            "apiKey": self.api_key,
            "appLanguage": "en",
            "applicationTitle": title,
            "applicationUrl": "",
            "hideAvailable": False,
            "partialRequestsEnabled": True,
            "localLogin": True,
            "mediaServerType": 4,
            "newPlexLogin": True,
            "defaultPermissions": 32,
            "enableSpecialEpisodes": False,
        }
        self.jellyfin = {
            "name": "",
            "hostname": "",
            "ip": "",
            "port": 8096,
            "useSsl": False,
            "urlBase": "",
            "externalHostname": "",
            "jellyfinForgotPasswordUrl": "",
            "adminUser": "",
            "adminPass": "",
            "libraries": [],
            "serverID": "",
        }
        self.servers: dict[str, list[dict]] = {"sonarr": [], "radarr": []}
        self.next_id = {"sonarr": 0, "radarr": 0}
        self.scans = 0

    # --- requests ----------------------------------------------------------------------------

    def handle(self, method, path, query, body, headers):
        with self.lock:
            local = path[len(PREFIX) :] if path.startswith(PREFIX) else path
            found = self.spec.operation(method, path)
            public = found is not None and found[1].get("security") == []
            if not public and not self.authorized(headers):
                return 403, {"message": "You do not have permission to access this endpoint"}
            one = {key: values[-1] for key, values in query.items()}
            return self.route(method, local, one, body if isinstance(body, dict) else {})

    def authorized(self, headers) -> bool:
        return bool(self.users) and headers.get("X-Api-Key") == self.api_key

    def route(self, method, path, one, body):  # noqa: PLR0911 - one answer per operation
        parts = path.strip("/").split("/")
        if (method, path) == ("GET", "/status"):
            return 200, {"version": "3.1.0", "commitTag": "standin", "updateAvailable": False, "commitsBehind": 0}
        if (method, path) == ("GET", "/settings/public"):
            return 200, {"initialized": self.initialized}
        if (method, path) == ("POST", "/auth/jellyfin"):
            return self.sign_in(body)
        if (method, path) == ("GET", "/auth/me"):
            return 200, copy.deepcopy(self.users[0])
        if (method, path) == ("GET", "/settings/main"):
            return 200, copy.deepcopy(self.main)
        if (method, path) == ("POST", "/settings/main"):
            self.main.update({key: value for key, value in body.items() if key != "apiKey"})
            return 200, copy.deepcopy(self.main)
        if (method, path) == ("POST", "/settings/initialize"):
            self.initialized = True
            return 200, {"initialized": True}
        if (method, path) == ("GET", "/settings/jellyfin"):
            return 200, copy.deepcopy(self.jellyfin)
        if (method, path) == ("GET", "/settings/jellyfin/library"):
            return self.libraries(one)
        if (method, path) == ("POST", "/settings/jellyfin/sync"):
            if body.get("start"):
                self.scans += 1
            return 200, {"running": False, "progress": 0, "total": 0, "libraries": self.jellyfin["libraries"]}
        if len(parts) >= 2 and parts[0] == "settings" and parts[1] in self.servers:
            return self.arr_servers(method, parts[1], parts[2:], body)
        return 404, None

    def sign_in(self, body):
        username, password = body.get("username", ""), body.get("password", "")
        if self.jellyfin_admin is not None and (username, password) != tuple(self.jellyfin_admin):
            return 401, {"message": "Unauthorized"}
        if not self.users:
            if not body.get("hostname"):
                return 500, {"message": "No Jellyfin hostname given"}
            self.users.append(
                {
                    "id": 1,
                    "email": body.get("email") or username,
                    "username": username,
                    "userType": 3,
                    "permissions": ADMIN_PERMISSIONS,
                    "avatar": "",
                    "createdAt": now(),
                    "updatedAt": now(),
                    "requestCount": 0,
                }
            )
            self.jellyfin.update(
                name="Jellyfin",
                hostname=body["hostname"],
                ip=body["hostname"],
                port=body.get("port", 8096),
                useSsl=bool(body.get("useSsl")),
                urlBase=body.get("urlBase", ""),
                adminUser=username,
                serverID=uuid.uuid4().hex,
            )
            self.main["mediaServerType"] = body.get("serverType", 2)
        elif self.users[0]["username"] != username:
            return 403, {"message": "Access denied."}
        return 200, copy.deepcopy(self.users[0])

    def libraries(self, one):
        stored = self.jellyfin["libraries"]
        if one.get("sync"):
            enabled = {item["id"] for item in stored if item["enabled"]}
            stored = [dict(item, enabled=item["id"] in enabled) for item in self.available]
            self.jellyfin["libraries"] = stored
        if one.get("enable"):
            wanted = set(one["enable"].split(","))
            for item in stored:
                item["enabled"] = item["id"] in wanted
        return 200, copy.deepcopy(stored)

    def arr_servers(self, method, kind, rest, body):  # noqa: PLR0911 - one answer per operation
        servers = self.servers[kind]
        if method == "GET" and not rest:
            return 200, copy.deepcopy(servers)
        if method == "POST" and not rest:
            self.next_id[kind] += 1
            server = dict(body, id=self.next_id[kind])
            servers.append(server)
            return 201, copy.deepcopy(server)
        if method == "POST" and rest == ["test"]:
            table = self.arr[kind]
            if table["apiKey"] is not None and body.get("apiKey") != table["apiKey"]:
                return 500, {"message": f"Failed to connect to {kind.capitalize()}"}
            answer = {"profiles": table["profiles"], "rootFolders": table["rootFolders"], "tags": [], "urlBase": ""}
            if kind == "sonarr":
                answer["languageProfiles"] = []
            return 200, copy.deepcopy(answer)
        found = next((s for s in servers if rest and str(s["id"]) == rest[0]), None)
        if found is None:
            return 404, {"message": f"{kind} server not found"}
        if method == "PUT":
            found.clear()
            found.update(dict(body, id=int(rest[0])))
            return 200, copy.deepcopy(found)
        if method == "DELETE":
            servers.remove(found)
            return 200, copy.deepcopy(found)
        return 404, None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Seerr / Jellyseerr contract stand-in")
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument(
        "--spec",
        type=Path,
        default=SPECS / SPECS_BY_FLAVOUR["seerr"],
        help="seerr.openapi.yml or jellyseerr.openapi.yml",
    )
    parser.add_argument("--api-key-env", default="API_KEY", help="environment variable holding the API key")
    parser.add_argument("--library", action="append", default=[], help="a Jellyfin library name (repeatable)")
    args = parser.parse_args(argv)
    user = os.environ.get("SEERR_STANDIN_JELLYFIN_USER")
    admin = (user, os.environ.get("SEERR_STANDIN_JELLYFIN_PASSWORD", "")) if user else None
    stand_in = SeerrStandIn(
        seerr_spec(args.spec),
        api_key=os.environ.get(args.api_key_env) or None,
        jellyfin_admin=admin,
        jellyfin_libraries=args.library or ["Movies", "Shows"],
    )
    stand_in.address = (args.bind, args.port)
    return serve_until_signalled(stand_in, stand_in.main["applicationTitle"].lower())


if __name__ == "__main__":
    raise SystemExit(main())
