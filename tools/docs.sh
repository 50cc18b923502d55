#!/usr/bin/env bash
# Build the collection's documentation with antsibull-docs, as docs.ansible.com renders it, from a
# copy of the tracked files laid out as ansible_collections/newmedia/mediastack (.build/docs/), and
# fail on any docs error or warning. The RST lands in .build/docs/rst/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/.build/docs"
tree=$("$root/tools/collection_tree.sh" "$build")
# This copy, not the checkout's collections/ link and not an installed release; the collections
# this one depends on still come from the toolchain's ansible package.
export ANSIBLE_COLLECTIONS_PATH="$build"
export PATH="$root/.venv/bin:$PATH"

# Schema, markup and references of every plugin and role, and rstcheck on the RST they render to.
antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs self "$tree"

rst="$build/rst"
rm -rf "$rst"
mkdir -m 0755 "$rst"
log="$build/antsibull-docs.log"
antsibull-docs collection --use-current --fail-on-error --no-add-antsibull-docs-version \
  --dest-dir "$rst" newmedia.mediastack 2>"$log"
# antsibull-docs only warns about some problems (a plugin it cannot document, a bad reference);
# any message is a failure here.
if [ -s "$log" ]; then
  cat "$log" >&2
  echo "antsibull-docs reported the problems above" >&2
  exit 1
fi
echo "documentation of newmedia.mediastack: $rst ($(find "$rst" -name '*.rst' | wc -l) pages)"
