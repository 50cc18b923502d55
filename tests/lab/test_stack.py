"""The whole stack deployed to one lab host through the real deploy path: images from the lab
registry via the registry override, certificates from the lab's ACME CA (pebble), Authelia's
forward-auth answered by its stand-in, which evaluates the generated access_control."""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys
import urllib.parse

import pytest
import yaml

from .conftest import LAB_INVENTORY, ROOT, fresh_lab_host, lab, recap, run_playbook, ssh

HOST = "lab1"
ADDRESS = "10.10.2.11"
PROXY = "10.10.4.20"  # traefik's dmz address (slot 20)
DOMAIN = "lab.mediastack.test"


def deploy(*extra: str):
    return run_playbook("-i", str(LAB_INVENTORY), "--limit", HOST, "playbooks/deploy.yml", *extra)


def acme(command: str) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "tests/lab/acme.py"), command], check=False, timeout=120)
    assert result.returncode == 0, f"acme.py {command} failed"


@pytest.fixture(scope="module", name="stack")
def fixture_stack():
    lab("registry")
    lab("stack-images", timeout=3600)
    with fresh_lab_host(HOST):
        # pebble listens on the dmz gateway, which exists while a lab host is up.
        acme("stop")
        acme("start")
        try:
            provision = run_playbook("-i", str(LAB_INVENTORY), "--limit", HOST, "site.yml")
            assert provision.returncode == 0, "provisioning the lab host failed"
            first = deploy()
            assert first.returncode == 0, "deploying the stack failed"
            yield first
        finally:
            acme("stop")


def routes() -> list[dict]:
    rendered = ROOT / ".lab" / "render"
    result = run_playbook(
        "-i", str(LAB_INVENTORY), "playbooks/render.yml", "-e", f"mediastack_render_dir={rendered}", "--limit", HOST
    )
    assert result.returncode == 0
    dynamic = yaml.safe_load((rendered / HOST / "config/traefik/dynamic/routes.yaml").read_text(encoding="utf-8"))
    return [{"name": name, "host": router["rule"].split("`")[1]} for name, router in dynamic["http"]["routers"].items()]


def https_get(host: str, path: str = "/", accept: str = "text/html") -> tuple[int, dict, dict]:
    """GET https://host/path from Traefik's dmz address: status, headers, and the peer certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection((PROXY, 443), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
        request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: {accept}\r\nConnection: close\r\n\r\n"
        tls.sendall(request.encode())
        response = b""
        while chunk := tls.recv(65536):
            response += chunk
    head = response.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    headers = {line.split(":", 1)[0].lower(): line.split(":", 1)[1].strip() for line in head[1:] if ":" in line}
    issuer = subprocess.run(
        ["openssl", "x509", "-inform", "DER", "-noout", "-issuer"], input=der, capture_output=True, check=True
    ).stdout.decode()
    return status, headers, {"issuer": issuer}


def test_the_deploy_converged(stack):
    assert recap(stack.stdout)[HOST]["failed"] == 0


def test_every_route_answers_over_https_with_a_certificate_from_the_acme_ca(stack):
    checked = []
    for route in routes():
        status, _headers, certificate = https_get(route["host"])
        assert "Pebble Intermediate CA" in certificate["issuer"], route
        if route["name"] == "traefik":
            # The dashboard answers only the admin segment; this request comes from the dmz.
            assert status == 403, (route, status)
        else:
            assert status in (200, 302), (route, status)
        checked.append(route["name"])
    assert "sonarr" in checked
    assert "authelia" in checked


def test_an_unauthenticated_request_to_a_protected_route_goes_to_the_portal(stack):
    status, headers, _certificate = https_get(f"sonarr.{DOMAIN}", "/series")
    assert status == 302
    location = urllib.parse.urlsplit(headers["location"])
    assert location.netloc == f"auth.{DOMAIN}"
    assert urllib.parse.parse_qs(location.query)["rd"] == [f"https://sonarr.{DOMAIN}/series"]


def test_an_api_path_with_its_own_key_bypasses_the_portal(stack):
    status, _headers, _certificate = https_get(f"sonarr.{DOMAIN}", "/ping")
    assert status == 200


def test_plain_http_is_redirected_to_https(stack):
    with socket.create_connection((PROXY, 80), timeout=10) as raw:
        raw.sendall(f"GET / HTTP/1.1\r\nHost: sonarr.{DOMAIN}\r\nConnection: close\r\n\r\n".encode())
        head = raw.recv(4096).decode("latin-1")
    assert head.split()[1] in ("301", "308")
    assert f"Location: https://sonarr.{DOMAIN}/" in head


def test_a_service_on_the_data_segment_cannot_open_a_connection_out(stack):
    # The registry on this machine answers from every other segment; from the data segment, no
    # route leads there (or anywhere out).
    probe = "docker exec mediastack-postgres timeout 5 bash -c 'exec 3<>/dev/tcp/10.10.2.1/5000'"
    inside = ssh(ADDRESS, probe)
    assert inside.returncode != 0
    assert "unreachable" in inside.stderr.lower() or inside.returncode == 124, inside.stderr
    control = ssh(ADDRESS, "timeout 5 bash -c 'exec 3<>/dev/tcp/10.10.2.1/5000'")
    assert control.returncode == 0, "the registry must answer from the host itself, or the probe proves nothing"


def test_a_second_deploy_changes_nothing(stack):
    again = deploy()
    assert again.returncode == 0
    assert recap(again.stdout)[HOST]["changed"] == 0


def test_check_mode_with_diff_on_the_converged_stack_changes_nothing(stack):
    check = deploy("--check", "--diff")
    assert check.returncode == 0
    assert recap(check.stdout)[HOST]["changed"] == 0
