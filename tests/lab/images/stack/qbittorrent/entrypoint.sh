#!/usr/bin/env bash
# Start qbittorrent-nox the way the LinuxServer.io image does: as root, give /config (with a
# first configuration that accepts the legal notice and serves the Web UI on every address) to
# PUID:PGID (default 911), then run as that user on WEBUI_PORT and TORRENTING_PORT.
set -Eeuo pipefail

PUID=${PUID:-911}
PGID=${PGID:-911}
CONF=/config/qBittorrent/qBittorrent.conf

if [ "$(id -u)" = 0 ]; then
  mkdir -p /config/qBittorrent
  [ -e "$CONF" ] || cp /defaults/qBittorrent.conf "$CONF"
  find /config \! -user "$PUID" -exec chown "$PUID:$PGID" '{}' +
  exec setpriv --reuid="$PUID" --regid="$PGID" --clear-groups "$0" "$@"
fi

exec qbittorrent-nox --webui-port="$WEBUI_PORT" --torrenting-port="$TORRENTING_PORT" "$@"
