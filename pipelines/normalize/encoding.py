"""Decide a text file's encoding from proof over the WHOLE byte stream, or refuse with the line.

Why the whole stream: Swedish exports are often Windows-1252, and a file whose
first few thousand rows are plain ASCII looks like UTF-8 to any prefix-based
guess (Frictionless, chardet) — which then fails at the first "ö" deep in the
file. Reading to the end with a strict incremental decoder costs one fast pass
(C-speed decoding, bounded memory) and gives a certain answer.

The order of proof (the first that holds decides; `Detected.evidence` says which):
1. `encoding:` declared in catalog.yaml — checked strictly, never ignored;
2. a UTF-16/UTF-32 byte-order mark; a UTF-8 byte-order mark when the text
   after it is valid UTF-8 (exporters also put one before Windows-1252 text:
   then rules 4–5 decide over the bytes after it);
3. the NUL pattern of UTF-16/UTF-32 without a BOM (`wide_text`);
4. valid UTF-8 throughout — unless the same bytes are also Western
   Windows-1252 text while the UTF-8 reading is not (`text_evidence`): then
   the file is ambiguous and refused;
5. Windows-1252, when the file is not UTF-8, has no UTF-8 lines (a file with
   both is *mixed* and refused, naming the lines of each part), and reads as
   Western text.
Everything else is refused with the line and byte where the proof fails and
what to do. UTF-16/32 files are transcoded by the callers (they open the text
with `Detected.encoding` after `Detected.offset` bytes).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from .text_evidence import (
    NOT_SWEDISH,
    NOT_WESTERN,
    NOT_WESTERN_TEXT,
    describe_lines,
    has_utf8_multibyte,
    snippet,
    survey_lines,
)
from .wide_text import SAMPLE_BYTES, bom_encoding, nul_pattern_encoding

CHUNK = 1 << 20  # 1 MiB reads keep memory flat for any file size
LABELS = {
    "utf-8": "UTF-8",
    "cp1252": "Windows-1252",
    "utf-16-le": "UTF-16LE",
    "utf-16-be": "UTF-16BE",
    "utf-16": "UTF-16",
    "utf-32-le": "UTF-32LE",
    "utf-32-be": "UTF-32BE",
    "utf-32": "UTF-32",
    "iso8859-1": "ISO-8859-1",
    "iso8859-15": "ISO-8859-15",
}
# A declared family accepts the BOM of any of its members (the BOM then says the byte order).
_FAMILY = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "utf-16": "utf-16", "utf-16-le": "utf-16", "utf-16-be": "utf-16",
           "utf-32": "utf-32", "utf-32-le": "utf-32", "utf-32-be": "utf-32"}
FIX = "save the file as UTF-8 and try again"


class EncodingError(ValueError):
    """The bytes are not text in a supported encoding, or not provably one; the message says where."""


@dataclass(frozen=True)
class Detected:
    encoding: str  # a Python codec name: "utf-8", "cp1252", "utf-16-le", …
    bom: bool = False  # the file starts with a byte-order mark (skipped when read)
    offset: int = 0  # bytes before the text (the BOM's length)
    evidence: str = ""  # why this encoding: what was proven


@dataclass(frozen=True)
class _Failure:
    offset: int  # byte offset of the first byte the codec refuses
    line: int  # 1-based line of that byte
    byte: int
    truncated: bool  # the file ends inside a multi-byte character


@dataclass(frozen=True)
class _Pass:
    failure: _Failure | None
    unusual_line: int | None = None  # first line whose text is not WESTERN (when asked to watch)
    unusual_text: str = ""


def _strict_pass(path: Path, encoding: str, skip: int, *, watch: bool = False, within=NOT_WESTERN) -> _Pass:
    """Decode `path` strictly from byte `skip`; the first failure, and (if `watch`) the first text `within` finds."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = skip  # of the current chunk's first byte
    lines = 0  # newlines decoded so far
    unusual_line, unusual_text = None, ""
    with path.open("rb") as fh:
        fh.seek(skip)
        while True:
            chunk = fh.read(CHUNK)
            final = not chunk
            pending = len(decoder.getstate()[0])  # bytes held back from the previous chunk
            try:
                text = decoder.decode(chunk, final=final)
            except UnicodeDecodeError as exc:
                data = exc.object
                line = lines + data[: exc.start].decode(encoding, errors="replace").count("\n") + 1
                bad = data[exc.start] if exc.start < len(data) else 0
                truncated = final and exc.reason == "unexpected end of data"
                at = offset - pending + exc.start
                return _Pass(_Failure(at, line, bad, truncated), unusual_line, unusual_text)
            if watch and unusual_line is None:
                found = within.search(text)
                if found:
                    start = text.rfind("\n", 0, found.start()) + 1
                    unusual_line = lines + text.count("\n", 0, found.start()) + 1
                    unusual_text = snippet(text[start:], found.start() - start)
            lines += text.count("\n")
            if final:
                return _Pass(None, unusual_line, unusual_text)
            offset += len(chunk)


def _line_bytes(path: Path, skip: int, number: int) -> bytes:
    with path.open("rb") as fh:
        fh.seek(skip)
        for n, line in enumerate(fh, start=1):
            if n == number:
                return line
    return b""


def _where(failure: _Failure) -> str:
    return f"line {failure.line} (byte offset {failure.offset}) has byte 0x{failure.byte:02X}"


def detect_encoding(path: Path, declared: str | None = None) -> Detected:
    """Return the encoding proven to decode every byte of `path` to what its author wrote; else EncodingError.

    `declared` (the catalog entry's `encoding` option) is checked strictly:
    a declared encoding that does not fit the bytes is an error, never ignored.
    """
    with path.open("rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    bom = bom_encoding(head)
    if declared:
        return _declared(path, declared, bom, head)
    if bom and bom[0] != "utf-8":
        codec, length = bom
        return _proven(path, codec, length, f"the {label(codec)} byte-order mark", bom=True)
    skip = bom[1] if bom else 0
    if not bom:
        wide = nul_pattern_encoding(head)
        if wide:
            return _proven(path, wide, 0, f"NUL bytes in the pattern of {label(wide)} text")
    utf8 = _strict_pass(path, "utf-8", skip, watch=not bom)
    if utf8.failure is None:
        if bom:
            return Detected("utf-8", bom=True, offset=skip, evidence="the UTF-8 byte-order mark, and every byte is valid UTF-8")
        if utf8.unusual_line is not None:
            _refuse_if_ambiguous(path, utf8)
        return Detected("utf-8", evidence="every byte is valid UTF-8")
    if utf8.failure.truncated:  # the last bytes start a UTF-8 character that never ends
        raise EncodingError(
            f"{path.name}: the file ends in the middle of a UTF-8 character (line {utf8.failure.line}, "
            f"byte 0x{utf8.failure.byte:02X}, no line break after it): it looks cut off, so download or export it "
            "again; if it is a complete Windows-1252 file, end it with a line break or set `encoding:` in catalog.yaml"
        )
    if has_utf8_multibyte(path, skip):
        _refuse_if_mixed(path, skip)
    return _windows_1252(path, utf8.failure, skip)


def _proven(path: Path, codec: str, skip: int, evidence: str, *, bom: bool = False) -> Detected:
    failure = _strict_pass(path, codec, skip).failure
    if failure is not None:
        raise EncodingError(
            f"{path.name}: {evidence} says {label(codec)}, but {_where(failure)}, which is not valid "
            f"{label(codec)}; {FIX}"
        )
    return Detected(codec, bom=bom, offset=skip, evidence=evidence)


def _declared(path: Path, declared: str, bom: tuple[str, int] | None, head: bytes) -> Detected:
    codec = _codec_name(declared)
    family = _FAMILY.get(codec)
    evidence = f"declared in catalog.yaml ({declared})"
    if bom:
        bom_codec, length = bom
        if family != _FAMILY.get(bom_codec):
            raise EncodingError(
                f"{path.name}: catalog.yaml declares encoding {declared!r}, but the file starts with the "
                f"{label(bom_codec)} byte-order mark; remove `encoding:` or correct it"
            )
        codec = bom_codec  # the BOM says the byte order
        return _proven(path, codec, length, evidence, bom=True)
    if codec in ("utf-16", "utf-32"):  # no BOM: the NUL pattern must say the byte order
        wide = nul_pattern_encoding(head)
        if wide is None or not wide.startswith(codec):
            raise EncodingError(
                f"{path.name}: encoding {declared!r} is declared but the file has no byte-order mark and its "
                f"byte order cannot be proven; declare {codec}le or {codec}be"
            )
        codec = wide
    if codec == "utf-8-sig":
        codec = "utf-8"
    return _proven(path, codec, 0, evidence)


def _refuse_if_ambiguous(path: Path, utf8: _Pass) -> None:
    """Valid UTF-8 whose reading leaves Western text, while the Windows-1252 reading is Swedish text: refuse."""
    cp = _strict_pass(path, "cp1252", 0, watch=True, within=NOT_SWEDISH)
    if cp.failure is not None or cp.unusual_line is not None:
        return  # Windows-1252 is impossible or no Swedish text: the UTF-8 reading stands
    line = utf8.unusual_line
    as_cp1252 = snippet(_line_bytes(path, 0, line).decode("cp1252"))
    raise EncodingError(
        f"{path.name}: line {line}: the bytes are valid UTF-8, where they read {utf8.unusual_text!r}, and also "
        f"valid Windows-1252, where they read {as_cp1252!r}; set `encoding:` (utf-8 or windows-1252) in "
        "catalog.yaml to say which is meant, or save the file as UTF-8 with a byte-order mark"
    )


def _refuse_if_mixed(path: Path, skip: int) -> None:
    survey = survey_lines(path, skip)
    if not survey.utf8 or not survey.other:
        return
    other_encoding = "Windows-1252" if survey.first_other_is_cp1252 else "neither UTF-8 nor Windows-1252"
    utf8_part = f"{_are(survey.utf8)} UTF-8 (line {survey.utf8[0]}: {survey.first_utf8_text!r})"
    other_part = (f"{_are(survey.other)} not UTF-8 (line {survey.other[0]} reads as {other_encoding}: "
                  f"{survey.first_other_text!r})")
    minority, majority = (other_part, utf8_part) if len(survey.other) <= len(survey.utf8) else (utf8_part, other_part)
    first = survey.other[0] if len(survey.other) <= len(survey.utf8) else survey.utf8[0]
    raise EncodingError(
        f"{path.name}: mixed encodings, first offending line {first}: {minority}, while {majority}; "
        "save the whole file in one encoding (UTF-8), or set `encoding:` in catalog.yaml if one encoding "
        "is right for every line"
    )


def _are(numbers: list[int]) -> str:
    return f"{describe_lines(numbers)} {'is' if len(numbers) == 1 else 'are'}"


def _windows_1252(path: Path, utf8_failure: _Failure, skip: int) -> Detected:
    cp = _strict_pass(path, "cp1252", skip, watch=True, within=NOT_WESTERN_TEXT)
    if cp.failure is not None:
        raise EncodingError(
            f"{path.name}: {_where(cp.failure)}, which is not valid UTF-8 or Windows-1252; {FIX}"
        )
    if cp.unusual_line is not None:
        raise EncodingError(
            f"{path.name}: line {cp.unusual_line}: the file is not UTF-8 ({_where(utf8_failure)}), and read as "
            f"Windows-1252 it says {cp.unusual_text!r}, which is not Swedish or Western text: it is probably in "
            "another encoding. Save it as UTF-8, or set `encoding:` in catalog.yaml if that reading is right"
        )
    bom_note = "a UTF-8 byte-order mark, but the text is " if skip else ""
    return Detected("cp1252", bom=bool(skip), offset=skip,
                    evidence=f"{bom_note}not UTF-8 ({_where(utf8_failure)}); every byte is Western Windows-1252 text")


def _codec_name(name: str) -> str:
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise EncodingError(f"unknown encoding {name!r}; use 'utf-8', 'windows-1252', 'utf-16' or 'utf-16le'") from None
    if not getattr(info, "_is_text_encoding", True):
        raise EncodingError(f"{name!r} is not a text encoding; use 'utf-8', 'windows-1252' or 'utf-16'")
    return info.name


def label(encoding: str) -> str:
    """The human name for a codec, as a steward would write it."""
    return LABELS.get(encoding, encoding)
