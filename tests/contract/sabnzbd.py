"""A stand-in for SABnzbd's API (``/api`` and ``/sabnzbd/api``), for contract tests and the lab.

SABnzbd publishes no OpenAPI document. This stand-in is checked against SABnzbd's own API
reference (sabnzbd.org wiki, "API reference": ``mode=version|auth|get_config|set_config``, the
``apikey``/``output`` parameters, the "API Key Required"/"API Key Incorrect" answers, and "Setting
Server settings"/"Setting Category settings") and, where the wiki is silent, SABnzbd 4.x/5.0's
``sabnzbd/api.py`` and ``sabnzbd/config.py`` (``mode=del_config`` with ``section`` and ``keyword``;
the fields of a server and of a category; passwords answered as asterisks; booleans as 0/1; host
names and category names lowered; a rejected folder silently kept).

Rules that follow SABnzbd's source (5.0.1 unless said otherwise; 3.7.1 is Debian's sabnzbdplus, which
the module tests also run against):

- Hostname verification (``sabnzbd/interface.py`` ``check_hostname``, the same in 3.7 and 5.0): a
  request whose Host header (port removed, lowered) is not ``localhost``, an IP address, a name in
  ``host_whitelist`` or a name ending in ``.local`` is answered 403 with the body
  ``Access denied - Hostname verification failed: https://sabnzbd.org/hostname-check``, before the
  API key is looked at (``secured_expose``), and also for ``mode=version``. A UI login (username and
  password set) turns the check off.
- The API key (``interface.py`` ``check_apikey``): 403 ``API Key Required`` / ``API Key Incorrect``;
  ``mode=version`` and ``mode=auth`` need none.
- Default categories (``sabnzbd/config.py`` ``get_categories``): whenever SABnzbd lists its
  categories and finds no ``*``, it adds ``*`` and the suggestions ``movies``, ``tv``, ``audio``,
  ``software``, each a fresh category that replaces one of that name already set (its folder is
  lost). 5.0 lists them for ``mode=get_config&section=categories`` (``get_dconfig`` calls
  ``get_ordered_categories``), so a category created first is lost when it is read back; 3.7 lists
  them only for ``mode=get_cats``, the UI and new jobs, so the folder vanishes later. Before a
  category exists, ``get_config&section=categories`` answers ``{"config": {}}`` in both.
- Names (``config.py`` ``clean_section_name``, ``api.py`` ``handle_cat_api``): a category name is
  lowered; server and category names lose leading ``[`` and trailing ``]`` (``[news]`` is stored as
  ``news``, ``a[b]`` as ``a[b``), and ``set_config`` then answers ``{"config": {}}`` because it looks
  the object up by the name given.
- Server priority (``config.py`` ``ConfigServer``, ``OptionNumber(..., 0, 99)``): kept within 0..99,
  a value outside stored as the nearest bound (100 as 99), in 3.7 and 5.0.
- Folders (``sabnzbd/cfg.py`` ``validate_download_vs_complete_dir``, since 4.2): the complete folder
  must not be the download folder nor lie inside it; the value that would break the rule is
  silently kept (``set_config`` ignores the validator's message). 3.7 has no such rule.
- Server host names are lowered (``cfg.py`` ``all_lowercase``, since 4.0; 3.7 keeps the case given,
  the module lowers them itself).

A request that names a mode, a section or a parameter the API does not have, or gives a value of
the wrong type, is answered ``{"status": false, "error": ...}`` and recorded in ``violations``;
tests assert that list is empty. State (settings, servers, categories) lives in memory, so a
second run sees what the first created.

Run on its own: ``python -m tests.contract.sabnzbd --bind 127.0.0.1 --port 8085`` with the API key
in ``SABNZBD_API_KEY`` (and optionally ``SABNZBD_NZB_KEY``), or ``--config sabnzbd.ini`` to take the
keys and settings from a seeded ini file. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import copy
import ipaddress
import json
import os
import re
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

try:
    from tests.contract.openapi import serve_until_signalled
except ImportError:  # served on its own, next to openapi.py
    from openapi import serve_until_signalled  # type: ignore[no-redef]

VERSION = "4.5.5"
COMMON = {"mode", "apikey", "output"}

#: [misc] settings: kind and default ("flag" is a 0/1 boolean, "dir" a folder, "password" answered as stars).
MISC = {
    "host": ("str", "::"),
    "port": ("str", "8080"),
    "https_port": ("str", ""),
    "url_base": ("str", "/sabnzbd"),
    "username": ("str", ""),
    "password": ("password", ""),
    "api_key": ("str", ""),
    "nzb_key": ("str", ""),
    "host_whitelist": ("list", []),
    "local_ranges": ("list", []),
    "inet_exposure": ("int", 0),
    "api_warnings": ("flag", 1),
    "enable_https": ("flag", 0),
    "language": ("str", "en"),
    "check_new_rel": ("int", 1),
    "auto_browser": ("flag", 0),
    "enable_broadcast": ("flag", 1),
    "selftest_host": ("str", "self-test.sabnzbd.org"),
    "download_dir": ("dir", "Downloads/incomplete"),
    "complete_dir": ("dir", "Downloads/complete"),
    "download_free": ("str", ""),
    "complete_free": ("str", ""),
    "permissions": ("str", ""),
    "script_dir": ("dir", ""),
    "nzb_backup_dir": ("dir", ""),
    "admin_dir": ("dir", "admin"),
    "dirscan_dir": ("dir", ""),
    "dirscan_speed": ("int", 5),
    "cache_limit": ("str", "1G"),
    "bandwidth_max": ("str", ""),
    "bandwidth_perc": ("int", 100),
    "pre_check": ("flag", 0),
    "direct_unpack": ("flag", 0),
    "enable_unrar": ("flag", 1),
    "ignore_samples": ("flag", 0),
    "folder_rename": ("flag", 1),
    "replace_spaces": ("flag", 0),
    "replace_dots": ("flag", 0),
    "pause_on_post_processing": ("flag", 0),
    "fail_hopeless_jobs": ("flag", 1),
    "history_retention": ("str", ""),
    "email_server": ("str", ""),
    "email_pwd": ("password", ""),
}
#: [misc] settings SABnzbd does not take over the API (set_config leaves them as they are).
PROTECTED = {"inet_exposure", "api_warnings", "local_ranges"}
SERVER_FIELDS = {
    "displayname": "str",
    "host": "host",
    "port": "port",
    "timeout": "int",
    "username": "str",
    "password": "password",
    "connections": "int",
    "ssl": "flag",
    "ssl_verify": "int",
    "ssl_ciphers": "str",
    "enable": "flag",
    "required": "flag",
    "optional": "flag",
    "pipelining_requests": "int",
    "retention": "int",
    "expire_date": "str",
    "quota": "str",
    "priority": "int",
    "notes": "str",
}
SERVER_DEFAULTS = {"port": 119, "timeout": 60, "connections": 1, "ssl_verify": 3, "enable": 1}
SERVER_DEFAULTS |= {"pipelining_requests": 2}
CATEGORY_FIELDS = {"order": "int", "pp": "str", "script": "str", "dir": "dir", "newzbin": "list", "priority": "int"}
CATEGORY_DEFAULTS = {"order": 0, "pp": "", "script": "Default", "dir": "", "newzbin": "", "priority": -100}
#: What ``config.get_categories`` adds when ``*`` is missing: the default category and four suggestions.
DEFAULT_CATEGORIES = {"*": {"pp": "3", "script": "None", "priority": 0}, "movies": {}, "tv": {}}
DEFAULT_CATEGORIES |= {"audio": {}, "software": {}}
#: ``ConfigServer.priority``: ``OptionNumber(name, "priority", 0, 0, 99)``.
SERVER_PRIORITY = (0, 99)
HOSTNAME_REFUSED = "Access denied - Hostname verification failed: https://sabnzbd.org/hostname-check"
STARS = "*" * 10


class Violation(Exception):
    """A request the documented API does not allow."""


def as_int(name: str, value: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise Violation(f"{name}: expected an integer, got {value!r}") from None


def as_flag(name: str, value: str) -> int:
    word = str(value).strip().lower()
    if word not in ("0", "1", "true", "false"):
        raise Violation(f"{name}: expected 0 or 1, got {value!r}")
    return int(word in ("1", "true"))


def as_list(value) -> list[str]:
    items = value if isinstance(value, list) else re.split(r"[,\s]+", str(value))
    return [item.strip() for item in items if item.strip()]


class SabnzbdState:
    """What one SABnzbd holds: [misc], servers and categories."""

    def __init__(self, api_key: str, nzb_key: str = ""):
        self.lock = threading.Lock()
        self.misc = {key: copy.deepcopy(default) for key, (_kind, default) in MISC.items()}
        self.misc.update(api_key=api_key, nzb_key=nzb_key or "")
        self.servers: dict[str, dict] = {}
        #: None until a category exists (the ini has no [categories] and none was set).
        self.categories: dict[str, dict] | None = None

    @classmethod
    def from_ini(cls, text: str) -> SabnzbdState:
        """The state a seeded sabnzbd.ini starts SABnzbd with (its [misc], [servers] and [categories])."""
        sections = parse_ini(text)
        misc = sections.get("misc", {})
        state = cls(str(misc.get("api_key", "")), str(misc.get("nzb_key", "")))
        for key, value in misc.items():
            if key in MISC:
                state.set_misc(key, value, force=True)
        for name, values in sections.get("servers", {}).items():
            state.set_server(name, values)
        for name, values in sections.get("categories", {}).items():
            state.set_category(name, {key: value for key, value in values.items() if key in CATEGORY_FIELDS})
        return state

    def host_allowed(self, host: str | None) -> bool:
        """``interface.check_hostname``: the Host header SABnzbd answers to."""
        if self.misc["username"] and self.misc["password"]:
            return True
        if not host:
            return False
        name = re.sub(r":[0-9]+$", "", host).lower()
        try:
            ipaddress.ip_address(name.strip("[]"))
            return True
        except ValueError:
            pass
        return name == "localhost" or name in self.misc["host_whitelist"] or name.endswith((".local", ".local."))

    # --- [misc]
    def set_misc(self, key: str, value, force: bool = False) -> None:
        kind = MISC[key][0]
        if key in PROTECTED and not force:
            return
        if kind == "int":
            self.misc[key] = as_int(key, value)
        elif kind == "flag":
            self.misc[key] = as_flag(key, value)
        elif kind == "list":
            self.misc[key] = [item.lower() for item in as_list(value)] if key == "host_whitelist" else as_list(value)
        elif kind == "password":
            if value == "" or str(value).strip("*"):
                self.misc[key] = str(value)
        elif kind == "dir":
            self.set_dir(key, str(value).strip())
        else:
            self.misc[key] = str(value).strip()

    def set_dir(self, key: str, value: str) -> None:
        """SABnzbd (4.2+) keeps the old folder when the complete folder would be the download folder or
        lie inside it (``cfg.validate_download_vs_complete_dir``)."""
        if key in ("download_dir", "complete_dir"):
            download = value if key == "download_dir" else self.misc["download_dir"]
            complete = value if key == "complete_dir" else self.misc["complete_dir"]
            download_path, complete_path = Path(download or "."), Path(complete or ".")
            if complete_path == download_path or download_path in complete_path.parents:
                return
        self.misc[key] = value

    def misc_public(self) -> dict:
        return {
            key: (STARS if MISC[key][0] == "password" and value else copy.deepcopy(value))
            for key, value in self.misc.items()
        }

    # --- servers and categories
    def set_server(self, name: str, values: dict) -> None:
        name = clean_section_name(name)
        if not name:
            raise Violation("servers: the name is empty")
        server = self.servers.get(name) or dict(
            dict.fromkeys(SERVER_FIELDS, ""), **SERVER_DEFAULTS, ssl=0, required=0, optional=0, retention=0
        )
        server.update(priority=server.get("priority") or 0)
        for field, value in values.items():
            kind = SERVER_FIELDS[field]
            if kind == "host":
                server[field] = str(value).strip().lower()
            elif kind == "port":
                server[field] = min(max(as_int(field, value), 0), 65535)
            elif field == "priority":
                server[field] = min(max(as_int(field, value), SERVER_PRIORITY[0]), SERVER_PRIORITY[1])
            elif kind == "int":
                server[field] = as_int(field, value)
            elif kind == "flag":
                server[field] = as_flag(field, value)
            elif kind == "password":
                if value == "" or str(value).strip("*"):
                    server[field] = str(value)
            else:
                server[field] = str(value).strip()
        if not server.get("displayname"):
            server["displayname"] = name
        self.servers[name] = server

    def server_public(self, name: str) -> dict:
        server = dict(self.servers[name], name=name)
        server["password"] = STARS if server.get("password") else ""
        server["usage_at_start"] = 0
        return server

    def set_category(self, name: str, values: dict) -> None:
        name = clean_section_name(name.lower())
        if self.categories is None:
            self.categories = {}
        category = self.categories.get(name) or dict(CATEGORY_DEFAULTS, name=name)
        for field, value in values.items():
            kind = CATEGORY_FIELDS[field]
            if kind == "int":
                category[field] = as_int(field, value)
            elif kind == "list":
                category[field] = ", ".join(as_list(value))
            else:
                category[field] = str(value).strip()
        self.categories[name] = category

    def get_categories(self) -> dict[str, dict]:
        """``config.get_categories``: with no ``*``, add the defaults, replacing same-named categories."""
        if self.categories is None:
            self.categories = {}
        if "*" not in self.categories:
            for order, (name, values) in enumerate(DEFAULT_CATEGORIES.items()):
                self.categories[name] = dict(CATEGORY_DEFAULTS, name=name, **dict(values, order=order))
        return self.categories

    def categories_public(self) -> list[dict] | None:
        """``get_config&section=categories`` (5.0: ordered, defaults added); None before any exists."""
        if self.categories is None:
            return None
        cats = self.get_categories()
        others = sorted((c for name, c in cats.items() if name != "*"), key=lambda c: (c["order"], c["name"]))
        return [copy.deepcopy(cats["*"]), *copy.deepcopy(others)]


class SabnzbdApi:
    """SABnzbd's API over a ``SabnzbdState``; ``answer(params) -> (status, body)``."""

    def __init__(self, state: SabnzbdState):
        self.state = state
        self.violations: list[str] = []
        self.requests: list[dict] = []

    def answer(self, params: dict, host: str | None = "127.0.0.1") -> tuple[int, object]:
        shown = {key: ("<key>" if key == "apikey" else value) for key, value in params.items()}
        self.requests.append(shown)
        mode = params.get("mode", "")
        if not self.state.host_allowed(host):
            return 403, HOSTNAME_REFUSED
        if mode not in ("version", "auth"):
            key = params.get("apikey", "")
            if not key:
                return 403, "API Key Required"
            if key != self.state.misc["api_key"]:
                return 403, "API Key Incorrect"
        try:
            if params.get("output", "json") != "json":
                raise Violation(f"output={params['output']}: this stand-in answers JSON only")
            handler = getattr(self, f"mode_{mode}", None)
            if handler is None:
                raise Violation(f"mode={mode!r} is not in SABnzbd's API reference")
            with self.state.lock:
                return 200, handler(params)
        except Violation as problem:
            self.violations.append(f"mode={mode}: {problem}")
            return 200, {"status": False, "error": f"stand-in: {problem}"}

    @staticmethod
    def allow(params: dict, *allowed: str) -> None:
        extra = sorted(set(params) - COMMON - set(allowed))
        if extra:
            raise Violation(f"unknown parameter(s) {', '.join(extra)}")

    def mode_version(self, params: dict):
        self.allow(params)
        return {"version": VERSION}

    def mode_auth(self, params: dict):
        self.allow(params, "key")
        key = params.get("key", "")
        if not key or key == self.state.misc["api_key"]:
            return {"auth": "apikey"}
        return {"auth": "nzbkey" if key == self.state.misc["nzb_key"] else "badkey"}

    def mode_get_config(self, params: dict):
        self.allow(params, "section", "keyword")
        section, keyword = params.get("section"), params.get("keyword")
        sections = {
            "misc": self.state.misc_public,
            "servers": lambda: [self.state.server_public(name) for name in self.state.servers],
            "categories": self.state.categories_public,
        }
        if not section:
            read = {name: read() for name, read in sections.items()}
            return {"config": {name: value for name, value in read.items() if value is not None}}
        if section not in sections:
            raise Violation(f"section={section!r} is not one this stand-in keeps (misc, servers, categories)")
        if not keyword:
            found = sections[section]()
            return {"config": {section: found} if found is not None else {}}
        if section == "misc":
            found = self.state.misc_public()
            return {"config": {"misc": {keyword: found[keyword]}} if keyword in found else {}}
        return self.entry(section, keyword)

    def entry(self, section: str, name: str) -> dict:
        """``get_dconfig(section, name)``: the object stored under exactly ``name``, without listing the rest."""
        stored = (self.state.servers if section == "servers" else self.state.categories) or {}
        if name not in stored:
            return {"config": {}}
        public = self.state.server_public(name) if section == "servers" else copy.deepcopy(stored[name])
        return {"config": {section: [public]}}

    def mode_get_cats(self, params: dict):
        self.allow(params)
        cats = self.state.get_categories()
        others = sorted((c for name, c in cats.items() if name != "*"), key=lambda c: (c["order"], c["name"]))
        return {"categories": ["*", *(c["name"] for c in others)]}

    def mode_set_config(self, params: dict):
        section = params.get("section")
        if section == "misc":
            self.allow(params, "section", "keyword", "value")
            keyword = params.get("keyword", "")
            if "value" not in params:
                raise Violation("set_config for [misc] needs value")
            if keyword not in MISC:
                return {"status": False, "error": "Config item does not exist"}
            self.state.set_misc(keyword, params["value"])
            return {"config": {"misc": {keyword: self.state.misc_public()[keyword]}}}
        if section in ("servers", "categories"):
            fields = SERVER_FIELDS if section == "servers" else CATEGORY_FIELDS
            self.allow(params, "section", "name", "keyword", *fields)
            name = params.get("keyword") or params.get("name")
            if not name:
                raise Violation(f"set_config for [{section}] needs name")
            values = {key: value for key, value in params.items() if key in fields}
            if section == "servers":
                self.state.set_server(name, values)
                return self.entry("servers", name)
            self.state.set_category(name, values)
            return self.entry("categories", name.lower())
        raise Violation(f"set_config section={section!r} is not one this stand-in keeps")

    def mode_del_config(self, params: dict):
        self.allow(params, "section", "keyword")
        section, keyword = params.get("section"), params.get("keyword")
        if section not in ("servers", "categories", "rss", "sorters"):
            return {"status": False, "error": "not implemented"}
        if not keyword:
            raise Violation("del_config needs keyword")
        if section == "categories" and keyword == "*":
            raise Violation("the default category * cannot be removed")
        (getattr(self.state, section, None) or {}).pop(keyword, None)
        return {"status": True}


def clean_section_name(name: str) -> str:
    """``config.clean_section_name``: leading ``[`` and trailing ``]`` go; nothing left is refused."""
    cleaned = name.strip("[]")
    if not cleaned:
        raise Violation(f"invalid section name {name!r}, nothing left after cleaning")
    return cleaned


def parse_ini(text: str) -> dict:
    """The sections of a configobj-style sabnzbd.ini.

    ``[misc]`` holds keys; ``[servers]`` and ``[categories]`` hold one ``[[name]]`` subsection each.
    """
    sections: dict = {}
    section, subsection = None, None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[["):
            subsection = line.strip("[]")
            sections.setdefault(section, {})[subsection] = {}
            continue
        if line.startswith("["):
            section, subsection = line.strip("[]"), None
            sections.setdefault(section, {})
            continue
        key, _sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        elif "," in value:
            value = as_list(value)
        if section is None:
            continue
        target = sections[section][subsection] if subsection else sections[section]
        target[key] = value
    return sections


class SabnzbdStandIn:
    """Serves ``SabnzbdApi`` on ``address`` (loopback, an ephemeral port); a context manager."""

    address: tuple[str, int] = ("127.0.0.1", 0)

    def __init__(self, state: SabnzbdState):
        self.api = SabnzbdApi(state)
        self.server = None
        self.thread = None

    @property
    def state(self) -> SabnzbdState:
        return self.api.state

    @property
    def violations(self) -> list[str]:
        return self.api.violations

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def handler(self):
        api = self.api

        class Handler(BaseHTTPRequestHandler):
            server_version = "mediastack-sabnzbd-standin"

            def log_message(self, *_args):
                return

            def _serve(self):
                parts = urllib.parse.urlsplit(self.path)
                if parts.path.rstrip("/") not in ("/api", "/sabnzbd/api"):
                    self._send(404, "Not found")
                    return
                params = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    body = self.rfile.read(length).decode()
                    params.update(urllib.parse.parse_qsl(body, keep_blank_values=True))
                self._send(*api.answer(params, self.headers.get("Host")))

            def _send(self, status: int, body) -> None:
                if isinstance(body, str):
                    payload, kind = body.encode(), "text/plain; charset=utf-8"
                else:
                    payload, kind = json.dumps(body).encode(), "application/json;charset=UTF-8"
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _serve

        return Handler

    def __enter__(self):
        self.server = ThreadingHTTPServer(self.address, self.handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="SABnzbd API stand-in (in-memory state).")
    parser.add_argument("--bind", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080)")
    parser.add_argument("--config", type=Path, help="a seeded sabnzbd.ini to start from (keys, settings)")
    args = parser.parse_args(argv)
    if args.config:
        state = SabnzbdState.from_ini(args.config.read_text(encoding="utf-8"))
    else:
        state = SabnzbdState(os.environ.get("SABNZBD_API_KEY", ""), os.environ.get("SABNZBD_NZB_KEY", ""))
    if os.environ.get("SABNZBD_API_KEY"):
        state.misc["api_key"] = os.environ["SABNZBD_API_KEY"]
    if not state.misc["api_key"]:
        print("sabnzbd stand-in: set SABNZBD_API_KEY or give --config with an api_key", file=sys.stderr)
        return 2
    stand_in = SabnzbdStandIn(state)
    stand_in.address = (args.bind, args.port)
    return serve_until_signalled(stand_in, "sabnzbd")


if __name__ == "__main__":
    sys.exit(main())
