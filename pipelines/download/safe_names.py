"""File and folder names that come from the portal, made into one safe path component under `--to`.

Why: `download --all` names folders after the portal's package names and
files after the tails of resource URLs. A hostile or broken portal could hand
out `../..`, an absolute path, `x/.`, a NUL, `CON` or a 5,000-character name;
used unchecked, those write outside the folder the user chose or fail
half-way on another system. A name is accepted only when it is one plain
component, and the joined path is checked again after resolving symlinks.
"""

from __future__ import annotations

import re
from pathlib import Path

from .portal import DownloadError

MAX_NAME = 200  # bytes: leaves room for ".part" and ".sha256-mismatch" under the usual 255-byte limit
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# names Windows reserves for devices, with or without an extension (a data package is often unpacked there)
_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³]|CONIN\$|CONOUT\$)(\..*)?", re.IGNORECASE)


def name_problem(name: str) -> str | None:
    """Why `name` is not one safe file or folder name, or None when it is."""
    if not name:
        return "it is empty"
    if "\x00" in name:
        return "it holds a NUL character"
    if "/" in name or "\\" in name:
        return "it holds a path separator"
    if name in (".", ".."):
        return "it names a folder above or the folder itself"
    if len(name.encode("utf-8")) > MAX_NAME:
        return f"it is longer than {MAX_NAME} bytes"
    if _RESERVED.fullmatch(name):
        return "it is a device name Windows reserves"
    if name.endswith((".", " ")):
        return "it ends with a dot or a space"
    if not _SAFE.fullmatch(name):
        return "it holds characters other than a-z, A-Z, 0-9, '.', '-' and '_' (or starts with one of '.-_')"
    return None


def safe_child(folder: Path, name: str, dataset: str, what: str) -> Path:
    """`folder / name`, refused with a DownloadError naming the dataset unless it stays one level inside `folder`."""
    problem = name_problem(name)
    if problem is None:
        base = folder.resolve()
        candidate = (folder / name).resolve()
        if candidate.parent != base:
            problem = "it resolves to a place outside the download folder (a symbolic link?)"
        else:
            return folder / name
    raise DownloadError(
        f"dataset {dataset!r}: the portal gives {what} {name[:80]!r}, which is not one safe file name "
        f"({problem}); nothing of it was written. Report it to the portal's administrators."
    )
