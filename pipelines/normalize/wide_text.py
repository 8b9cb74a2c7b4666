"""UTF-16 and UTF-32 text: recognised by its byte-order mark, or by where its NUL bytes fall.

Why a module of its own: Excel's "Unicode text" export and many Windows tools
write UTF-16, with or without a BOM. Read as UTF-8 or Windows-1252 such a file
is garbage with a NUL after every letter, so it is recognised first and
transcoded, never guessed past.

Without a BOM the proof is the NUL pattern: text in UTF-16LE has a NUL in the
high byte of nearly every character of Latin text (ASCII and Latin-1 both have
a zero high byte) and almost never in the low byte; UTF-32 has three NULs per
character. Thresholds are strict on both sides, so a binary file or a UTF-8
file with a few NULs is never taken for UTF-16. The whole file is then decoded
strictly with the recognised codec by the caller.
"""

from __future__ import annotations

import codecs

# Longest first: the UTF-32LE BOM begins with the UTF-16LE one.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
SAMPLE_BYTES = 64 * 1024
MIN_UNITS = 2  # at least two characters before a NUL pattern counts as evidence
MOSTLY = 0.6  # share of positions that must be NUL where the codec puts them
RARELY = 0.05  # share of positions that may be NUL where the codec does not


def bom_encoding(head: bytes) -> tuple[str, int] | None:
    """(codec, BOM length) when `head` starts with a byte-order mark."""
    for bom, codec in BOMS:
        if head.startswith(bom):
            return codec, len(bom)
    return None


def _nul_share(sample: bytes, width: int, position: int) -> float:
    column = sample[position::width]
    return column.count(0) / len(column) if column else 0.0


def nul_pattern_encoding(sample: bytes) -> str | None:
    """The UTF-16/32 codec whose NUL pattern the sample shows, or None."""
    if b"\x00" not in sample:
        return None
    for width, little, big in ((4, "utf-32-le", "utf-32-be"), (2, "utf-16-le", "utf-16-be")):
        usable = sample[: len(sample) - len(sample) % width]
        if len(usable) < width * MIN_UNITS:
            continue
        shares = [_nul_share(usable, width, p) for p in range(width)]
        high = shares[1:]  # little endian: the low byte comes first, the high bytes after it
        if shares[0] <= RARELY and all(s >= MOSTLY for s in high):
            return little
        if shares[-1] <= RARELY and all(s >= MOSTLY for s in shares[:-1]):
            return big
    return None
