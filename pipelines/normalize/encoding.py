"""Decide a text file's encoding by strict decoding of the WHOLE byte stream.

Why the whole stream: Swedish exports are often Windows-1252, and a file whose
first few thousand rows are plain ASCII looks like UTF-8 to any prefix-based
guess (Frictionless, chardet) — which then fails at the first "ö" deep in the
file. Reading to the end with a strict incremental decoder costs one fast pass
(C-speed decoding, bounded memory) and gives a certain answer.

Only two encodings are accepted, in this order: UTF-8 (with or without BOM) and
Windows-1252. Anything that is neither is an error that says where the first
undecodable byte is, so the steward can fix the file.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

UTF8_BOM = codecs.BOM_UTF8
CHUNK = 1 << 20  # 1 MiB reads keep memory flat for any file size


class EncodingError(ValueError):
    """The bytes are not text in a supported encoding; the message says where."""


@dataclass(frozen=True)
class Detected:
    encoding: str  # "utf-8" or "cp1252" (Python codec names)
    bom: bool  # the file starts with a UTF-8 byte-order mark (to be skipped)


def _first_bad_byte(path: Path, encoding: str, skip: int) -> tuple[int, int, int] | None:
    """(offset, line, byte) of the first byte `encoding` cannot decode, or None."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = skip
    line = 1
    with path.open("rb") as fh:
        fh.seek(skip)
        while True:
            chunk = fh.read(CHUNK)
            final = not chunk
            pending = len(decoder.getstate()[0])  # bytes held back from the previous chunk
            try:
                decoder.decode(chunk, final=final)
            except UnicodeDecodeError as exc:
                pos = exc.start - pending  # negative: the sequence began in the previous chunk
                data = exc.object
                bad = data[exc.start] if exc.start < len(data) else 0
                line += chunk[: max(pos, 0)].count(b"\n")
                return offset + pos, line, bad
            if final:
                return None
            line += chunk.count(b"\n")
            offset += len(chunk)


def detect_encoding(path: Path, declared: str | None = None) -> Detected:
    """Return the encoding that decodes every byte of `path`.

    `declared` (the catalog entry's `encoding` option) is checked strictly too:
    a declared encoding that does not fit the bytes is an error, never ignored.
    """
    with path.open("rb") as fh:
        bom = fh.read(len(UTF8_BOM)) == UTF8_BOM
    skip = len(UTF8_BOM) if bom else 0
    candidates = [_codec_name(declared)] if declared else ["utf-8", "cp1252"]
    failures = []
    for encoding in candidates:
        bad = _first_bad_byte(path, encoding, skip)
        if bad is None:
            return Detected(encoding=encoding, bom=bom)
        failures.append((encoding, bad))
    encoding, (offset, line, byte) = failures[-1]
    tried = " or ".join(label(e) for e, _ in failures)
    raise EncodingError(
        f"{path.name}: line {line} (byte offset {offset}) has byte 0x{byte:02X}, which is not valid "
        f"{tried}; save the file as UTF-8 (or Windows-1252) and try again"
    )


def _codec_name(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise EncodingError(f"unknown encoding {name!r}; use 'utf-8' or 'windows-1252'") from None


def label(encoding: str) -> str:
    """The human name for a codec, as a steward would write it."""
    return {"utf-8": "UTF-8", "cp1252": "Windows-1252"}.get(encoding, encoding)
