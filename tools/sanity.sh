#!/usr/bin/env bash
# Run `ansible-test sanity` on a copy of the tracked files laid out as
# ansible_collections/newmedia/mediastack, the tree ansible-test requires.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$("$root/tools/collection_tree.sh" "$root/.build/sanity")
# ansible-test bootstraps pip in its test environments with a script it downloads from a host we
# cannot reach; give it ours (same interface) under the name it looks for.
pip_version=$("$root/.venv/bin/python" - <<'PY'
import inspect, re
from ansible_test._internal import python_requirements
print(re.search(r"pip='([0-9.]+)'", inspect.getsource(python_requirements)).group(1))
PY
)
mkdir -p ~/.ansible/test/cache
install -m 0644 "$root/tools/pip_bootstrap.py" ~/.ansible/test/cache/"get_pip_${pip_version//./_}.py"
cd "$dest"
exec "$root/.venv/bin/ansible-test" sanity --python 3.11 --color=no "$@"
