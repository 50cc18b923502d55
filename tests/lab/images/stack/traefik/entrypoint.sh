#!/bin/sh
# Options alone (`--log.level=DEBUG`) are options of traefik; anything else runs as given.
set -e
if [ "${1#-}" != "$1" ]; then
  set -- traefik "$@"
fi
exec "$@"
