# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Source folders on the controller that the deploy hands to a host as they are."""

from __future__ import annotations

from pathlib import Path


def source_files(folder: Path, variable: str, required: list[str], max_bytes: int) -> dict[str, str]:
    """Every regular file under ``folder`` by relative path; ValueError naming ``variable`` otherwise."""
    todo = f"Set {variable} to a folder on the controller that holds the source"
    if not folder.is_dir():
        raise ValueError(f"Invalid inventory variable {variable}: {str(folder)!r} is not a folder. {todo}")
    files, total = {}, 0
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_symlink():
            raise ValueError(f"Invalid inventory variable {variable}: {relative} is a symbolic link. Copy the file in")
        if not path.is_file():
            continue
        data = path.read_bytes()
        total += len(data)
        if total > max_bytes:
            raise ValueError(
                f"Invalid inventory variable {variable}: its files hold more than {max_bytes} bytes. {todo}, "
                "without build outputs"
            )
        try:
            files[relative] = data.decode("utf-8")
        except UnicodeDecodeError as error:
            cause = f"{relative} is not UTF-8 text"
            raise ValueError(f"Invalid inventory variable {variable}: {cause}. {todo}, text files only") from error
    missing = [name for name in required if name not in files]
    if missing:
        raise ValueError(f"Invalid inventory variable {variable}: {folder} lacks {', '.join(missing)}. {todo}")
    return files
