"""Benchmarks of the deploy phase, printed, never asserted.

On a fresh lab host (provisioned by site.yml's provision part, images pulled by a first deploy):

  compose   `docker compose up -d --wait` of the rendered projects, data layer first, images present
  deploy    the deploy playbook from no containers, same files and images
  no-op     the deploy playbook again on the converged stack (nothing to do)

and the ratios deploy/compose and no-op/compose. Before the lab starts, on the controller alone:

  plan      the planner called from Python on the inventory's catalog and hosts
  preflight the preflight playbook offline, which builds the same plan inside a play (through the
            template engine's lazy containers), and its ratio to the plain call
 Times are wall-clock seconds on this machine;
the host's containers are removed between runs, its images and files kept.

    python tools/bench.py [--host lab1] [--inventory inventories/lab]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "lab"))
from lab import ssh_command  # noqa: E402

BIN = Path(sys.executable).parent
CONFIG_ROOT = "/opt/mediastack"
# Every layer's project, data first, as the deploy starts them.
LAYERS_FIRST = ("data",)


def step(what: str) -> None:
    print(f"bench: {what}", flush=True)


def run(argv: list[str], what: str, timeout: float = 3600) -> float:
    """Run a command to completion; its wall time in seconds. A failure ends the benchmark."""
    env = dict(os.environ, ANSIBLE_NOCOLOR="true", PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    started = time.monotonic()
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=timeout)
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"bench: {what} failed (exit {result.returncode})")
    return elapsed


def playbook(inventory: str, host: str, name: str, *extra: str) -> list[str]:
    return [str(BIN / "ansible-playbook"), "-i", inventory, "--limit", host, name, *extra]


def compose_each(verb: str) -> str:
    """A shell loop over the host's layer projects, data first (reverse order for `down`)."""
    order = (
        f"ls -d {CONFIG_ROOT}/compose/*/ | xargs -n1 basename"
        f" | awk '{{print ($0 == \"{LAYERS_FIRST[0]}\" ? 0 : 1), $0}}' | sort | cut -d' ' -f2"
    )
    if verb == "down":
        order += " | tac"
    project = f"docker compose --project-directory {CONFIG_ROOT}/compose/$layer"
    return f"set -e; for layer in $({order}); do {project} {verb}; done"


def plan_times(inventory: str) -> tuple[float, float]:
    """Seconds to build the inventory's plan from Python, and to run the preflight offline."""
    probe = (
        "import sys, time; sys.path.insert(0, 'collections');"
        "from ansible.inventory.manager import InventoryManager;"
        "from ansible.parsing.dataloader import DataLoader;"
        "from ansible.vars.manager import VariableManager;"
        "from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import load_catalog;"
        "from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import build_plan;"
        "manager = InventoryManager(loader=DataLoader(), sources=[sys.argv[1]]);"
        "hosts = {host.name: [group.name for group in host.get_groups()] for host in manager.get_hosts()};"
        "catalog = load_catalog('catalog/services');"
        "started = time.monotonic(); build_plan(catalog, {'hosts': hosts, 'domain': 'lab.test'});"
        "print(time.monotonic() - started)"
    )
    planner = subprocess.run(
        [sys.executable, "-c", probe, inventory], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()[-1]
    preflight = run(
        [
            str(BIN / "ansible-playbook"),
            "-i",
            inventory,
            "playbooks/preflight.yml",
            "-e",
            "mediastack_preflight_offline=true",
        ],
        "the preflight, offline",
    )
    return float(planner), preflight


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="lab1")
    parser.add_argument("--inventory", default="inventories/lab")
    args = parser.parse_args()
    address = f"192.168.60.{10 + int(args.host.removeprefix('lab'))}"  # the host's LAN address
    lab = [sys.executable, str(ROOT / "tests/lab/lab.py")]
    acme = [sys.executable, str(ROOT / "tests/lab/acme.py")]

    step("timing the plan on the controller")
    planner, preflight = plan_times(args.inventory)
    step(f"plan from Python: {planner:.3f} s, in the preflight play: {preflight:.1f} s")

    step("preparing the lab (engine, images, registry, stack images, a fresh host, the ACME CA)")
    for command in (["engine"], ["images"], ["artifacts"], ["registry"], ["stack-images"], ["down", args.host]):
        run([*lab, *command], f"lab.py {command[0]}")
    run([*lab, "up", args.host], "lab.py up")
    run([*acme, "start"], "acme.py start")
    try:
        run(playbook(args.inventory, args.host, "site.yml", "--tags", "provision"), "provisioning")
        cold = run(playbook(args.inventory, args.host, "playbooks/deploy.yml"), "first deploy")
        step(f"first deploy, pulling every image: {cold:.1f} s")

        run(ssh_command(address, compose_each("down")), "removing the containers")
        compose = run(ssh_command(address, compose_each("up -d --wait")), "docker compose up")
        step(f"docker compose up -d --wait: {compose:.1f} s")

        run(ssh_command(address, compose_each("down")), "removing the containers")
        deploy = run(playbook(args.inventory, args.host, "playbooks/deploy.yml"), "deploy")
        step(f"deploy playbook from no containers: {deploy:.1f} s")

        noop = run(playbook(args.inventory, args.host, "playbooks/deploy.yml"), "no-op deploy")
        step(f"deploy playbook on the converged stack: {noop:.1f} s")
    finally:
        run([*acme, "stop"], "acme.py stop")

    services = subprocess.run(
        ssh_command(address, "docker ps -q --filter label=com.docker.compose.project | wc -l"),
        capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    print(f"\nDeploy phase on {args.host} ({services} containers, images present, {os.cpu_count()} CPUs here)")
    print(f"{'run':<40} {'seconds':>8} {'ratio to compose':>17}")
    for name, seconds in (
        ("docker compose up -d --wait", compose),
        ("deploy playbook, no containers", deploy),
        ("deploy playbook, converged (no-op)", noop),
    ):
        print(f"{name:<40} {seconds:>8.1f} {seconds / compose:>17.2f}")
    print(f"{'first deploy, pulling images':<40} {cold:>8.1f}")
    print(f"\nPlanning {args.inventory} on the controller")
    print(f"{'run':<40} {'seconds':>8} {'ratio to Python':>17}")
    print(f"{'build_plan from Python':<40} {planner:>8.3f} {1:>17.0f}")
    print(f"{'preflight playbook, offline':<40} {preflight:>8.1f} {preflight / planner:>17.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
