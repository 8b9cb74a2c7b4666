"""Strict CSV syntax (RFC 4180 quoting), checked line by line before any cell is read.

Why: Python's csv module (and polars, and most readers) is lenient. A quote
that is never closed swallows the rest of the file into one cell (three rows
become one, and validation passes); a quote in the middle of an unquoted value
is kept or dropped depending on the reader; a lone carriage return in a record
silently splits it in two. Each of these publishes values that differ from
what the author wrote. Here they are errors that name the line and the column:

- a quoted value must be closed before the end of the file;
- a quote may appear only as the first character of a value (which is then
  quoted), doubled inside a quoted value, or as its closing quote, and a
  closing quote must be followed by the separator or the end of the record;
- records end with the file's own line end: a lone CR ending a record in a
  file whose lines end with LF or CRLF is a stray CR (inside quotes it is data).

Line ends are LF, CRLF or CR (an old-Mac file whose lines end with CR is
accepted, as is an LF among them); mixing LF and CRLF changes nothing and is
accepted.
Lines without quotes are checked by one C-speed test; a line with quotes by
one regex match, and only a line that fails it is walked field by field.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from ..errors import SourceError, SourceErrorKind

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)")
_QUOTED_REST = re.compile(r'(?:[^"]|"")*"(?!")')  # the rest of a quoted value, through its closing quote
_FIX_QUOTES = 'quote the whole value and double the quotes inside it ("a ""b"" c")'


class StrictCsv:
    """Feed physical lines (with their line ends) in order; raises SourceError(CSV_SYNTAX) at the first fault.

    `lines()` wraps an iterable of lines for csv.reader; `feed()` takes text in
    arbitrary chunks (the polars engine's decoding pass). Both call `finish()`
    at the end of the input (`feed` users call it themselves).
    """

    def __init__(self, delimiter: str, source: str):
        d = re.escape(delimiter)
        field = rf'(?:[^"{d}]*|"(?:[^"]|"")*")'
        self._whole = re.compile(rf"{field}(?:{d}{field})*")
        self.delimiter = delimiter
        self.source = source
        self.line = 0  # lines read so far
        self.in_quotes = False
        self.quote_line = 0  # where the open quoted value started
        self.quote_column = 0
        self.eol: str | None = None  # the file's record terminator, learnt from its first record
        self._column = 1  # column (1-based) of the field being read
        self._carry = ""

    # ---- entry points ------------------------------------------------------------------------

    def lines(self, lines: Iterable[str]) -> Iterator[str]:
        for text in lines:
            self.check_line(text)
            yield text
        self.finish()

    def feed(self, text: str) -> None:
        """Check `text`, which continues the previous chunk; a partial last line waits for the next one."""
        text = self._carry + text
        cut = max(text.rfind("\n"), text.rfind("\r"))
        if cut == len(text) - 1 and text.endswith("\r"):
            cut = max(text.rfind("\n", 0, cut), text.rfind("\r", 0, cut))  # that CR may be half of a CRLF
        body, self._carry = text[: cut + 1], text[cut + 1:]
        if not body:
            return
        if not self.in_quotes and '"' not in body and "\r" not in body:
            self.eol = self.eol or "\n"
            self.line += body.count("\n")
            return
        for match in _LINE.finditer(body):
            self.check_line(match.group())

    def finish(self) -> None:
        if self._carry:
            carry, self._carry = self._carry, ""
            self.check_line(carry)
        if self.in_quotes:
            raise self._error(
                self.quote_line, self.quote_column,
                "a quoted value starts here and is never closed, so the rest of the file would become one cell; "
                'close the quote, or remove it (a quote inside a quoted value is written "")',
            )

    # ---- one line ----------------------------------------------------------------------------

    def check_line(self, text: str) -> None:
        self.line += 1
        if text.endswith("\r\n"):
            content, end = text[:-2], "\r\n"
        elif text.endswith(("\n", "\r")):
            content, end = text[:-1], text[-1]
        else:
            content, end = text, ""
        if self.in_quotes:
            closed = _QUOTED_REST.match(content)
            if closed is None:
                return  # the whole line, and its line end, belong to the quoted value
            self.in_quotes = False
            if not self._fields(content, closed.end(), after_value=True):
                return  # another quoted value opens and runs past this line
        else:
            self._column = 1
            if '"' in content and not self._whole.fullmatch(content) and not self._fields(content, 0, after_value=False):
                return
        self._end_record(end)

    def _fields(self, content: str, i: int, *, after_value: bool) -> bool:
        """Walk the line's values from index `i`; False when a quoted value stays open past the line end."""
        d = self.delimiter
        n = len(content)
        while True:
            if after_value:  # just after a value: the end of the record or a separator must follow
                if i >= n:
                    return True
                if content[i] != d:
                    raise self._error(self.line, self._column,
                                      f"text after the closing quote of a quoted value ({_snip(content, i)!r}); {_FIX_QUOTES}")
                i += 1
                self._column += 1
            if i < n and content[i] == '"':
                closed = _QUOTED_REST.match(content, i + 1)
                if closed is None:
                    self.in_quotes, self.quote_line, self.quote_column = True, self.line, self._column
                    return False
                i = closed.end()
            else:
                end = content.find(d, i)
                end = n if end < 0 else end
                if content.find('"', i, end) >= 0:
                    raise self._error(self.line, self._column,
                                      f"a quote (\") inside a value that does not start with one "
                                      f"({_snip(content, i)!r}); {_FIX_QUOTES}, or remove it")
                i = end
            after_value = True

    def _end_record(self, end: str) -> None:
        if not end:
            return  # the last line of the file, without a line end
        if self.eol is None:
            self.eol = end
        elif end == "\r" and self.eol != "\r":
            raise self._error(self.line, 0, "the record ends with a lone carriage return (CR) while the file's lines "
                                            "end with LF or CRLF: a stray CR splits a record in two; remove it, or "
                                            "quote the value that holds it")

    def _error(self, line: int, column: int, what: str) -> SourceError:
        where = f"line {line}" + (f", column {column}" if column else "")
        return SourceError(SourceErrorKind.CSV_SYNTAX, f"{self.source}: {where}: {what}")


def _snip(text: str, at: int) -> str:
    return text[max(at - 10, 0): at + 30]
