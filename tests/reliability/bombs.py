"""Hostile files built on the fly: an XLSX zip bomb (a real workbook whose sheet unpacks to > 512 MiB)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl

ROW = b'<row><c t="inlineStr"><is><t>0880</t></is></c><c t="inlineStr"><is><t>Kalmar</t></is></c><c><v>1</v></c></row>'


def xlsx_zip_bomb(path: Path, unpacked_bytes: int) -> Path:
    """A valid workbook whose first sheet repeats one row until it unpacks to `unpacked_bytes` (compresses ~1000:1)."""
    wb = openpyxl.Workbook()
    wb.active.append(["kommunkod", "kommun", "antal"])
    plain = io.BytesIO()
    wb.save(plain)
    plain.seek(0)
    block = ROW * (1024 * 1024 // len(ROW))
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, src.read(info.filename))
                continue
            head, _, _ = src.read(info.filename).partition(b"<sheetData>")
            with dst.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
                fh.write(head + b"<sheetData>")
                written = 0
                while written < unpacked_bytes:
                    fh.write(block)
                    written += len(block)
                fh.write(b"</sheetData></worksheet>")
    return path
