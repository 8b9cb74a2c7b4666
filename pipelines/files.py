"""Writing and hashing files the way every stage does it.

`atomic_write`: a file appears under its name only when it is complete. A
download cut off, a full disk or a crash half-way leaves no file that looks
finished (the next stage would take half a CSV for the whole one); only the
hidden `.<name>.<pid>.part` beside it, removed on the way out.

`sha256_file`: "changed?" is decided by hash all through the pipeline, so
every file is hashed the same way (hashlib's own streaming `file_digest`).
"""

from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Iterator


def part_path(dest: Path) -> Path:
    """The hidden temporary name beside `dest` that `atomic_write` writes to."""
    return dest.with_name(f".{dest.name}.{os.getpid()}.part")


@contextmanager
def atomic_write(dest: Path, mode: str = "wb", **open_args: Any) -> Iterator[IO[Any]]:
    """Open a temporary file beside `dest`; rename it to `dest` when the block ends without an exception.

    On any exception (and on an OSError from closing or renaming, which is
    raised) the temporary file is removed and `dest` is left as it was.
    """
    tmp = part_path(dest)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, mode, **open_args) as fh:
            yield fh
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def sha256_file(path: Path) -> str:
    """The file's SHA-256 as hex, read in one streaming pass."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
