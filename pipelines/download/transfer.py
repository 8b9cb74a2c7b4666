"""One resumable, verified file transfer over HTTP.

WHY separate from `datasets`: resuming and verifying a byte stream has
nothing to do with CKAN, and it is where the subtle cases live (a server that
ignores `Range`, a partial file that is already complete, a file whose content
does not match its recorded SHA-256). Kept apart, each case is tested directly.

A transfer writes to `<name>.part` and only renames to `<name>` after the SHA-256
matched; a mismatching file is kept as `<name>.sha256-mismatch` for inspection,
never silently deleted or accepted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import requests

from ..net import Refused, guarded_session

CHUNK = 64 * 1024  # small enough that an interrupted transfer keeps nearly all it received


class TransferError(Exception):
    """A file could not be fetched or verified; the message says what and what to do."""


class ChecksumMismatch(TransferError):
    """The bytes received do not hash to the SHA-256 recorded on the resource."""


@dataclass(frozen=True)
class TransferResult:
    path: Path
    bytes: int
    sha256: str
    resumed_from: int  # bytes reused from an earlier partial download (0: fresh)
    restarted: bool  # the server ignored Range, so the partial file was discarded


ProgressHook = Callable[[int, int | None], None]  # (bytes just received, total or None)


def _sha256_of(path: Path) -> "hashlib._Hash":
    """The digest of what `path` holds, open for more bytes (a resumed download appends to it)."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256")


def _total_from(response: requests.Response, offset: int) -> int | None:
    if response.status_code == 206:
        rng = response.headers.get("Content-Range", "")
        if "/" in rng and rng.rsplit("/", 1)[1].isdigit():
            return int(rng.rsplit("/", 1)[1])
    length = response.headers.get("Content-Length")
    return int(length) + (offset if response.status_code == 206 else 0) if length else None


def fetch(
    url: str,
    dest: Path,
    expected_sha256: str | None,
    session: requests.Session | None = None,
    progress: ProgressHook | None = None,
    timeout: float = 30.0,
) -> TransferResult:
    """Download `url` to `dest`, resuming `dest.part` when present, and verify it.

    Resuming asks for `Range: bytes=<have>-`. A 206 whose Content-Range starts at
    that offset is appended; a 200 means the server ignored Range, so the partial
    file is discarded and the download restarts from byte 0; a 416 means the
    partial file may already be whole, which the checksum then decides.

    Without a `session`, a guarded one that connects to public addresses only
    (`pipelines.net`); `PublicPortal.session` also trusts the portal itself.
    """
    session = session or guarded_session()
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    restarted = False
    try:
        response = session.get(url, headers=headers, stream=True, timeout=timeout)
    except requests.RequestException as exc:  # an unresolvable host name included
        raise TransferError(
            f"cannot fetch {url}: {type(exc).__name__}. Check that the portal is running "
            "and CKAN_URL points at it, then rerun (the partial file is kept and resumed)."
        ) from None
    except Refused as exc:
        raise TransferError(f"refused to fetch {url}: {exc}; the portal points at an address that is not public") from None
    with response:
        if have and response.status_code == 416:
            digest = _sha256_of(part)
            return _finish(part, dest, digest, have, expected_sha256, url, have, False)
        if response.status_code not in (200, 206):
            raise TransferError(
                f"{url} answered HTTP {response.status_code}; expected 200. "
                "Check that the resource exists and is public."
            )
        if response.status_code == 206:
            rng = response.headers.get("Content-Range", "")
            if not rng.startswith(f"bytes {have}-"):
                raise TransferError(
                    f"{url} answered a range {rng!r} we did not ask for (asked from byte {have}); "
                    f"delete {part} and rerun."
                )
            digest = _sha256_of(part)
            mode = "ab"
            resumed_from = have
        else:
            restarted = have > 0
            digest = hashlib.sha256()
            mode = "wb"
            resumed_from = 0
        total = _total_from(response, resumed_from)
        written = resumed_from
        if progress and resumed_from:
            progress(resumed_from, total)
        try:
            with part.open(mode) as fh:
                for block in response.iter_content(CHUNK):
                    fh.write(block)
                    digest.update(block)
                    written += len(block)
                    if progress:
                        progress(len(block), total)
        except requests.RequestException as exc:
            raise TransferError(
                f"the download of {url} broke off after {written} bytes ({type(exc).__name__}); "
                f"rerun the same command to resume from {part}."
            ) from None
    return _finish(part, dest, digest, written, expected_sha256, url, resumed_from, restarted)


def _finish(
    part: Path, dest: Path, digest, size: int, expected: str | None, url: str,
    resumed_from: int, restarted: bool,
) -> TransferResult:
    actual = digest.hexdigest()
    if expected and actual != expected.lower():
        kept = dest.with_name(dest.name + ".sha256-mismatch")
        part.replace(kept)
        raise ChecksumMismatch(
            f"{url}: the file's SHA-256 is {actual} but the portal records {expected.lower()}. "
            f"The file is corrupt or was changed without updating its record; it is kept as "
            f"{kept} for inspection. Report it to the dataset's contact point."
        )
    part.replace(dest)
    return TransferResult(dest, size, actual, resumed_from, restarted)
