"""Replicas behind HAProxy, CrowdSec on Traefik's access log, the VPN gateway's outbound subnets,
Homepage's allowed hosts and widgets, Prometheus's scrape targets, and the seeded app credentials:
on a small catalog written here, independent of the shipped one."""

from __future__ import annotations

import base64
import hashlib

import pytest
import yaml

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import as_definition, normalise_catalog
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._inputs import GIVEN_SECRET
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._layout import MASK, host_layout
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import PlanError, build_plan
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._render import host_files
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.compose import (
    compose_project,
    homepage_allowed_hosts,
    vpn_outbound_subnets,
)
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.haproxy import haproxy_config
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.homepage import homepage_services
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.prometheus import prometheus_config
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.traefik import traefik_dynamic
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._secrets import required_secrets
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._seed import derived_salt, qbittorrent_password
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._users import SALT_STORE_NAME

from .test_plan import CATALOG
from .test_render import SETTINGS, validate

HC = ["CMD", "true"]
EXTRA = {
    "crowdsec": {
        "platform": "intrusion_detection",
        "layer": "edge",
        "image": "docker.io/crowdsecurity/crowdsec",
        "version": "v1.7.8",
        "slot": 22,
        "segments": ["proxy", "data"],
        "port": 8080,
        "config": "/etc/crowdsec",
        "image_config": {"/etc/crowdsec": "seeded"},
        "environment": {"COLLECTIONS": "crowdsecurity/traefik"},
        "reads": {"traefik.logs": "/var/log/traefik"},
        "metrics": {"port": 6060, "path": "/metrics"},
    },
    "haproxy": {
        "platform": "load_balancer",
        "layer": "edge",
        "image": "docker.io/library/haproxy",
        "version": "3.4.3-alpine",
        "slot": 24,
        "segments": ["proxy", "media"],
        "port": 8404,
        "ports": {"http": 8080},
        "config": "/usr/local/etc/haproxy",
        "image_config": {"/usr/local/etc/haproxy": "rendered"},
        "metrics": {"port": 8404, "path": "/metrics"},
    },
    "gluetun": {
        "layer": "content",
        "platform": "vpn_gateway",
        "feature": "vpn",
        "image": "docker.io/qmcgaw/gluetun",
        "version": "v3.41.1",
        "slot": 60,
        "segments": ["dmz", "media"],
        "port": 8000,
        "config": "/gluetun",
    },
    "qbittorrent": {
        "layer": "content",
        "platform": "torrent_client",
        "feature": "vpn",
        "image": "lscr.io/linuxserver/qbittorrent",
        "version": "5.2.3_v2.0.13-ls469",
        "slot": 61,
        "segments": ["media"],
        "network_mode": "vpn",
        "port": 8080,
        "depends_on": ["gluetun"],
        "secrets": [{"name": "webui_password", "seed": True}],
        "seed": "qbittorrent",
        "route": {"policy": "two_factor", "groups": ["admins"]},
        "dashboard": {
            "group": "Downloads",
            "icon": "qbittorrent.svg",
            "widget": "qbittorrent",
            "widget_api": "/api/v2/",
            "widget_fields": {"username": "admin"},
            "widget_secrets": {"password": "webui_password"},
        },
    },
    "sabnzbd": {
        "layer": "content",
        "feature": "vpn",
        "image": "lscr.io/linuxserver/sabnzbd",
        "version": "5.0.4-ls263",
        "slot": 62,
        "segments": ["media"],
        "network_mode": "vpn",
        "port": 8085,
        "depends_on": ["gluetun"],
        "secrets": [{"name": "api_key", "seed": True}, {"name": "nzb_key", "seed": True}],
        "seed": "sabnzbd",
        "route": {"policy": "two_factor", "groups": ["admins"], "bypass_paths": ["^/api([/?].*)?$"]},
    },
    "readarr": {
        "layer": "content",
        "image": "lscr.io/linuxserver/readarr",
        "version": "develop-0.4.18.2805-ls157",
        "slot": 66,
        "segments": ["media"],
        "port": 8787,
        "secrets": [{"name": "api_key", "seed": True}],
        "seed": "servarr",
        "route": {"policy": "two_factor", "groups": ["admins"], "bypass_paths": ["^/api([/?].*)?$"]},
        "dashboard": {
            "group": "Library",
            "icon": "readarr.svg",
            "widget": "readarr",
            "widget_api": "/api/v1/",
            "widget_secrets": {"key": "api_key"},
        },
    },
    "prometheus": {
        "platform": "metrics",
        "layer": "observability",
        "image": "docker.io/prom/prometheus",
        "version": "v3.14.0",
        "slot": 80,
        "segments": ["admin"],
        "port": 9090,
        "config": "/etc/prometheus",
        "image_config": {"/etc/prometheus": "rendered"},
        "volumes": {"data": "/prometheus"},
        "metrics": {"port": 9090, "path": "/metrics"},
        "route": {"policy": "two_factor", "groups": ["admins"]},
        "dashboard": {
            "group": "Monitoring",
            "icon": "prometheus.svg",
            "widget": "prometheus",
            "widget_api": "/api/v1/",
        },
    },
    "alertmanager": {
        "platform": "alerts",
        "layer": "observability",
        "image": "docker.io/prom/alertmanager",
        "version": "v0.34.0",
        "slot": 81,
        "segments": ["admin"],
        "port": 9093,
        "config": "/alertmanager",
        "volumes": {"etc": "/etc/alertmanager"},
        "image_config": {"/etc/alertmanager": "rendered"},
        "metrics": {"port": 9093, "path": "/metrics"},
    },
    "node-exporter": {
        "layer": "observability",
        "image": "docker.io/prom/node-exporter",
        "version": "v1.12.1",
        "slot": 85,
        "segments": ["admin"],
        "port": 9100,
        "config": "",
        "metrics": {"port": 9100, "path": "/metrics"},
    },
    "homepage": {
        "platform": "dashboard",
        "layer": "observability",
        "image": "ghcr.io/gethomepage/homepage",
        "version": "v1.12.3",
        "slot": 89,
        "segments": ["admin", "proxy"],
        "port": 3000,
        "config": "/app/config",
        "healthcheck": ["CMD", "wget", "-q", "--spider", "http://127.0.0.1:3000/api/healthcheck"],
        "route": {"subdomain": "home", "policy": "one_factor"},
        "replicable": True,
        "replica_slots": [190, 191],
    },
}
BASE = {name: dict(entry) for name, entry in CATALOG.items()}
BASE["traefik"]["volumes"] = {"logs": "/var/log/traefik"}
BASE["traefik"]["metrics"] = {"port": 8080, "path": "/metrics"}
BASE["sonarr"]["secrets"] = [{"name": "api_key", "env": "SONARR__AUTH__APIKEY"}]
BASE["sonarr"]["dashboard"] = {
    "group": "Library",
    "icon": "sonarr.svg",
    "widget": "sonarr",
    "widget_api": "/api/v3/",
    "widget_secrets": {"key": "api_key"},
}
BASE["jellyfin"]["metrics"] = {"port": 8096, "path": "/metrics"}
FULL = normalise_catalog({name: as_definition(entry) for name, entry in {**BASE, **EXTRA}.items()})
LAYERS = ["mediastack", *(f"mediastack_{layer}" for layer in ("edge", "data", "media", "content", "observability"))]


def inventory(**changes):
    base = {"hosts": {"one": list(LAYERS)}, "domain": "example.com", "features": {"vpn": True}, "settings": SETTINGS}
    base.update(changes)
    return base


def plan_of(**changes):
    return build_plan(FULL, inventory(**changes))


def two_homepages():
    return plan_of(services={"homepage": {"replicas": 2}})


# -- replicas -----------------------------------------------------------------------------
def test_without_replicas_every_service_has_one_copy_at_its_slot():
    plan = plan_of()
    for name, service in plan["services"].items():
        assert service["replicas"] == 1, name
        assert service["replica_addresses"] == [service["addresses"]], name
    assert "frontend replicated" not in haproxy_config(plan)
    # Only the health and metrics front end: no back end without a replicated route.
    assert haproxy_config(plan).rstrip().endswith("http-request use-service prometheus-exporter if { path /metrics }")


def test_replicas_take_the_catalogs_replica_slots_and_renumber_nothing():
    single, double = plan_of(), two_homepages()
    homepage = double["services"]["homepage"]
    assert homepage["replicas"] == 2
    assert homepage["replica_addresses"] == [
        {"admin": "10.10.2.89", "proxy": "10.10.0.89"},
        {"admin": "10.10.2.190", "proxy": "10.10.0.190"},
    ]
    for name, service in single["services"].items():
        assert double["services"][name]["addresses"] == service["addresses"], name


def test_each_replica_is_a_compose_service_of_its_own():
    project = compose_project(two_homepages(), "one", "observability")
    assert sorted(project["services"]) == ["alertmanager", "homepage", "homepage-2", "node-exporter", "prometheus"]
    second = project["services"]["homepage-2"]
    assert second["container_name"] == "mediastack-homepage-2"
    assert second["hostname"] == "homepage-2"
    assert second["networks"] == {
        "mediastack_admin": {"ipv4_address": "10.10.2.190"},
        "mediastack_proxy": {"ipv4_address": "10.10.0.190"},
    }
    assert second["volumes"] == project["services"]["homepage"]["volumes"]


def test_a_replicated_route_goes_through_haproxy():
    plan = two_homepages()
    backends = traefik_dynamic(plan)["routes"]["http"]["services"]
    assert backends["homepage"] == {"loadBalancer": {"servers": [{"url": "http://10.10.0.24:8080"}]}}
    assert backends["sonarr"] == {"loadBalancer": {"servers": [{"url": "http://10.10.1.63:8989"}]}}
    assert {"from": "traefik", "to": "haproxy", "segment": "proxy", "port": 8080, "reason": "route"} in plan["flows"]
    assert {"from": "haproxy", "to": "homepage", "segment": "proxy", "port": 3000, "reason": "replica"} in plan["flows"]


def test_haproxy_balances_every_replica_with_checks_and_sticky_cookies():
    config = haproxy_config(two_homepages())
    lines = config.splitlines()
    assert "  use_backend homepage if { req.hdr(host),field(1,:) -i home.example.com }" in lines
    backend = lines[lines.index("backend homepage") :]
    assert backend[:6] == [
        "backend homepage",
        "  balance roundrobin",
        "  option httpchk",
        "  http-check send meth GET uri /api/healthcheck ver HTTP/1.1 hdr Host home.example.com",
        "  default-server inter 10s",
        "  cookie SRV insert indirect nocache",
    ]
    assert backend[6:8] == [
        "  server homepage 10.10.0.89:3000 check cookie homepage",
        "  server homepage-2 10.10.0.190:3000 check cookie homepage-2",
    ]
    assert config.endswith("\n")


@pytest.mark.parametrize(
    ("services", "expected"),
    [
        ({"homepage": {"replicas": 0}}, "Cannot plan mediastack_services.homepage.replicas: 0 is not a whole number"),
        ({"homepage": {"replicas": "2"}}, "Cannot plan mediastack_services.homepage.replicas: '2' is not a whole"),
        ({"homepage": {"replicas": True}}, "Cannot plan mediastack_services.homepage.replicas: True is not a whole"),
        ({"homepage": {"replicas": 1.5}}, "Cannot plan mediastack_services.homepage.replicas: 1.5 is not a whole"),
        (
            {"sonarr": {"replicas": 2}},
            "Cannot plan mediastack_services.sonarr.replicas: sonarr keeps state of its own",
        ),
        (
            {"homepage": {"replicas": 4}},
            "Cannot plan mediastack_services.homepage.replicas: the catalog reserves addresses for 3 copies",
        ),
        (
            {"homepage": {"replicas": 2}, "haproxy": {"enabled": False}},
            "Cannot plan mediastack_services.haproxy.enabled: homepage runs 2 copies behind its route",
        ),
        (
            {"crowdsec": {"host": "two"}},
            "Cannot plan mediastack_services.crowdsec.host: crowdsec reads the logs folder of traefik, which runs "
            "on one",
        ),
    ],
    ids=["zero", "string", "bool", "float", "not-replicable", "too-many", "no-haproxy", "reads-across-hosts"],
)
def test_bad_replicas_and_shared_folders_name_the_variable(services, expected):
    hosts = {"one": list(LAYERS), "two": ["mediastack"]}
    with pytest.raises(PlanError) as raised:
        build_plan(FULL, inventory(hosts=hosts, services=services))
    assert any(problem.startswith(expected) for problem in raised.value.problems), raised.value.problems


# -- CrowdSec, Gluetun, Homepage, Prometheus -----------------------------------------------
def test_crowdsec_reads_traefiks_access_log_read_only():
    plan = plan_of()
    edge = compose_project(plan, "one", "edge")["services"]
    assert edge["traefik"]["volumes"] == ["/srv/ms/traefik:/config", "/srv/ms/traefik-logs:/var/log/traefik"]
    assert "/srv/ms/traefik-logs:/var/log/traefik:ro" in edge["crowdsec"]["volumes"]
    files = host_files(plan, "one")
    assert files["config/crowdsec/acquis.d/traefik.yaml"] == {
        "filenames": ["/var/log/traefik/access.log"],
        "labels": {"type": "traefik"},
    }
    assert files["config/traefik/traefik.yaml"]["accessLog"]["filePath"] == "/var/log/traefik/access.log"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, ["10.10.1.0/24"]),
        ({"segments": {"media": "192.168.50.0/24"}}, ["192.168.50.0/24"]),
        ({"features": {"vpn": False}}, []),
    ],
    ids=["default", "own-media-segment", "no-vpn"],
)
def test_the_vpn_gateway_lets_the_clients_reach_the_segments_of_their_flows(changes, expected):
    plan = plan_of(**changes)
    assert vpn_outbound_subnets(plan) == expected
    content = compose_project(plan, "one", "content")["services"]
    if expected:
        assert content["gluetun"]["environment"]["FIREWALL_OUTBOUND_SUBNETS"] == ",".join(expected)


def test_the_vpn_gateway_also_lets_through_a_flow_on_another_segment():
    plan = plan_of()
    plan["flows"].append({"from": "sonarr", "to": "qbittorrent", "segment": "admin", "port": 8080, "reason": "x"})
    assert vpn_outbound_subnets(plan) == ["10.10.1.0/24", "10.10.2.0/24"]


@pytest.mark.parametrize(
    ("plan_factory", "expected"),
    [
        (plan_of, ["home.example.com", "10.10.2.89:3000", "10.10.0.89:3000"]),
        (
            two_homepages,
            ["home.example.com", "10.10.2.89:3000", "10.10.0.89:3000", "10.10.2.190:3000", "10.10.0.190:3000"],
        ),
    ],
    ids=["one-copy", "two-copies"],
)
def test_homepage_allows_its_route_and_its_own_addresses(plan_factory, expected):
    plan = plan_factory()
    assert homepage_allowed_hosts(plan) == expected
    project = compose_project(plan, "one", "observability")
    assert project["services"]["homepage"]["environment"]["HOMEPAGE_ALLOWED_HOSTS"] == ",".join(expected)


def tiles(plan) -> dict:
    return {
        name: tile
        for group in homepage_services(plan)
        for items in group.values()
        for item in items
        for name, tile in item.items()
    }


def test_widgets_reference_keys_through_variables_and_reach_the_app():
    widgets = {name: tile.get("widget") for name, tile in tiles(plan_of()).items()}
    assert widgets["sonarr"] == {
        "type": "sonarr",
        "url": "https://sonarr.example.com",
        "key": "{{HOMEPAGE_VAR_SONARR_API_KEY}}",
    }
    # qBittorrent's API (/api/v2/) is behind two-factor sign-in on its route and Homepage shares no
    # segment with the VPN gateway: a widget could only read the portal's redirect, so none is shown.
    assert widgets["qbittorrent"] is None
    # On a segment Homepage shares, the widget asks the app's own address.
    assert widgets["prometheus"] == {"type": "prometheus", "url": "http://10.10.2.80:9090"}


def test_homepages_env_file_carries_the_widget_keys_and_nothing_else_does():
    plan = plan_of()
    store = {name: f"value-of-{name}" for name in required_secrets(plan)}
    layout = host_layout(plan, "one", store, SETTINGS)
    files = {item["path"]: item for item in layout["files"]}
    env = files["/srv/ms/env/homepage.env"]
    # No qBittorrent password: its widget is not shown (see above), so Homepage needs none.
    assert env["content"] == (
        "HOMEPAGE_VAR_READARR_API_KEY=value-of-readarr.api_key\nHOMEPAGE_VAR_SONARR_API_KEY=value-of-sonarr.api_key\n"
    )
    assert (env["mode"], env["secret"]) == ("0600", True)
    services_yaml = files["/srv/ms/homepage/services.yaml"]["content"]
    assert "value-of-" not in services_yaml
    assert "{{HOMEPAGE_VAR_SONARR_API_KEY}}" in services_yaml
    compose = yaml.safe_load(files["/srv/ms/compose/observability/compose.yaml"]["content"])
    assert compose["services"]["homepage"]["env_file"] == ["/srv/ms/env/homepage.env"]
    # Seeded secrets reach their app through its config file, not an env file.
    assert "/srv/ms/env/qbittorrent.env" not in files
    assert (
        "env_file"
        not in yaml.safe_load(files["/srv/ms/compose/content/compose.yaml"]["content"])["services"]["qbittorrent"]
    )


def test_traefiks_dns_provider_credentials_reach_it_through_its_env_file_only():
    acme = {"challenge": "dns", "dns_provider": "cloudflare", "dns_credentials": {"CF_DNS_API_TOKEN": "t0ken"}}
    settings = dict(SETTINGS, acme=acme)
    plan = plan_of(settings=settings)
    # The plan names the credential, never its value.
    assert plan["settings"]["acme"]["dns_credentials"] == {"CF_DNS_API_TOKEN": GIVEN_SECRET}
    store = {name: f"value-of-{name}" for name in required_secrets(plan)}
    files = {item["path"]: item for item in host_layout(plan, "one", store, settings)["files"]}
    env = files["/srv/ms/env/traefik.env"]
    assert env["content"] == "CF_DNS_API_TOKEN=t0ken\n"
    assert (env["mode"], env["secret"], env["service"]) == ("0600", True, "traefik")
    edge = files["/srv/ms/compose/edge/compose.yaml"]["content"]
    assert yaml.safe_load(edge)["services"]["traefik"]["env_file"] == ["/srv/ms/env/traefik.env"]
    assert not any("t0ken" in item["content"] for path, item in files.items() if path != env["path"])
    # Without a store (what is shown, not applied), the value is masked.
    masked = {item["path"]: item for item in host_layout(plan, "one", None, settings)["files"]}
    assert masked["/srv/ms/env/traefik.env"]["content"] == f"CF_DNS_API_TOKEN={MASK}\n"
    # The http challenge ignores them: no env file, nothing in compose.
    http = {item["path"] for item in host_layout(plan_of(), "one", store, SETTINGS)["files"]}
    assert "/srv/ms/env/traefik.env" not in http


def test_homepage_services_with_widgets_are_valid():
    validate(homepage_services(two_homepages()), "homepage-services.schema.json")
    validate(homepage_services(plan_of()), "homepage-services.schema.json")


def test_prometheus_scrapes_what_it_reaches_and_alerts_alertmanager():
    plan = plan_of()
    config = prometheus_config(plan)
    assert config["alerting"] == {"alertmanagers": [{"static_configs": [{"targets": ["10.10.2.81:9093"]}]}]}
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert list(jobs) == sorted(jobs)
    # crowdsec, haproxy and jellyfin share no segment with Prometheus (admin): left out.
    assert list(jobs) == ["alertmanager", "node-exporter", "prometheus", "traefik"]
    assert jobs["traefik"] == {
        "job_name": "traefik",
        "metrics_path": "/metrics",
        "static_configs": [{"targets": ["10.10.2.20:8080"], "labels": {"host": "one"}}],
    }
    assert jobs["node-exporter"]["static_configs"][0]["targets"] == ["10.10.2.85:9100"]


def test_prometheus_yml_is_mounted_where_the_image_reads_it():
    plan = plan_of()
    files = host_files(plan, "one")
    assert "config/prometheus/prometheus.yml" in files
    prometheus = files["compose/observability/compose.yaml"]["services"]["prometheus"]
    assert prometheus["volumes"] == ["/srv/ms/prometheus:/etc/prometheus", "/srv/ms/prometheus-data:/prometheus"]
    layout = host_layout(plan, "one", None, SETTINGS)
    written = {item["path"]: item for item in layout["files"]}["/srv/ms/prometheus/prometheus.yml"]
    assert (written["service"], written["secret"]) == ("prometheus", False)


# -- seeds --------------------------------------------------------------------------------
STORE_KEYS = {SALT_STORE_NAME: "platform-salt-key"}


def seeded(store_overrides=None, masked=False):
    settings = dict(SETTINGS, puid=1500, pgid=1501)
    plan = plan_of(settings=settings)
    store = {name: f"{name}-value" for name in required_secrets(plan)}
    store.update(STORE_KEYS)
    store.update(store_overrides or {})
    layout = host_layout(plan, "one", None if masked else store, settings)
    return {item["path"]: item for item in layout["files"]}, layout


def test_seeds_are_owner_only_secret_files_written_only_when_absent():
    files, layout = seeded()
    seeds = sorted(path for path, item in files.items() if item["seed"])
    assert seeds == [
        "/srv/ms/qbittorrent/qBittorrent/qBittorrent.conf",
        "/srv/ms/readarr/config.xml",
        "/srv/ms/sabnzbd/sabnzbd.ini",
    ]
    for path in seeds:
        assert (files[path]["owner"], files[path]["group"], files[path]["mode"]) == ("1500", "1501", "0600"), path
        assert files[path]["secret"] is True
    assert not any(item["seed"] for path, item in files.items() if path not in seeds)
    folders = {item["path"] for item in layout["directories"]}
    assert "/srv/ms/qbittorrent/qBittorrent" in folders


def test_readarr_gets_its_key_and_leaves_sign_in_to_the_portal():
    files, _layout = seeded()
    config = files["/srv/ms/readarr/config.xml"]["content"]
    assert "<ApiKey>readarr.api_key-value</ApiKey>" in config
    # Its API knows none, basic and forms only: no External, no AuthenticationRequired.
    assert "<AuthenticationMethod>None</AuthenticationMethod>" in config
    assert "AuthenticationRequired" not in config
    assert "<Port>8787</Port>" in config


def test_qbittorrent_gets_a_stable_pbkdf2_hash_of_its_password():
    files, _layout = seeded({"qbittorrent.webui_password": "correct horse"})
    config = files["/srv/ms/qbittorrent/qBittorrent/qBittorrent.conf"]["content"]
    salt = derived_salt("correct horse", "platform-salt-key", "qbittorrent")
    assert "WebUI\\Username=admin\n" in config
    assert f'WebUI\\Password_PBKDF2="{qbittorrent_password("correct horse", salt)}"\n' in config
    encoded = config.split("@ByteArray(")[1].split(")")[0]
    salt_b64, key_b64 = encoded.split(":")
    expected = hashlib.pbkdf2_hmac("sha512", b"correct horse", base64.b64decode(salt_b64), 100_000, dklen=64)
    assert base64.b64decode(key_b64) == expected
    again, _layout = seeded({"qbittorrent.webui_password": "correct horse"})
    assert again["/srv/ms/qbittorrent/qBittorrent/qBittorrent.conf"]["content"] == config


def test_sabnzbd_gets_its_port_keys_and_host_name():
    files, _layout = seeded()
    assert files["/srv/ms/sabnzbd/sabnzbd.ini"]["content"] == (
        "[misc]\n"
        "port = 8085\n"
        "api_key = sabnzbd.api_key-value\n"
        "nzb_key = sabnzbd.nzb_key-value\n"
        "host_whitelist = sabnzbd.example.com,\n"
        'selftest_host = ""\n'
        "[categories]\n"
        "[[*]]\n"
        "name = *\n"
        "order = 0\n"
        "pp = 3\n"
        "script = None\n"
        'dir = ""\n'
        'newzbin = ""\n'
        "priority = 0\n"
    )


def test_a_rendering_meant_to_be_read_masks_every_seed():
    files, _layout = seeded(masked=True)
    for path in ("/srv/ms/readarr/config.xml", "/srv/ms/sabnzbd/sabnzbd.ini"):
        assert MASK in files[path]["content"], path
        assert "-value" not in files[path]["content"], path
    assert 'Password_PBKDF2="********"' in files["/srv/ms/qbittorrent/qBittorrent/qBittorrent.conf"]["content"]


def test_the_salt_key_is_generated_for_qbittorrent_even_without_authelia():
    plan = plan_of(services={"authelia": {"enabled": False}})
    assert SALT_STORE_NAME in required_secrets(plan)
    assert "qbittorrent.webui_password" in required_secrets(plan)


def test_the_same_input_renders_the_same_files():
    first = yaml.safe_dump(host_files(two_homepages(), "one"), sort_keys=False)
    again = yaml.safe_dump(host_files(two_homepages(), "one"), sort_keys=False)
    assert first == again
