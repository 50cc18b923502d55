#!/usr/bin/env bash
# Install the Debian packages the toolchain and the lab need on the controller, when missing.
# Run as root on Debian 12; a machine that already has them is left alone.
set -euo pipefail
need=()
command -v git >/dev/null || need+=(git)
command -v rsync >/dev/null || need+=(rsync)
command -v make >/dev/null || need+=(make)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v shellcheck >/dev/null || need+=(shellcheck)
command -v ssh >/dev/null || need+=(openssh-client)
# A real qBittorrent for the qbittorrent_* module tests (they skip without it).
command -v qbittorrent-nox >/dev/null || need+=(qbittorrent-nox)
# nft and ip, with which the VPN gateway stand-in's tests load its firewall in network namespaces
# (tests/unit/test_gluetun_standin.py; they fail under CI without them).
command -v nft >/dev/null || need+=(nftables)
command -v ip >/dev/null || need+=(iproute2)
# wg, which judges the WireGuard keys the VPN gateway is given (tests/unit/test_vpn_gateway.py).
command -v wg >/dev/null || need+=(wireguard-tools)
# A real Alertmanager for the test of the rendered alertmanager.yml (Debian names the server
# prometheus-alertmanager; upstream's tarball names it alertmanager). The test fails without it in CI,
# and starts its own server on a free loopback port, whatever the package's own service does.
if ! command -v amtool >/dev/null || ! { command -v prometheus-alertmanager || command -v alertmanager; } >/dev/null; then
  need+=(prometheus-alertmanager)
fi
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
# A real SABnzbd for the sabnzbd_* module tests (they fail under CI without it). Debian ships it as
# sabnzbdplus in the contrib component, and its dependency unrar in non-free; a default install
# lists neither.
# add_component FILE LINES COMPONENT: append COMPONENT to the LINES (an ERE) of FILE that lack it,
# each with a comment above saying why; every other line of FILE stays as it is.
add_component() {
  local file=$1 lines=$2 component=$3 has
  local why="# $component added by tools/host-deps.sh: SABnzbd (sabnzbdplus in contrib, unrar in non-free)"
  has="[[:space:]]$component([[:space:]]|\$)"
  [ -f "$file" ] || return 0
  grep -E "$lines" "$file" | grep -Evq "$has" || return 0
  sed -i -E "/$lines/{/$has/!{i\\
$why
s/[[:space:]]*\$/ $component/}}" "$file"
}
if ! command -v sabnzbdplus >/dev/null; then
  for component in contrib non-free; do
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
      add_component /etc/apt/sources.list.d/debian.sources '^Components:' "$component"
    else
      add_component /etc/apt/sources.list '^deb(-src)?[[:space:]].*[/.]debian' "$component"
    fi
  done
  need+=(sabnzbdplus)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
