"""Unit tests for the shipped service catalog (catalog/services/*.yml) and the checks that guard it."""

from __future__ import annotations

import ast
import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import (
    DEFAULTS,
    FIELDS,
    REQUIRED,
    CatalogError,
    as_definition,
    health_path,
    load_catalog,
    normalise_catalog,
    normalise_entry,
    own_folders,
)
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import RETIRED

from ...tools import load_tool

ROOT = Path(__file__).resolve().parents[4]
SERVICES = ROOT / "catalog" / "services"

#: The fixed plan of the catalog: layer, address slot and segments of every service.
TABLE = {
    "traefik": ("edge", 20, ["dmz", "proxy", "media", "admin"]),
    "authelia": ("edge", 21, ["proxy", "data"]),
    "crowdsec": ("edge", 22, ["proxy", "data"]),
    "haproxy": ("edge", 24, ["proxy", "media"]),
    "socket-proxy": ("edge", 25, ["proxy", "admin"]),
    "postgres": ("data", 30, ["data"]),
    "redis": ("data", 31, ["data"]),
    "meilisearch": ("data", 32, ["data"]),
    "elasticsearch": ("data", 33, ["data"]),
    "immich-postgres": ("data", 34, ["data"]),
    "jellyfin": ("media", 40, ["media"]),
    "plex": ("media", 41, ["media"]),
    "navidrome": ("media", 42, ["media"]),
    "audiobookshelf": ("media", 43, ["media"]),
    "immich-server": ("media", 44, ["media", "data"]),
    "immich-machine-learning": ("media", 45, ["media", "data"]),
    "kavita": ("media", 46, ["media"]),
    "calibre-web": ("media", 47, ["media"]),
    "gluetun": ("content", 60, ["dmz", "media"]),
    "qbittorrent": ("content", 61, ["media"]),
    "sabnzbd": ("content", 62, ["media"]),
    "sonarr": ("content", 63, ["media"]),
    "radarr": ("content", 64, ["media"]),
    "lidarr": ("content", 65, ["media"]),
    "readarr": ("content", 66, ["media"]),
    "mylar3": ("content", 67, ["media"]),
    "prowlarr": ("content", 68, ["media"]),
    "seerr": ("content", 69, ["media"]),
    "prometheus": ("observability", 80, ["admin"]),
    "alertmanager": ("observability", 81, ["admin"]),
    "grafana": ("observability", 82, ["admin", "data"]),
    "loki": ("observability", 83, ["admin"]),
    "alloy": ("observability", 84, ["admin"]),
    "node-exporter": ("observability", 85, ["admin"]),
    "cadvisor": ("observability", 86, ["admin"]),
    "jellystat": ("observability", 87, ["admin", "data"]),
    "tautulli": ("observability", 88, ["admin"]),
    "homepage": ("observability", 89, ["admin", "proxy"]),
}

#: Where each layer lives (docs: layers and segments); every service joins at least one of these.
LAYER_SEGMENTS = {
    "edge": {"dmz", "proxy"},
    "data": {"data"},
    "media": {"media"},
    "content": {"media", "dmz"},
    "observability": {"admin"},
}
FLOATING_TAGS = {"latest", "stable", "develop", "nightly", "edge", "main", "master", "beta", "lts", "public", "release"}
ADMIN_APPS = {
    "traefik",
    "qbittorrent",
    "sabnzbd",
    "sonarr",
    "radarr",
    "lidarr",
    "readarr",
    "mylar3",
    "prowlarr",
    "prometheus",
    "alertmanager",
    "grafana",
}
USER_APPS = {
    "jellyfin",
    "plex",
    "navidrome",
    "audiobookshelf",
    "immich-server",
    "kavita",
    "calibre-web",
    "seerr",
    "jellystat",
    "tautulli",
}
DASHBOARD_GROUPS = {"Media", "Requests", "Downloads", "Library", "Monitoring", "Infrastructure"}
LSIO_CAPABILITIES = {"CHOWN", "SETUID", "SETGID", "DAC_OVERRIDE", "FOWNER"}


def load_entries() -> dict[str, object]:
    return {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(SERVICES.glob("*.yml"))}


@pytest.fixture(scope="module")
def catalog() -> dict[str, dict]:
    return load_catalog(SERVICES)


def test_load_catalog_names_a_file_that_is_not_yaml(tmp_path):
    (tmp_path / "broken.yml").write_text("layer: [edge\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"^catalog/services/broken.yml: file is not valid YAML"):
        load_catalog(tmp_path)


def test_load_catalog_refuses_an_empty_folder(tmp_path):
    with pytest.raises(CatalogError, match="no service definitions found"):
        load_catalog(tmp_path)


# -- the shipped catalog ------------------------------------------------------------------
def test_every_file_opens_with_a_document_start_and_says_what_the_service_is():
    for path in sorted(SERVICES.glob("*.yml")):
        first, second = path.read_text(encoding="utf-8").splitlines()[:2]
        assert first == "---", path.name
        assert second.startswith("# ") and len(second) > 20, path.name


def test_every_service_of_the_table_is_there_and_nothing_else(catalog):
    assert sorted(catalog) == sorted(TABLE)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_layer_slot_and_segments_follow_the_table(catalog, name):
    layer, slot, segments = TABLE[name]
    service = catalog[name]
    assert (service["layer"], service["slot"], service["segments"]) == (layer, slot, segments)


def test_every_image_is_pinned_to_a_release_tag(catalog):
    for name, service in catalog.items():
        image, version = service["image"], service["version"]
        assert "." in image.split("/")[0], f"{name}: {image} names no registry host"
        assert ":" not in image.rsplit("/", 1)[-1] and "@" not in image, f"{name}: {image} carries a tag"
        assert version.lower() not in FLOATING_TAGS, f"{name}: {version}"
        assert "latest" not in version.lower(), f"{name}: {version}"
        assert re.search(r"\d+\.\d+", version), f"{name}: {version} is no version number"


def test_the_tags_are_the_chosen_ones(catalog):
    assert catalog["traefik"]["version"] == "v3.7.15"
    assert catalog["authelia"]["version"] == "4.39.28"
    assert catalog["seerr"]["version"] == "v3.5.0"
    assert catalog["readarr"]["image"] == "ghcr.io/pennydreadful/bookshelf"
    assert catalog["readarr"]["version"] == "hardcover-v0.4.20.129"
    assert catalog["haproxy"]["version"] == "3.4.3-alpine"
    assert catalog["postgres"]["version"] == "18.6"
    assert catalog["redis"]["version"] == "8.10.1-alpine"
    assert catalog["immich-postgres"]["version"] == "14-vectorchord0.4.3-pgvectors0.2.0"
    assert catalog["alloy"]["version"] == "v1.21.2"
    # Server and machine learning must run the same Immich release.
    assert catalog["immich-machine-learning"]["version"].startswith(catalog["immich-server"]["version"] + "-")


def test_every_routed_service_has_a_health_check(catalog):
    for name, service in catalog.items():
        if service["route"] is not None:
            assert service["healthcheck"], name


def test_health_checks_are_exec_form_and_every_service_has_one(catalog):
    without = sorted(name for name, service in catalog.items() if service["healthcheck"] is None)
    assert without == []
    for name, service in catalog.items():
        if service["healthcheck"] is not None:
            assert service["healthcheck"][0] == "CMD", name
            assert all(isinstance(part, str) for part in service["healthcheck"]), name


def test_every_service_joins_a_segment_of_its_layer(catalog):
    for name, service in catalog.items():
        if service["network_mode"] == "vpn":
            continue
        assert set(service["segments"]) & LAYER_SEGMENTS[service["layer"]], name


def test_data_layer_services_have_no_route_and_no_tile(catalog):
    for name, service in catalog.items():
        if service["layer"] == "data":
            assert service["route"] is None, name
            assert service["dashboard"] is None, name
            assert service["segments"] == ["data"], name


def test_services_that_write_the_media_tree_run_as_the_media_user(catalog):
    writers = sorted(name for name, service in catalog.items() if service["data"] == "rw")
    assert writers == [
        "audiobookshelf",
        "calibre-web",
        "lidarr",
        "mylar3",
        "qbittorrent",
        "radarr",
        "readarr",
        "sabnzbd",
        "sonarr",
    ]
    for name in writers:
        assert catalog[name]["runs_as"] in ("puid", "user"), name


def test_image_run_services_say_which_user_owns_their_folders(catalog):
    for name, service in catalog.items():
        if service["runs_as"] == "image":
            assert re.fullmatch(r"\d+:\d+", service["image_user"]), name
        else:
            assert service["image_user"] == "", name


def test_capabilities_follow_the_run_model(catalog):
    for name, service in catalog.items():
        if service["runs_as"] == "user":
            assert service["capabilities"] == [], name
        if service["image"].startswith("lscr.io/linuxserver/"):
            assert service["runs_as"] == "puid", name
            assert set(service["capabilities"]) == LSIO_CAPABILITIES, name
    assert catalog["traefik"]["capabilities"] == ["NET_BIND_SERVICE"]
    assert set(catalog["gluetun"]["capabilities"]) == {"NET_ADMIN", "NET_RAW"}
    assert catalog["gluetun"]["devices"] == ["/dev/net/tun"]


def test_routes_carry_the_policy_of_their_audience(catalog):
    for name in ADMIN_APPS:
        route = catalog[name]["route"]
        assert (route["policy"], route["groups"]) == ("two_factor", ["admins"]), name
    for name in USER_APPS:
        route = catalog[name]["route"]
        assert (route["policy"], route["groups"]) == ("one_factor", ["users"]), name
    assert catalog["authelia"]["route"]["subdomain"] == "auth"
    assert catalog["authelia"]["route"]["policy"] == "bypass"
    assert catalog["homepage"]["route"]["policy"] == "one_factor"
    assert catalog["traefik"]["route"]["subdomain"] == "traefik"
    assert catalog["crowdsec"]["route"] is None
    routed = {name for name, service in catalog.items() if service["route"] is not None}
    assert routed == ADMIN_APPS | USER_APPS | {"authelia", "homepage"}


def test_bypass_paths_are_anchored_regular_expressions(catalog):
    for name, service in catalog.items():
        for pattern in (service["route"] or {}).get("bypass_paths", []):
            re.compile(pattern)
            assert pattern.removeprefix("(?i)").startswith("^"), f"{name}: {pattern}"
    arr = catalog["sonarr"]["route"]["bypass_paths"]
    assert any(re.match(pattern, "/api/v3/series?apikey=x") for pattern in arr)
    assert any(re.match(pattern, "/ping") for pattern in arr)
    assert not any(re.match(pattern, "/settings/general") for pattern in arr)
    jellyfin = catalog["jellyfin"]["route"]["bypass_paths"]
    assert any(re.match(pattern, "/Users/AuthenticateByName") for pattern in jellyfin)
    assert not any(re.match(pattern, "/web/index.html") for pattern in jellyfin)


def test_routes_through_the_vpn_gateway(catalog):
    members = sorted(name for name, service in catalog.items() if service["network_mode"] == "vpn")
    assert members == ["qbittorrent", "sabnzbd"]
    for name in members:
        # Planned with the content layer, VPN or not: only the gateway depends on the feature.
        assert catalog[name]["feature"] == ""
        assert catalog[name]["depends_on"] == ["gluetun"]
    assert catalog["qbittorrent"]["route"]["port"] == 8080
    assert catalog["qbittorrent"]["ports"] == {"torrenting": 6881}


def test_features_choose_between_plex_and_jellyfin_companions(catalog):
    assert sorted(name for name, service in catalog.items() if service["feature"] == "plex") == [
        "plex",
        "tautulli",
    ]
    assert sorted(name for name, service in catalog.items() if service["feature"] == "!plex") == ["jellystat"]
    # Overseerr is archived upstream: Seerr takes requests with Plex as without it.
    assert "overseerr" not in catalog
    assert catalog["seerr"]["feature"] == ""
    assert catalog["gluetun"]["feature"] == "vpn"


def test_deprecated_services_say_why(catalog):
    deprecated = sorted(name for name, service in catalog.items() if service["deprecated"])
    assert deprecated == ["readarr"]
    assert "2025" in catalog["readarr"]["deprecated"]
    assert "Bookshelf" in catalog["readarr"]["deprecated"]


def test_retired_services_are_gone_from_the_catalog_and_name_their_successor(catalog):
    # What takes each one's place: a service of its own, or (the bouncer) a plugin Traefik loads.
    successors = {"crowdsec-bouncer": "traefik", "overseerr": "seerr", "promtail": "alloy"}
    assert sorted(RETIRED) == sorted(successors)
    for name, (cause, todo) in RETIRED.items():
        assert name not in catalog, name
        assert successors[name] in catalog, name
        assert successors[name] in f"{cause} {todo}".lower(), f"{name}: its message does not name {successors[name]}"
        assert f"mediastack_services.{name}" in todo, f"{name}: its message does not say what to remove"


def lookup_description() -> str:
    """The catalog lookup's DOCUMENTATION description, as ansible-doc shows it."""
    tree = ast.parse((ROOT / "plugins" / "lookup" / "catalog.py").read_text())
    [documentation] = [
        node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and [getattr(target, "id", "") for target in node.targets] == ["DOCUMENTATION"]
    ]
    return " ".join(yaml.safe_load(documentation)["description"])


def test_ansible_doc_names_every_deprecated_and_retired_service(catalog):
    description = lookup_description()
    for name in [name for name, service in catalog.items() if service["deprecated"]] + sorted(RETIRED):
        assert f"C({name})" in description, name
    assert "Bookshelf" in description


def test_dashboard_tiles(catalog):
    for name, service in catalog.items():
        dashboard = service["dashboard"]
        if dashboard is None:
            continue
        assert {"group", "icon", "widget"} <= set(dashboard), name
        assert dashboard["group"] in DASHBOARD_GROUPS, name
        assert re.fullmatch(r"[a-z0-9-]+\.(svg|png)", dashboard["icon"]), name
    assert catalog["homepage"]["dashboard"] is None
    assert catalog["seerr"]["dashboard"]["group"] == "Requests"


@pytest.mark.parametrize(
    ("name", "credentials"),
    [
        ("sonarr", {"key": "api_key"}),
        ("radarr", {"key": "api_key"}),
        ("lidarr", {"key": "api_key"}),
        ("prowlarr", {"key": "api_key"}),
        ("readarr", {"key": "api_key"}),
        ("sabnzbd", {"key": "api_key"}),
        ("seerr", {"key": "api_key"}),
        ("qbittorrent", {"password": "webui_password"}),
        ("grafana", {"password": "admin_password"}),
    ],
)
def test_widgets_name_the_secrets_they_sign_in_with(catalog, name, credentials):
    assert catalog[name]["dashboard"]["widget_secrets"] == credentials


@pytest.mark.parametrize("name", ["sonarr", "radarr", "lidarr", "prowlarr"])
def test_arr_apps_behind_authelia_trust_its_sign_in(catalog, name):
    environment = catalog[name]["environment"]
    prefix = name.upper()
    assert environment[f"{prefix}__AUTH__METHOD"] == "External"
    assert environment[f"{prefix}__AUTH__REQUIRED"] == "Enabled"
    assert {"name": "api_key", "env": f"{prefix}__AUTH__APIKEY"} in catalog[name]["secrets"]


@pytest.mark.parametrize(
    ("name", "seed", "secrets"),
    [
        ("readarr", "servarr", ["api_key"]),
        ("qbittorrent", "qbittorrent", ["webui_password"]),
        ("sabnzbd", "sabnzbd", ["api_key", "nzb_key"]),
    ],
)
def test_seeded_apps_keep_their_credentials_out_of_the_environment(catalog, name, seed, secrets):
    assert catalog[name]["seed"] == seed
    assert [secret["name"] for secret in catalog[name]["secrets"]] == secrets
    assert all(secret.get("seed") is True for secret in catalog[name]["secrets"])


def test_only_stateless_services_may_run_several_copies(catalog):
    assert sorted(name for name, service in catalog.items() if service["replicable"]) == ["homepage"]
    assert catalog["homepage"]["replica_slots"] == [190, 191, 192]


def test_crowdsec_reads_traefiks_access_log(catalog):
    assert catalog["crowdsec"]["reads"] == {"traefik.logs": "/var/log/traefik"}
    assert catalog["traefik"]["volumes"]["logs"] == "/var/log/traefik"
    assert "crowdsecurity/traefik" in catalog["crowdsec"]["environment"]["COLLECTIONS"].split()


def test_prometheus_reads_its_configuration_from_the_config_folder(catalog):
    assert catalog["prometheus"]["config"] == "/etc/prometheus"
    assert catalog["prometheus"]["volumes"] == {"data": "/prometheus"}


#: Where each image keeps its own configuration under one of our mounts, and how it is filled.
IMAGE_CONFIG = {
    "alertmanager": {"/etc/alertmanager": "rendered"},
    "alloy": {"/etc/alloy": "rendered"},
    "authelia": {"/config": "rendered"},
    "crowdsec": {"/etc/crowdsec": "seeded"},
    "grafana": {"/etc/grafana/provisioning": "rendered"},
    "haproxy": {"/usr/local/etc/haproxy": "rendered"},
    "homepage": {"/app/config": "rendered"},
    "prometheus": {"/etc/prometheus": "rendered"},
    "traefik": {"/etc/traefik": "rendered"},
}


def test_the_folders_where_images_keep_their_configuration_are_declared(catalog):
    declared = {name: service["image_config"] for name, service in catalog.items() if service["image_config"]}
    assert declared == IMAGE_CONFIG


def comment_above(text: str, field: str) -> str:
    """The comment lines right above a top-level field of a catalog file."""
    lines = text.splitlines()
    index = next(number for number, line in enumerate(lines) if line.startswith(f"{field}:"))
    comment = []
    while index > 0 and lines[index - 1].startswith("#"):
        index -= 1
        comment.insert(0, lines[index].lstrip("# "))
    return " ".join(comment)


def test_a_seeded_folder_cites_the_entrypoint_that_seeds_it():
    """The image's own entrypoint is the evidence that an empty folder is fine: name it."""
    for name, entry in load_entries().items():
        if "seeded" in (entry.get("image_config") or {}).values():
            comment = comment_above((SERVICES / f"{name}.yml").read_text(encoding="utf-8"), "image_config")
            assert re.search(r"entrypoint \(\S+ in \S+/\S+\)", comment), f"{name}: name the seeding entrypoint"


def test_own_folders_name_each_mount_of_the_configuration_root(catalog):
    assert own_folders(catalog["alertmanager"]) == {
        "alertmanager": "/alertmanager",
        "alertmanager-etc": "/etc/alertmanager",
    }
    assert own_folders(catalog["alloy"]) == {"alloy": "/etc/alloy", "alloy-data": "/var/lib/alloy/data"}
    assert own_folders(catalog["node-exporter"]) == {}


def test_metrics_endpoints(catalog):
    for name, service in catalog.items():
        if service["metrics"] is not None:
            assert set(service["metrics"]) == {"port", "path"}, name
            assert service["metrics"]["path"].startswith("/"), name
    assert catalog["traefik"]["metrics"] == {"port": 8080, "path": "/metrics"}
    assert catalog["authelia"]["metrics"]["port"] == 9959
    assert catalog["crowdsec"]["metrics"]["port"] == 6060
    assert catalog["navidrome"]["environment"]["ND_PROMETHEUS_ENABLED"] == "true"


def test_dependencies_and_databases(catalog):
    assert catalog["authelia"]["depends_on"] == ["postgres", "redis"]
    assert catalog["authelia"]["databases"] == ["postgres", "redis"]
    assert catalog["immich-server"]["depends_on"] == ["immich-postgres", "redis", "immich-machine-learning"]
    assert catalog["jellystat"]["databases"] == ["postgres"]
    for name, service in catalog.items():
        for database in service["databases"]:
            assert database in service["depends_on"], f"{name} uses {database} without waiting for it"


def test_shared_secrets_name_their_owner(catalog):
    assert {"name": "immich-postgres.password", "env": "DB_PASSWORD"} in catalog["immich-server"]["secrets"]
    authelia = {secret["env"] for secret in catalog["authelia"]["secrets"]}
    assert len(authelia) == 4
    assert all(env.endswith("_FILE") for env in authelia)


def test_secrets_never_sit_in_the_static_environment(catalog):
    for name, service in catalog.items():
        for variable in service["environment"]:
            assert not re.search(r"PASSWORD|SECRET|_KEY$|APIKEY|TOKEN", variable), f"{name}: {variable}"
            assert variable not in ("TZ", "PUID", "PGID"), f"{name}: {variable} comes from the plan"


# -- the checks ---------------------------------------------------------------------------
VALID = {
    "layer": "content",
    "image": "lscr.io/linuxserver/sonarr",
    "version": "4.0.19.2979-ls316",
    "slot": 63,
    "segments": ["media"],
    "port": 8989,
}
REMOVE = object()
HTTP_CHECK = ["CMD", "wget", "-q", "--spider", "http://localhost:8989/ping?x=1"]


SERVARR_WIRING = {
    "role": "servarr",
    "media": "tv",
    "implementation": "Sonarr",
    "category_field": "tvCategory",
    "import_triggers": ["onDownload"],
}


def sample(**changes: object) -> dict:
    entry = copy.deepcopy(VALID)
    for key, value in changes.items():
        if value is REMOVE:
            del entry[key]
        else:
            entry[key] = value
    return entry


def test_a_minimal_entry_gets_every_default():
    service = normalise_entry("sample", sample(route={"policy": "two_factor"}))
    assert set(service) == set(DEFAULTS) | set(REQUIRED) | {"name"}
    assert service["route"] == {
        "policy": "two_factor",
        "groups": [],
        "bypass_paths": [],
        "port": 8989,
        "subdomain": "sample",
    }


def test_a_registry_port_is_not_mistaken_for_a_tag():
    assert normalise_entry("sample", sample(image="registry.lan:5000/linuxserver/sonarr"))["image"]


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        pytest.param(sample(colour="blue"), "colour", id="unknown-field"),
        pytest.param(sample(slot=REMOVE), "slot", id="missing-required"),
        pytest.param(sample(version="latest"), "version", id="latest-tag"),
        pytest.param(sample(version="stable"), "version", id="stable-tag"),
        pytest.param(sample(version="4.0 beta"), "version", id="not-a-tag"),
        pytest.param(sample(image="lscr.io/linuxserver/sonarr:latest"), "image", id="tag-in-image"),
        pytest.param(sample(slot=19), "slot", id="slot-below-range"),
        pytest.param(sample(slot=255), "slot", id="slot-above-range"),
        pytest.param(sample(slot="63"), "slot", id="slot-string"),
        pytest.param(sample(slot=True), "slot", id="slot-bool"),
        pytest.param(sample(layer="frontend"), "layer", id="bad-layer"),
        pytest.param(sample(segments=["media", "lan"]), "segments", id="bad-segment"),
        pytest.param(sample(segments=[]), "segments", id="no-segment"),
        pytest.param(sample(route={"policy": "two-factor"}), r"route\.policy", id="bad-policy"),
        pytest.param(sample(route={"path": "/"}), "route", id="route-unknown-key"),
        pytest.param(sample(port=REMOVE, route={}), r"route\.port", id="route-without-port"),
        pytest.param(sample(healthcheck="curl -f http://localhost/"), "healthcheck", id="healthcheck-string"),
        pytest.param(sample(healthcheck=["CMD-SHELL", "curl -f x"]), "healthcheck", id="healthcheck-shell-form"),
        pytest.param(sample(healthcheck=[]), "healthcheck", id="healthcheck-empty"),
        pytest.param(sample(runs_as="root"), "runs_as", id="bad-runs-as"),
        pytest.param(sample(image_user="0:0"), "image_user", id="image-user-without-image"),
        pytest.param(sample(runs_as="image", image_user="root"), "image_user", id="image-user-not-numeric"),
        pytest.param(sample(data="yes"), "data", id="bad-data"),
        pytest.param(sample(gpu="transcode"), "gpu: unknown field", id="unread-gpu-field"),
        pytest.param(sample(backup=["/config"]), "backup: unknown field", id="unread-backup-field"),
        pytest.param(sample(config="/config"), "config restate", id="restated-config"),
        pytest.param(sample(runs_as="puid"), "runs_as restate", id="restated-runs-as"),
        pytest.param(
            sample(resources={"memory": "512M", "cpus": 1.0, "pids": 256}), "resources restate", id="restated-resources"
        ),
        pytest.param(sample(read_only=False), "read_only restate", id="restated-read-only"),
        pytest.param(sample(route={"policy": "one_factor"}), r"route\.policy restate", id="restated-route-policy"),
        pytest.param(sample(route={"subdomain": "sample"}), r"route\.subdomain restate", id="restated-subdomain"),
        pytest.param(sample(route={"port": 8989}), r"route\.port restate", id="restated-route-port"),
        pytest.param(
            sample(configure={**SERVARR_WIRING, "authentication": "external"}),
            r"configure\.authentication restate",
            id="restated-configure-default",
        ),
        pytest.param(sample(feature="jellyfin"), "feature", id="bad-feature"),
        pytest.param(sample(network_mode="host"), "network_mode", id="bad-network-mode"),
        pytest.param(sample(resources={"memory": "lots", "pids": 256}), "resources", id="bad-memory"),
        pytest.param(sample(resources={"memory": "1G", "pids": 9, "shm": "big"}), r"resources\.shm", id="bad-shm"),
        pytest.param(sample(ports={"torrenting": "6881"}), "ports", id="port-string"),
        pytest.param(sample(databases=["mysql"]), "databases", id="bad-database"),
        pytest.param(
            sample(environment={"ND_PROMETHEUS_ENABLED": True}), "environment.ND_PROMETHEUS_ENABLED", id="env-bool"
        ),
        pytest.param(sample(environment={"PORT": 80}), r"environment\.PORT", id="env-int"),
        pytest.param(sample(environment={"BAD NAME": "x"}), "environment.BAD NAME", id="env-bad-name"),
        pytest.param(sample(secrets=["api_key"]), r"secrets\[0\]", id="secret-plain-string"),
        pytest.param(sample(secrets=[{"name": "api_key"}]), r"secrets\[0\]", id="secret-without-env"),
        pytest.param(sample(secrets=[{"name": "api_key", "seed": "yes"}]), r"secrets\[0\]\.seed", id="seed-not-true"),
        pytest.param(
            sample(secrets=[{"name": "db.password", "seed": True}]), r"secrets\[0\]\.seed", id="seed-of-another"
        ),
        pytest.param(sample(seed="ini"), "seed", id="unknown-seed"),
        pytest.param(
            sample(dashboard={"widget": "kavita", "widget_needs": "password"}),
            r"dashboard\.widget_needs",
            id="widget-needs-not-a-list",
        ),
        pytest.param(
            sample(dashboard={"group": "Media", "widget_needs": ["key"]}),
            r"dashboard\.widget_needs",
            id="widget-needs-without-widget",
        ),
        pytest.param(
            sample(dashboard={"widget": "sonarr"}),
            r"dashboard\.widget_api must be the path the widget calls",
            id="widget-without-api-path",
        ),
        pytest.param(
            sample(dashboard={"widget": "sonarr", "widget_api": "api/v3"}),
            r"dashboard\.widget_api must be the path the widget calls",
            id="widget-api-not-a-path",
        ),
        pytest.param(
            sample(dashboard={"group": "Media", "widget_api": "/api/"}),
            r"dashboard\.widget_api needs a widget",
            id="widget-api-without-widget",
        ),
        pytest.param(sample(configure={"role": "indexer"}), r"configure\.role", id="configure-unknown-role"),
        pytest.param(sample(configure={"role": "servarr", "media": "tv"}), "configure", id="configure-missing-field"),
        pytest.param(
            sample(configure={"role": "downloader", "media": "comics", "colour": "red"}),
            "configure",
            id="configure-unknown-field",
        ),
        pytest.param(
            sample(configure=dict(SERVARR_WIRING, media="podcasts")), r"configure\.media", id="configure-unknown-media"
        ),
        pytest.param(
            sample(configure=dict(SERVARR_WIRING, import_triggers="onDownload")),
            r"configure\.import_triggers",
            id="configure-triggers-not-a-list",
        ),
        pytest.param(
            sample(configure=dict(SERVARR_WIRING, requests="yes")),
            r"configure\.requests must be true or false",
            id="configure-requests-not-a-bool",
        ),
        pytest.param(
            sample(configure=dict(SERVARR_WIRING, implementation="Lidarr", requests=True)),
            r"configure\.requests: Seerr sends requests only to Sonarr, Radarr, not Lidarr",
            id="configure-requests-to-an-app-seerr-does-not-know",
        ),
        pytest.param(
            sample(configure=dict(SERVARR_WIRING, authentication="forms")),
            r"configure\.authentication",
            id="configure-unknown-sign-in",
        ),
        pytest.param(
            sample(configure={"role": "download_client", "implementation": "X", "secret_fields": {"apiKey": "key"}}),
            r"configure\.secret_fields\.apiKey",
            id="configure-secret-not-declared",
        ),
        pytest.param(
            sample(configure={"role": "download_client", "implementation": "X", "fields": {"port": 8080}}),
            r"configure\.fields",
            id="configure-field-not-a-string",
        ),
        pytest.param(
            sample(configure={"role": "download_client", "implementation": ""}),
            r"configure\.implementation",
            id="configure-empty-implementation",
        ),
        pytest.param(sample(dashboard={"group": "Media", "colour": "red"}), "dashboard", id="dashboard-unknown-key"),
        pytest.param(
            sample(dashboard={"group": "Media", "widget_secrets": {"key": "api_key"}}),
            r"dashboard\.widget_secrets",
            id="widget-secrets-without-widget",
        ),
        pytest.param(
            sample(dashboard={"widget": "sonarr", "widget_fields": {"port": 80}}),
            r"dashboard\.widget_fields",
            id="widget-field-not-string",
        ),
        pytest.param(
            sample(config="/etc/sample"),
            r"image_config must say how /etc/sample is filled",
            id="config-under-etc-undeclared",
        ),
        pytest.param(
            sample(volumes={"conf": "/usr/local/etc/sample:ro"}),
            r"image_config must say how /usr/local/etc/sample is filled",
            id="volume-under-usr-local-etc-undeclared",
        ),
        pytest.param(
            sample(config="/etc/sample", image_config={"/etc/sample": "empty"}),
            r"image_config must map container paths to rendered or seeded",
            id="image-config-unknown-fill",
        ),
        pytest.param(sample(image_config=["/config"]), r"image_config must be a mapping", id="image-config-list"),
        pytest.param(
            sample(volumes={"/etc/hosts": "/etc/sample"}, image_config={"/etc/sample": "rendered"}),
            r"image_config\./etc/sample is not where the config folder or a relative volume is mounted",
            id="image-config-on-a-host-path",
        ),
        pytest.param(sample(replicable="yes"), "replicable", id="replicable-not-bool"),
        pytest.param(sample(replicable=True), "replica_slots", id="replicable-without-slots"),
        pytest.param(sample(replica_slots=[150]), "replica_slots", id="slots-without-replicable"),
        pytest.param(sample(replicable=True, replica_slots=[300]), "replica_slots", id="replica-slot-out-of-range"),
        pytest.param(
            sample(replicable=True, replica_slots=[150], healthcheck=["CMD", "true"]),
            "healthcheck",
            id="replicable-without-http-check",
        ),
        pytest.param(sample(secrets=[{"name": "API key", "env": "KEY"}]), r"secrets\[0\]\.name", id="secret-bad-name"),
        pytest.param(sample(secrets=[{"name": "api_key", "env": "1KEY"}]), r"secrets\[0\]\.env", id="secret-bad-env"),
        pytest.param(
            sample(secrets=[{"name": "a", "env": "KEY"}, {"name": "b", "env": "KEY"}]),
            r"secrets\[1\]\.env",
            id="secret-env-twice",
        ),
        pytest.param(sample(secrets={"api_key": "KEY"}), "secrets", id="secrets-mapping"),
        pytest.param(
            sample(environment={"API_KEY": "x"}, secrets=[{"name": "api_key", "env": "API_KEY"}]),
            "environment",
            id="secret-also-static",
        ),
        pytest.param(sample(peers=["{db.address}"]), "peers must be a mapping", id="peers-list"),
        pytest.param(
            sample(peers={"1DB": "{db.address}"}), r"peers\.1DB is not a valid variable", id="peer-bad-variable"
        ),
        pytest.param(sample(peers={"DB_PORT": 5432}), r"peers\.DB_PORT must be a string", id="peer-not-a-string"),
        pytest.param(
            sample(peers={"DB_HOST": "{db.host}"}),
            re.escape("peers.DB_HOST {db.host}: only {<service>.address} and {<service>.port} may stand in braces"),
            id="peer-unknown-placeholder",
        ),
        pytest.param(
            sample(peers={"DB_URL": "postgres://{db.address}:{port}/"}),
            re.escape("peers.DB_URL {port}: only"),
            id="peer-placeholder-without-service",
        ),
        pytest.param(
            sample(peers={"DB_HOST": "{db.address"}),
            r"peers\.DB_HOST has an unmatched brace",
            id="peer-unmatched-brace",
        ),
        pytest.param(
            sample(peers={"DB_HOST": "db"}),
            r"peers\.DB_HOST names no peer: a fixed value belongs in environment",
            id="peer-without-placeholder",
        ),
        pytest.param(
            sample(environment={"DB_HOST": "db"}, peers={"DB_HOST": "{db.address}"}),
            r"peers\.DB_HOST is also set in environment",
            id="peer-also-static",
        ),
        pytest.param(
            sample(secrets=[{"name": "db_url", "env": "DB_URL"}], peers={"DB_URL": "{db.address}"}),
            r"peers\.DB_URL is a variable a secret already carries",
            id="peer-carried-by-a-secret",
        ),
    ],
)
def test_a_bad_entry_is_refused_naming_file_and_field(entry, field):
    with pytest.raises(CatalogError, match=re.escape("catalog/services/sample.yml: ") + field):
        normalise_entry("sample", entry)


def test_an_unknown_platform_role_is_refused():
    with pytest.raises(CatalogError, match=re.escape("catalog/services/sample.yml: platform")):
        normalise_entry("sample", sample(platform="router"))


def test_a_bad_name_is_refused():
    with pytest.raises(CatalogError, match=re.escape("catalog/services/Sonarr.yml: name")):
        normalise_entry("Sonarr", sample())


def test_a_definition_that_is_no_mapping_is_refused():
    with pytest.raises(CatalogError, match=re.escape("catalog/services/sample.yml: definition")):
        normalise_entry("sample", ["layer", "content"])


DB = sample(layer="data", slot=30, segments=["data"], port=5432)
REDIS = sample(layer="data", slot=31, segments=["data"], port=6379)


def catalog_of(**entries: dict) -> dict[str, dict]:
    return {name.replace("_", "-"): entry for name, entry in entries.items()}


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        pytest.param(
            catalog_of(one=sample(), two=sample()),
            r"catalog/services/two\.yml: slot 63 is already taken by one",
            id="slot-twice",
        ),
        pytest.param(
            catalog_of(one=sample(platform="portal"), two=sample(slot=64, platform="portal")),
            r"catalog/services/two\.yml: platform portal is already played by one",
            id="platform-role-twice",
        ),
        pytest.param(
            catalog_of(one=sample(depends_on=["postgres"])),
            r"catalog/services/one\.yml: depends_on names postgres",
            id="unknown-dependency",
        ),
        pytest.param(
            catalog_of(one=sample(route={"subdomain": "x"}), two=sample(slot=64, route={"subdomain": "x"})),
            r"catalog/services/two\.yml: route\.subdomain x is already the route of one",
            id="subdomain-twice",
        ),
        pytest.param(
            catalog_of(one=sample(secrets=[{"name": "db.password", "env": "DB_PASSWORD"}])),
            r"catalog/services/one\.yml: secrets\[0\]\.name db\.password: db declares no secret password",
            id="shared-secret-of-unknown-service",
        ),
        pytest.param(
            catalog_of(
                db=sample(slot=30, secrets=[{"name": "password", "env": "POSTGRES_PASSWORD"}]),
                one=sample(secrets=[{"name": "db.passwd", "env": "DB_PASSWORD"}]),
            ),
            r"catalog/services/one\.yml: secrets\[0\]\.name db\.passwd: db declares no secret passwd",
            id="shared-secret-not-declared",
        ),
        pytest.param(
            catalog_of(
                gate=sample(slot=60, platform="vpn_gateway"),
                one=sample(network_mode="vpn", port=8080),
                two=sample(slot=64, network_mode="vpn", port=8081, ports={"webui": 8080}),
            ),
            r"catalog/services/two\.yml: port 8080 is already used by one in the VPN namespace",
            id="vpn-port-twice",
        ),
        pytest.param(
            catalog_of(one=sample(network_mode="vpn", port=8080)),
            r"catalog/services/one\.yml: network_mode vpn joins the VPN gateway's namespace, but no service of the "
            r"catalog plays vpn_gateway",
            id="vpn-without-a-gateway",
        ),
        pytest.param(
            catalog_of(one=sample(), two=sample(slot=64, replicable=True, replica_slots=[63], healthcheck=HTTP_CHECK)),
            r"catalog/services/two\.yml: replica_slots 63 is already taken by one",
            id="replica-slot-of-a-service",
        ),
        pytest.param(
            catalog_of(one=sample(replicable=True, replica_slots=[150, 150], healthcheck=HTTP_CHECK)),
            r"catalog/services/one\.yml: replica_slots 150 is already taken",
            id="replica-slot-twice",
        ),
        pytest.param(
            catalog_of(one=sample(volumes={"logs": "/logs"}), two=sample(slot=64, reads={"one.cache": "/x"})),
            r"catalog/services/two\.yml: reads\.one\.cache: one declares no folder cache",
            id="reads-undeclared-folder",
        ),
        pytest.param(
            catalog_of(one=sample(volumes={"logs": "/logs"}), two=sample(slot=64, reads={"one.logs": "logs"})),
            r"catalog/services/two\.yml: reads\.one\.logs must be an absolute path",
            id="reads-relative-target",
        ),
        pytest.param(
            catalog_of(one_a=sample(), one=sample(slot=64, volumes={"a": "/a"})),
            r"catalog/services/one\.yml: volumes folder one-a is already a folder of one-a",
            id="folder-of-two-services",
        ),
        pytest.param(
            catalog_of(
                one=sample(dashboard={"widget": "sonarr", "widget_api": "/api/", "widget_secrets": {"key": "api_key"}})
            ),
            r"catalog/services/one\.yml: dashboard\.widget_secrets\.key api_key: no such secret here",
            id="widget-secret-undeclared",
        ),
        pytest.param(
            catalog_of(one=sample(peers={"DB_HOST": "{db.address}"})),
            r"catalog/services/one\.yml: peers\.DB_HOST names db, which is not in the catalog",
            id="peer-unknown",
        ),
        pytest.param(
            catalog_of(one=sample(peers={"SELF": "{one.address}"})),
            r"catalog/services/one\.yml: peers\.SELF names one itself",
            id="peer-itself",
        ),
        pytest.param(
            catalog_of(db=DB, one=sample(peers={"DB_HOST": "{db.address}"})),
            r"catalog/services/one\.yml: peers\.DB_HOST names db, which depends_on does not list: add it there, "
            r"so that the planner plans db wherever one runs",
            id="peer-not-a-dependency",
        ),
        pytest.param(
            catalog_of(redis=REDIS, one=sample(databases=["redis"], peers={"REDIS_HOST": "{redis.address}"})),
            r"catalog/services/one\.yml: peers\.REDIS_HOST names redis, which depends_on does not list",
            id="peer-only-a-database",
        ),
        pytest.param(
            catalog_of(
                db=sample(slot=30, replicable=True, replica_slots=[150], healthcheck=HTTP_CHECK),
                one=sample(depends_on=["db"], peers={"DB_HOST": "{db.address}"}),
            ),
            r"catalog/services/one\.yml: peers\.DB_HOST names db, which may run several copies",
            id="peer-replicable",
        ),
        pytest.param(
            catalog_of(db=sample(slot=30, port=REMOVE), one=sample(depends_on=["db"], peers={"DB": "{db.port}"})),
            r"catalog/services/one\.yml: peers\.DB asks for the port of db, which has no port",
            id="peer-port-without-port",
        ),
        pytest.param(
            catalog_of(db=DB, one=sample(depends_on=["db"], peers={"DB_HOST": "{db.address}"})),
            r"catalog/services/one\.yml: peers\.DB_HOST names db, which one cannot reach: one joins media, and db "
            r"joins data\. Give the two a segment in common",
            id="peer-on-no-shared-segment",
        ),
        pytest.param(
            catalog_of(
                gluetun=sample(slot=60, segments=["dmz"], platform="vpn_gateway"),
                db=DB,
                one=sample(network_mode="vpn", depends_on=["gluetun", "db"], peers={"DB_HOST": "{db.address}"}),
            ),
            r"one runs in gluetun's namespace, which joins dmz, and db joins data",
            id="peer-unreachable-from-the-vpn-namespace",
        ),
    ],
)
def test_a_bad_catalog_is_refused_naming_file_and_field(entries, message):
    with pytest.raises(CatalogError, match=message):
        normalise_catalog(entries)


def test_a_declared_shared_secret_is_accepted():
    entries = catalog_of(
        db=sample(slot=30, secrets=[{"name": "password", "env": "POSTGRES_PASSWORD"}]),
        one=sample(secrets=[{"name": "db.password", "env": "DB_PASSWORD"}]),
    )
    assert normalise_catalog(entries)["one"]["secrets"] == [{"name": "db.password", "env": "DB_PASSWORD"}]


def test_peers_on_a_shared_segment_or_behind_the_vpn_gateway_are_accepted():
    entries = catalog_of(
        db=DB,
        gluetun=sample(slot=60, segments=["dmz", "media"], platform="vpn_gateway"),
        torrent=sample(slot=61, network_mode="vpn", port=8080, depends_on=["gluetun"]),
        one=sample(
            segments=["media", "data"],
            depends_on=["db", "torrent"],
            databases=["postgres"],
            peers={"DB": "postgres://{db.address}:{db.port}/one", "TORRENT": "{torrent.address}:{torrent.port}"},
        ),
    )
    assert normalise_catalog(entries)["one"]["peers"] == {
        "DB": "postgres://{db.address}:{db.port}/one",
        "TORRENT": "{torrent.address}:{torrent.port}",
    }


def test_peers_name_the_services_the_shipped_catalog_reaches_by_address(catalog):
    assert catalog["immich-server"]["peers"] == {
        "DB_HOSTNAME": "{immich-postgres.address}",
        "REDIS_HOSTNAME": "{redis.address}",
        "IMMICH_MACHINE_LEARNING_URL": "http://{immich-machine-learning.address}:{immich-machine-learning.port}",
    }
    assert catalog["jellystat"]["peers"] == {"POSTGRES_IP": "{postgres.address}", "POSTGRES_PORT": "{postgres.port}"}


def test_a_seeded_secret_and_a_replicable_service_are_accepted():
    entry = normalise_entry(
        "sample",
        sample(
            secrets=[{"name": "api_key", "seed": True}],
            seed="servarr",
            replicable=True,
            replica_slots=[150],
            healthcheck=HTTP_CHECK,
        ),
    )
    assert entry["secrets"] == [{"name": "api_key", "seed": True}]
    assert entry["replica_slots"] == [150]


@pytest.mark.parametrize(
    ("healthcheck", "path"),
    [
        (HTTP_CHECK, "/ping?x=1"),
        (["CMD", "curl", "-fsS", "https://127.0.0.1:3000/api/healthcheck"], "/api/healthcheck"),
        (["CMD", "wget", "-q", "--spider", "http://localhost:8080"], "/"),
        (["CMD", "/healthchecker"], ""),
        (None, ""),
    ],
    ids=["query", "https", "no-path", "no-url", "no-check"],
)
def test_the_health_path_comes_from_the_check_url(healthcheck, path):
    assert health_path({"healthcheck": healthcheck}) == path


def test_a_value_of_another_type_than_the_default_is_not_a_restated_default():
    # 0 is not False: the type check, not the restatement check, answers it.
    with pytest.raises(CatalogError, match=r"read_only must be a boolean"):
        normalise_entry("sample", sample(read_only=0))
    assert normalise_entry("sample", sample(resources={"memory": "512M", "cpus": 2.0, "pids": 256}))


gen_catalog = load_tool("gen_catalog")


def test_the_generated_schema_and_docs_are_current():
    stale = [
        str(path) for path, content in gen_catalog.outputs().items() if path.read_text(encoding="utf-8") != content
    ]
    assert stale == [], "run python tools/gen_catalog.py"


def test_every_shipped_entry_passes_the_generated_schema():
    schema = json.loads(gen_catalog.schema())
    validator = jsonschema.Draft202012Validator(schema)
    for name, entry in load_entries().items():
        errors = [f"{list(error.path)}: {error.message}" for error in validator.iter_errors(entry)]
        assert errors == [], name


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"gpu": "transcode"}, []),
        ({"layer": "frontend"}, ["layer"]),
        ({"slot": 300}, ["slot"]),
        ({"image": "lscr.io/linuxserver/sonarr:4"}, ["image"]),
        ({"route": {"path": "/"}}, ["route"]),
        ({"healthcheck": ["CMD-SHELL", "curl"]}, ["healthcheck"]),
        ({"resources": {"memory": "1G"}}, ["resources"]),
        ({"dashboard": {"tile": "x"}}, ["dashboard"]),
        ({"image_config": {"/etc/x": "copied"}}, ["image_config", "/etc/x"]),
        ({"environment": {"PORT": 80}}, ["environment", "PORT"]),
    ],
)
def test_the_schema_refuses_what_the_checker_refuses(change, path):
    entry = sample(**change)
    with pytest.raises(CatalogError):
        normalise_entry("sample", entry)
    errors = list(jsonschema.Draft202012Validator(json.loads(gen_catalog.schema())).iter_errors(entry))
    assert errors, change
    assert any(list(error.absolute_path) == path for error in errors), [list(e.absolute_path) for e in errors]


#: Fields that only declare something the checker and the tests hold the rest of the catalog to.
DECLARATIONS = {
    # How a mounted config folder is filled: the checker refuses an undeclared mount under /etc/,
    # and test_render_config_folders renders every ``rendered`` one and fails when it stays empty.
    "image_config",
}


def test_every_field_is_read_by_code_outside_the_checker():
    """A field only the checker knows is dead weight: the planner, a renderer, a filter, a role or
    the generated docs (tools/gen_catalog.py) must name it."""
    code = [path for path in (ROOT / "plugins").rglob("*.py") if path.name != "_catalog.py"]
    code.append(ROOT / "tools" / "gen_catalog.py")
    python = "\n".join(path.read_text(encoding="utf-8") for path in code)
    tasks = "\n".join(path.read_text(encoding="utf-8") for path in sorted((ROOT / "roles").rglob("*.yml")))
    unread = [
        field.name
        for field in FIELDS
        if not re.search(rf"""["']{field.name}["']""", python) and not re.search(rf"\.{field.name}\b", tasks)
    ]
    assert unread == sorted(DECLARATIONS)


def test_a_normalised_service_written_back_is_the_definition_it_came_from(catalog):
    for name, entry in load_entries().items():
        assert as_definition(catalog[name]) == entry, name
        assert normalise_entry(name, as_definition(catalog[name])) == catalog[name], name


def test_the_shipped_catalog_is_not_changed_by_normalising():
    entries = load_entries()
    before = copy.deepcopy(entries)
    normalise_catalog(entries)
    assert entries == before


def test_a_servarr_wiring_entry_gets_its_defaults():
    configure = normalise_entry("sample", sample(configure=SERVARR_WIRING))["configure"]
    defaults = {"quality_profile": "", "metadata_profile": "", "authentication": "external", "requests": False}
    assert configure == {**SERVARR_WIRING, **defaults}
    assert normalise_entry("sample", sample())["configure"] is None
