"""Evidence that bytes are UTF-8 or Windows-1252 text, beyond "every byte decodes".

Why: strict decoding alone is weak proof for the two encodings Swedish exports
come in. Windows-1252 defines all but five byte values, so a file in another
legacy encoding (Shift-JIS, say) usually "decodes" as Windows-1252 into
nonsense; and a file pasted together from a UTF-8 system and a Windows system
is not valid UTF-8, so reading all of it as Windows-1252 turns every correct
"Mörbylånga" in the UTF-8 part into "MÃ¶rbylÃ¥nga". Both would be published as
valid. The rules here turn such files into located refusals instead:

- WESTERN is the text a Swedish export holds outside ASCII: the Latin-1
  letters and signs and the common typographic marks Windows-1252 adds
  (€, curly quotes, dashes, …, ‰, ™, •). A Windows-1252 reading with anything
  else in it (Œ, ‚, ˆ, Ž … are what other encodings' bytes turn into) is not
  taken on trust, nor one with a word of four or more letters that are all
  outside ASCII: Western languages write no such word, but Greek or Cyrillic
  text in its own legacy encoding reads like that ("Ëåùíéäáò" is ISO-8859-7
  "Λεωνιδας").
- A UTF-8 line is a line that is valid UTF-8, holds at least one multi-byte
  character, and reads as WESTERN text. A file with UTF-8 lines and lines that
  are not UTF-8 is mixed.
- A valid UTF-8 file whose UTF-8 reading leaves WESTERN while its Windows-1252
  reading is Swedish text (SWEDISH: ASCII, å ä ö é ü in both cases and the
  typographic marks) is ambiguous (Windows-1252 "Ä°" is UTF-8 "İ"). A
  Windows-1252 reading such as "Ê¤" (UTF-8 "ʤ") is no Swedish text, so the
  UTF-8 reading stands.

Known limit (documented for stewards): Windows-1252 text in which Ã, Â or â is
followed by one of the characters Windows-1252 keeps at 0x80–0xBF (the
mojibake patterns "Ã¶", "â€™") is valid UTF-8 that reads as WESTERN text, so it
is read as UTF-8. A declared `encoding:` settles such files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_TYPOGRAPHIC = "€‘’“”•–—…‰™"
WESTERN_EXTRA = frozenset(_TYPOGRAPHIC)
# Anything outside ASCII, Latin-1 (U+00A0–U+00FF) and the typographic marks above.
NOT_WESTERN = re.compile("[^\x00-\x7f\u00a0-\u00ff" + re.escape(_TYPOGRAPHIC) + "]")
_SWEDISH_EXTRA = "åäöÅÄÖéÉüÜ\u00a0°§½«»´"
FOREIGN_WORD = re.compile("[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff]{4,}")
NOT_WESTERN_TEXT = re.compile(f"{NOT_WESTERN.pattern}|{FOREIGN_WORD.pattern}")
NOT_SWEDISH = re.compile("[^\x00-\x7f" + re.escape(_SWEDISH_EXTRA + _TYPOGRAPHIC) + "]")
# One valid UTF-8 multi-byte sequence (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF).
UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
CHUNK = 1 << 20
SNIPPET = 40


def first_not_western(text: str) -> str | None:
    found = NOT_WESTERN.search(text)
    return found.group() if found else None


def snippet(text: str, at: int | None = None) -> str:
    """A short piece of the first line of `text` for a message: around `at`, or its start."""
    text = text.split("\n", 1)[0].rstrip("\r")
    start = 0 if at is None else max(at - SNIPPET // 2, 0)
    return text[start: start + SNIPPET]


def has_utf8_multibyte(path: Path, skip: int = 0) -> bool:
    """Does the file hold at least one valid UTF-8 multi-byte sequence? (streamed; chunks overlap by 3 bytes)"""
    tail = b""
    with path.open("rb") as fh:
        fh.seek(skip)
        while chunk := fh.read(CHUNK):
            data = tail + chunk
            if UTF8_MULTIBYTE.search(data):
                return True
            tail = data[-3:]
    return False


@dataclass
class LineSurvey:
    """How the lines of a file that is not valid UTF-8 read, line by line (1-based numbers)."""

    utf8: list[int] = field(default_factory=list)  # valid UTF-8 with multi-byte WESTERN characters
    other: list[int] = field(default_factory=list)  # not valid UTF-8
    first_utf8_text: str = ""
    first_other_text: str = ""
    first_other_is_cp1252: bool = True


def survey_lines(path: Path, skip: int = 0) -> LineSurvey:
    """Classify each line that is not plain ASCII. Only run on files that are not valid UTF-8 but hold
    UTF-8 multi-byte sequences, which are rare, so a line-by-line pass is affordable."""
    survey = LineSurvey()
    with path.open("rb") as fh:
        fh.seek(skip)
        for number, line in enumerate(fh, start=1):
            if line.isascii():
                continue
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                if not survey.other:
                    try:
                        survey.first_other_text = snippet(line.decode("cp1252"))
                    except UnicodeDecodeError:
                        survey.first_other_is_cp1252 = False
                        survey.first_other_text = snippet(line.decode("cp1252", errors="replace"))
                survey.other.append(number)
                continue
            if first_not_western(text) is None:
                if not survey.utf8:
                    survey.first_utf8_text = snippet(text)
                survey.utf8.append(number)
    return survey


def describe_lines(numbers: list[int], limit: int = 5) -> str:
    """'line 3', 'lines 3, 7 and 9', 'lines 3, 7, 9, 12, 15 and 40 more'."""
    if len(numbers) == 1:
        return f"line {numbers[0]}"
    shown = ", ".join(str(n) for n in numbers[:limit])
    rest = len(numbers) - limit
    if rest > 0:
        return f"lines {shown} and {rest} more"
    head, last = numbers[:-1], numbers[-1]
    return f"lines {', '.join(str(n) for n in head)} and {last}"
