#!/usr/bin/env bash
# Start CrowdSec the way the official image does, offline:
#   - empty /etc/crowdsec or /var/lib/crowdsec/data volumes get the packaged files;
#   - the local machine (the agent) is registered with the local API, with fresh credentials;
#   - every BOUNCER_KEY_<name> variable registers bouncer <name> with that key;
#   - COLLECTIONS (space-separated) are enabled from the offline hub, with what they include.
# Arguments, if any, replace the crowdsec command.
set -Eeuo pipefail

CONFIG=/etc/crowdsec
HUB=/var/lib/crowdsec/hub
DATA=/var/lib/crowdsec/data

if [ ! -e "$CONFIG/config.yaml" ]; then
  echo "entrypoint: empty $CONFIG, copying the packaged configuration"
  cp -a /staging/etc/crowdsec/. "$CONFIG/"
fi
if [ ! -e "$DATA/crowdsec.db" ]; then
  echo "entrypoint: empty $DATA, copying the packaged data files"
  cp -an /staging/var/lib/crowdsec/data/. "$DATA/"
fi

cscli machines add localhost --auto --force --url http://127.0.0.1:8080/ \
  -f "$CONFIG/local_api_credentials.yaml" >/dev/null

# The key never reaches the log.
for variable in $(compgen -e); do
  case "$variable" in
    BOUNCER_KEY_*)
      name=${variable#BOUNCER_KEY_}
      cscli bouncers delete "$name" >/dev/null 2>&1 || true
      cscli bouncers add "$name" --key "${!variable}" >/dev/null
      echo "entrypoint: registered bouncer $name"
      ;;
  esac
done

# Enable a hub item the way Debian's package does: a symlink under /etc/crowdsec to the item in
# the hub, without the author's folder (parsers/s01-parse/traefik-logs.yaml), then, for a
# collection, everything it lists.
enable_item() {
  local kind=$1 name=$2 target relative link section item
  target=$(cd "$HUB" && find -L "$kind" -path "*/$name.yaml" | head -n 1)
  if [ -z "$target" ]; then
    echo "entrypoint: $kind item $name is not in the offline hub" >&2
    return 1
  fi
  relative=${target#"$kind"/}
  link="$CONFIG/$kind/$(dirname "$(dirname "$relative")")/$(basename "$relative")"
  mkdir -p "$(dirname "$link")"
  ln -sfn "$HUB/$target" "$link"
  [ "$kind" = collections ] || return 0
  while read -r section item; do
    enable_item "$section" "$item"
  done < <(awk '
    /^[a-z_]+:/ { section = $1; sub(":", "", section); next }
    /^[[:space:]]*- / && section ~ /^(parsers|scenarios|postoverflows|collections)$/ { print section, $2 }
  ' "$HUB/$target")
}
for collection in ${COLLECTIONS:-}; do
  enable_item collections "$collection"
  echo "entrypoint: enabled collection $collection"
done

if [ $# -gt 0 ]; then
  exec "$@"
fi
exec crowdsec -c "$CONFIG/config.yaml"
