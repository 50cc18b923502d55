#!/usr/bin/env bash
# Start a role from the house skeletons: DIR/roles/NAME from tools/role-skeleton and its Molecule
# scenario DIR/molecule/NAME from tools/molecule-skeleton (DIR: the checkout). Both come from
# `ansible-galaxy role init`, offline; then the README's variable table is generated from the
# role's argument specs. Refuses a NAME that either folder already has.
#
# Usage: tools/new_role.sh NAME [DIR]
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 NAME [DIR]" >&2
  exit 2
fi
name=$1
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${2:-$root}
if ! [[ $name =~ ^[a-z][a-z0-9_]*$ ]]; then
  echo "role name '$name': use lower case letters, digits and '_', starting with a letter" >&2
  exit 2
fi
for path in "$dir/roles/$name" "$dir/molecule/$name"; do
  if [ -e "$path" ]; then
    echo "$path already exists; pick another name or remove it" >&2
    exit 1
  fi
done
mkdir -p "$dir/roles" "$dir/molecule"
galaxy="$root/.venv/bin/ansible-galaxy"
"$galaxy" role init --offline --role-skeleton="$root/tools/role-skeleton" --init-path "$dir/roles" "$name"
"$galaxy" role init --offline --role-skeleton="$root/tools/molecule-skeleton" --init-path "$dir/molecule" "$name"
"$root/.venv/bin/python" "$root/tools/role_readme.py" "$dir/roles/$name"
