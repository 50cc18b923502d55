#!/usr/bin/env bash
# Copy the tracked and new (not ignored) files of the checkout to
# DIR/ansible_collections/newmedia/mediastack, the tree ansible-test and antsibull-docs need, and
# print that path. Whatever DIR held under that path before is removed first. The copy is a git
# repository of its own: both tools ask git which files belong to the collection, and inside the
# checkout git would answer for the checkout, where .build/ is ignored.
#
# Usage: tools/collection_tree.sh DIR
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
dest="$(cd "$1" && pwd)/ansible_collections/newmedia/mediastack"
rm -rf "$dest"
mkdir -p "$dest"
cd "$root"
# Without the checkout's link to itself, and without the upstream specs the tests validate against
# (kept verbatim, as galaxy.yml leaves them out of the tarball).
git ls-files -z --cached --others --exclude-standard \
  | grep -zv '^collections/' \
  | grep -zv '^tests/specs/' \
  | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | rsync -a --from0 --files-from=- ./ "$dest/"
cd "$dest"
git init -q && git add -A && git -c user.name=build -c user.email=build@localhost commit -qm tree
printf '%s\n' "$dest"
