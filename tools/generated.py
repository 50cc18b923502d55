"""What the generators (tools/gen_inputs.py, tools/gen_catalog.py) share: splicing a generated part
between two markers of a hand-written page, and the write-or-check command line."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def splice(text: str, page: str, begin: str, end: str, content: str) -> str:
    """``text`` with what stands between ``begin`` and ``end`` replaced by ``content``."""
    if begin not in text or end not in text:
        raise SystemExit(f"{page}: the markers {begin} and {end} are missing")
    head, rest = text.split(begin, 1)
    _old, tail = rest.split(end, 1)
    return f"{head}{begin}\n{content}\n{end}{tail}"


def main(argv: list[str] | None, tool: str, description: str, outputs: Callable[[], dict[Path, str]]) -> int:
    """Rewrite each stale output of ``tool`` (tools/<tool>), or with --check only name them and exit 1."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help="report stale files instead of writing them")
    args = parser.parse_args(argv)
    stale = []
    for path, content in outputs().items():
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            stale.append(path)
            if not args.check:
                path.write_text(content, encoding="utf-8")
    for path in stale:
        verb = f"is stale: run python tools/{tool}" if args.check else "rewritten"
        print(f"{path.relative_to(ROOT)} {verb}")
    return 1 if stale and args.check else 0
