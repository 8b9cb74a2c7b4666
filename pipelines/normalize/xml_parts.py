"""Refuse a workbook whose XML parts declare a DTD, before any XML parser sees them.

Why: an XLSX file is a zip of XML parts, and no part written by a spreadsheet
program has a document type declaration. A DTD is how XML "entity tricks"
work: internal entities that expand a few kilobytes into gigabytes (billion
laughs, quadratic blow-up), external entities that pull in other files or
URLs. The parser openpyxl uses stops some of these late, with an exception
that would surface as a traceback; others it would expand. Refusing any part
with a DTD up front is simpler and stricter than any entity setting.

The check reads only each part's prolog (what comes before the root element:
the XML declaration, comments, processing instructions, whitespace) from the
first bytes of the decompressed stream.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from ..errors import SourceError, SourceErrorKind

PROLOG_BYTES = 64 * 1024  # a real part's prolog is a few hundred bytes at most
_PROLOG_ITEM = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.S)


def _prolog_text(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<"):
        return head.decode("utf-16", errors="replace")
    return head.decode("latin-1")  # markup is ASCII; the encoding of the text does not matter here


def declares_dtd(head: bytes) -> bool | None:
    """True: a DTD before the root element; False: the root element comes first; None: not XML at all."""
    text = _prolog_text(head).lstrip("\ufeff")
    i = 0
    while i < len(text):
        item = _PROLOG_ITEM.match(text, i)
        if item:
            i = item.end()
            continue
        if text.startswith("<!", i):
            return True  # <!DOCTYPE (or anything else a prolog must not hold)
        return False if text.startswith("<", i) else (None if i == 0 else False)
    return True if len(head) >= PROLOG_BYTES else None  # a prolog longer than any real part's: refuse


def check_no_dtd(path: Path, source: str) -> None:
    """Raise SourceError naming the first part that declares a DTD; unreadable zips are left to openpyxl."""
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                with zf.open(info) as member:
                    head = member.read(PROLOG_BYTES)
                if declares_dtd(head):
                    raise SourceError(
                        SourceErrorKind.DECODE_ERROR,
                        f"{source}: the workbook part {info.filename} declares a DTD (<!DOCTYPE …>), which no "
                        "spreadsheet program writes and which XML entity tricks need; save the workbook again "
                        "from Excel or LibreOffice",
                    )
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, zlib.error):
        return  # not a readable zip: openpyxl reports it as a broken workbook
