# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Mylar3's config.ini: the settings its API cannot change.

Mylar3's API (``/api?apikey=...&cmd=...``) reads the library and manages indexer providers, but has
no command that changes the configuration, so the folders, the download clients and the API key
are written into ``config.ini`` (configparser format, lower-case keys, ``%`` doubled). Mylar3
reads the file when it starts: restart it after a change.

Pure functions on text: ``read_settings`` parses the file, ``plan_settings`` compares the wanted
settings with it, and ``edit_ini`` changes only the lines of the keys that differ, keeping every
other line, comment and section as it is.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from pathlib import Path

from ansible_collections.newmedia.mediastack.plugins.module_utils._diff import MASK

APP = "Mylar3"
#: The config.ini layout version Mylar3 0.8 and later write; a new file gets it so no migration runs.
CONFIG_VERSION = 14
#: Mylar3's marker of an obfuscated secret (``ENCRYPT_PASSWORDS``): base64 of the value and 8 salt bytes.
ENCRYPTED_PREFIX = "^~$z$"

#: key -> (section, type, secret): the settings this module manages, as Mylar3's config defines them.
SETTINGS = {
    "comic_dir": ("Import", str, False),
    "destination_dir": ("General", str, False),
    "multiple_dest_dirs": ("General", str, False),
    "cache_dir": ("General", str, False),
    "launch_browser": ("General", bool, False),
    "http_host": ("Interface", str, False),
    "http_port": ("Interface", int, False),
    "http_root": ("Interface", str, False),
    "http_username": ("Interface", str, False),
    "http_password": ("Interface", str, True),
    "authentication": ("Interface", int, False),
    "api_enabled": ("API", bool, False),
    "api_key": ("API", str, True),
    "comicvine_api": ("CV", str, True),
    "nzb_downloader": ("Client", int, False),
    "torrent_downloader": ("Client", int, False),
    "sab_host": ("SABnzbd", str, False),
    "sab_username": ("SABnzbd", str, False),
    "sab_password": ("SABnzbd", str, True),
    "sab_apikey": ("SABnzbd", str, True),
    "sab_category": ("SABnzbd", str, False),
    "sab_priority": ("SABnzbd", str, False),
    "sab_to_mylar": ("SABnzbd", bool, False),
    "sab_directory": ("SABnzbd", str, False),
    "sab_client_post_processing": ("SABnzbd", bool, False),
    "sab_remove_completed": ("SABnzbd", bool, False),
    "sab_remove_failed": ("SABnzbd", bool, False),
    "enable_torrents": ("Torrents", bool, False),
    "enable_torrent_search": ("Torrents", bool, False),
    "qbittorrent_host": ("qBittorrent", str, False),
    "qbittorrent_username": ("qBittorrent", str, False),
    "qbittorrent_password": ("qBittorrent", str, True),
    "qbittorrent_label": ("qBittorrent", str, False),
    "qbittorrent_folder": ("qBittorrent", str, False),
    "qbittorrent_loadaction": ("qBittorrent", str, False),
    "enable_check_folder": ("PostProcess", bool, False),
    "check_folder": ("PostProcess", str, False),
    "post_processing": ("PostProcess", bool, False),
}
SECRETS = frozenset(key for key, (_section, _kind, secret) in SETTINGS.items() if secret)
#: Names Mylar3 takes for its numbered choices.
CHOICES = {
    "nzb_downloader": {"sabnzbd": 0, "nzbget": 1, "blackhole": 2, "none": 3},
    "torrent_downloader": {"watchfolder": 0, "utorrent": 1, "rtorrent": 2, "transmission": 3, "deluge": 4},
}
CHOICES["torrent_downloader"]["qbittorrent"] = 5
TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
FALSE_WORDS = frozenset({"false", "no", "off", "0"})
SECTION_RE = re.compile(r"^\s*\[([^\]]+)\]\s*$")
KEY_RE = re.compile(r"^\s*([^=:#;\s][^=:]*?)\s*[=:]\s?(.*)$")


class Mylar3Error(Exception):
    """A setting that cannot be written; the message names it."""


def reveal(value: str) -> str:
    """A secret as Mylar3 uses it: obfuscated values (``^~$z$...``) decoded."""
    if not value.startswith(ENCRYPTED_PREFIX):
        return value
    try:
        return base64.b64decode(value[len(ENCRYPTED_PREFIX) :])[:-8].decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return value


def read_settings(text: str) -> dict:
    """``{key: raw value}`` of the managed settings present in ``text`` (``%%`` undone, secrets revealed)."""
    found, section = {}, None
    for line in text.splitlines():
        header = SECTION_RE.match(line)
        if header:
            section = header.group(1).strip()
            continue
        pair = KEY_RE.match(line)
        if not pair or section is None:
            continue
        key = pair.group(1).strip().lower()
        if key in SETTINGS and SETTINGS[key][0] == section:
            value = pair.group(2).strip().replace("%%", "%")
            found[key] = reveal(value) if key in SECRETS else value
    return found


def typed(key: str, value):
    """``value`` (from the task or the file) as Mylar3 reads it; None for unset."""
    _section, kind, _secret = SETTINGS[key]
    if value is None or (isinstance(value, str) and value.strip() in ("", "None")):
        return None
    if kind is bool:
        word = str(value).strip().lower()
        if word not in TRUE_WORDS | FALSE_WORDS:
            raise ValueError(f"expected a boolean, got {value!r}")
        return word in TRUE_WORDS
    if kind is int:
        choice = CHOICES.get(key, {}).get(str(value).strip().lower())
        if choice is not None:
            return choice
        try:
            return int(str(value).strip())
        except ValueError:
            names = f" or one of {', '.join(CHOICES[key])}" if key in CHOICES else ""
            raise ValueError(f"expected an integer{names}, got {value!r}") from None
    if isinstance(value, (dict, list)):
        raise ValueError(f"expected a string, got {value!r}")
    return str(value).strip()


def ini_value(value) -> str:
    """A typed value as Mylar3 writes it (``True``/``False``, ``%`` doubled)."""
    if value is None:
        return "None"
    return str(value).replace("%", "%%")


def plan_settings(text: str, wanted: dict) -> tuple[dict, dict, dict]:
    """``(changes, before, after)``: ``changes`` maps each key that differs to its typed new value."""
    unknown = sorted(key for key in wanted if key.lower() not in SETTINGS)
    if unknown:
        raise Mylar3Error(
            f"Unknown Mylar3 setting: {', '.join(unknown)}. Check `settings` (Mylar3 settings from the inventory); "
            "this module writes: " + ", ".join(sorted(SETTINGS))
        )
    current = read_settings(text)
    changes, before, after = {}, {}, {}
    for name, value in wanted.items():
        key = name.lower()
        try:
            new = typed(key, value)
        except ValueError as error:
            raise Mylar3Error(f"Wrong value for Mylar3 setting {key}: {error}. Check `settings.{key}`") from None
        try:
            old = typed(key, current.get(key))
        except ValueError:
            old = current.get(key)
        before[key] = old
        after[key] = new
        if old != new:
            changes[key] = new
    return changes, before, after


def edit_ini(text: str, changes: dict, new_file: bool = False) -> str:
    """``text`` with each changed key set in its section; other lines kept as they are.

    A key missing from its section is added at the section's end, a missing section at the end of
    the file. A new file starts with ``[General] config_version`` so Mylar3 runs no migration.
    """
    lines = text.splitlines()
    if new_file and not lines:
        lines = ["[General]", f"config_version = {CONFIG_VERSION}"]
    pending = dict(changes)
    output, section_end = replace_keys(lines, pending)
    for key in list(pending):
        section = SETTINGS[key][0]
        if section in section_end:
            position = section_end[section]
            output.insert(position, f"{key} = {ini_value(pending.pop(key))}")
            section_end = {name: end + 1 if end >= position else end for name, end in section_end.items()}
    by_section: dict = {}
    for key, value in pending.items():
        by_section.setdefault(SETTINGS[key][0], []).append(f"{key} = {ini_value(value)}")
    for section, entries in by_section.items():
        if output and output[-1].strip():
            output.append("")
        output += [f"[{section}]", *entries]
    return "\n".join(output) + "\n"


def replace_keys(lines: list, pending: dict) -> tuple[list, dict]:
    """``lines`` with the keys in ``pending`` (popped) replaced in place, and where each section ends."""
    section, section_end, output = None, {}, []
    for line in lines:
        header = SECTION_RE.match(line)
        pair = KEY_RE.match(line)
        if header:
            section = header.group(1).strip()
        elif pair and section is not None:
            key = pair.group(1).strip().lower()
            if key in pending and SETTINGS[key][0] == section:
                line = f"{key} = {ini_value(pending.pop(key))}"  # noqa: PLW2901 - the line as written back
        output.append(line)
        if section is not None and (header or line.strip()):
            section_end[section] = len(output)
    return output, section_end


def read_file(path: str) -> tuple[bool, str]:
    """``(exists, text)`` of config.ini."""
    file = Path(path)
    if not file.is_file():
        return False, ""
    return True, file.read_text(encoding="utf-8")


def write_file(path: str, text: str) -> str:
    """Write ``text`` beside ``path`` (owner-only) and return that temporary file's name."""
    temporary = f"{path}.mediastack.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    return temporary


def masked(values: dict) -> dict:
    return {key: (MASK if key in SECRETS and value not in (None, "") else value) for key, value in values.items()}
