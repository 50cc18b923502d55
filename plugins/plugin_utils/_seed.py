# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials written into applications' own config files before their first start.

Pure functions. Salts are derived from the password and a per-platform key with HMAC, so the same
inputs give the same file on every run (no change reported) while two platforms never share a
hash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

#: qBittorrent's WebUI password hashing: PBKDF2-HMAC-SHA512, 100000 rounds, 16-byte salt, 64-byte key.
QBITTORRENT_ROUNDS = 100_000


def derived_salt(password: str, key: str, purpose: str, size: int = 16) -> bytes:
    """A stable salt for ``password``: HMAC-SHA256 over purpose and password, keyed per platform."""
    digest = hmac.new(key.encode(), f"{purpose}\0{password}".encode(), hashlib.sha256).digest()
    return digest[:size]


def qbittorrent_password(password: str, salt: bytes) -> str:
    """The ``WebUI\\Password_PBKDF2`` value of qBittorrent.conf: ``@ByteArray(<salt>:<key>)``, base64."""
    key = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, QBITTORRENT_ROUNDS, dklen=64)
    return f"@ByteArray({base64.b64encode(salt).decode()}:{base64.b64encode(key).decode()})"


def servarr_config(api_key: str, port: int, authentication: str = "External", required: str = "Enabled") -> str:
    """A minimal ``config.xml`` of a Servarr app (Readarr): its API key and how users sign in.

    The app fills in every other setting on its first start and keeps the values given here.
    ``required`` empty leaves AuthenticationRequired out, for builds that predate it.
    """
    values = {
        "BindAddress": "*",
        "Port": str(port),
        "ApiKey": api_key,
        "AuthenticationMethod": authentication,
    }
    if required:
        values["AuthenticationRequired"] = required
    escaped = {
        name: value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for name, value in values.items()
    }
    lines = [f"  <{name}>{value}</{name}>" for name, value in escaped.items()]
    return "<Config>\n" + "\n".join(lines) + "\n</Config>\n"


def qbittorrent_conf(username: str, password_hash: str) -> str:
    """``qBittorrent.conf`` with the WebUI user and its PBKDF2 hash (see ``qbittorrent_password``)."""
    return (
        "[LegalNotice]\n"
        "Accepted=true\n"
        "\n"
        "[Preferences]\n"
        f"WebUI\\Username={username}\n"
        f'WebUI\\Password_PBKDF2="{password_hash}"\n'
    )


#: The default category ``*`` as SABnzbd itself writes it (``config.get_categories``).
SABNZBD_DEFAULT_CATEGORY = "".join(
    f"{line}\n"
    for line in (
        "[[*]]",
        "name = *",
        "order = 0",
        "pp = 3",
        "script = None",
        'dir = ""',
        'newzbin = ""',
        "priority = 0",
    )
)


def sabnzbd_config(port: int, api_key: str, nzb_key: str, host_whitelist: list[str]) -> str:
    """``sabnzbd.ini``: the port, the API and NZB keys, and the host names it answers to.

    ``selftest_host`` is empty, so SABnzbd looks up no outside name to test its connection. The
    ``[categories]`` section holds the default category ``*``: whenever SABnzbd lists its categories
    and finds no ``*``, it adds ``*`` and the suggestions movies, tv, audio and software, each
    replacing a category of that name already set (its folder lost).
    """
    return (
        "[misc]\n"
        f"port = {port}\n"
        f"api_key = {api_key}\n"
        f"nzb_key = {nzb_key}\n"
        f"host_whitelist = {', '.join(host_whitelist)},\n"
        'selftest_host = ""\n'
        "[categories]\n" + SABNZBD_DEFAULT_CATEGORY
    )
