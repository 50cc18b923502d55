#!/usr/bin/env bash
# Start Calibre-Web the way the LinuxServer.io image does: as root, give /config to PUID:PGID
# (default 911), then run as that user; settings (app.db), cache and log live in /config.
set -Eeuo pipefail

PUID=${PUID:-911}
PGID=${PGID:-911}

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$CACHE_DIRECTORY"
  find /config \! -user "$PUID" -exec chown "$PUID:$PGID" '{}' +
  exec setpriv --reuid="$PUID" --regid="$PGID" --clear-groups "$0" "$@"
fi

exec /app/calibre-web/bin/cps "$@"
