"""Parse the Solr query subset CKAN and its extensions send in `q` and `fq`, into a small tree.

Why: CKAN's web UI, ckanext-dcat and API clients all speak Solr syntax (`tags:"x"`,
`+state:(active OR draft)`, `-dataset_type:harvest`, `metadata_modified:[2024-01-01T00:00:00Z TO NOW]`,
`*:*`). Parsing it into a tree first keeps the SQL compiler small and lets bad input fail with a
message that names the exact spot, instead of being silently ignored.

Grammar (Solr's standard parser, default operator AND):
    expr    := and_expr ("OR" and_expr)*
    and_expr:= unary (["AND"] unary)*
    unary   := ["+" | "-" | "NOT"] primary
    primary := "(" expr ")" | FIELD ":" (value | range | "(" expr ")") | value
    value   := QUOTED | WORD          range := ("[" | "{") low "TO" high ("]" | "}")
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from ckan.lib.search.common import SearchQueryError


@dataclass(frozen=True)
class Term:
    field: str | None  # None: the default (full-text) field
    value: str
    phrase: bool = False  # written in double quotes: exact, no wildcards


@dataclass(frozen=True)
class Range:
    field: str
    low: str | None  # None: open ("*")
    high: str | None
    include_low: bool = True
    include_high: bool = True


@dataclass(frozen=True)
class MatchAll:
    pass


@dataclass(frozen=True)
class Not:
    node: "Node"


@dataclass(frozen=True)
class And:
    nodes: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    nodes: tuple["Node", ...]


Node = Union[Term, Range, MatchAll, Not, And, Or]

# What one query may cost: each term becomes a condition (and full-text terms a tsquery), each
# level of parentheses a level of recursion in the parser and the compiler. Solr limits a query to
# 1,024 clauses; a catalog search never needs more than a few dozen.
MAX_CHARS = {"q": 1000, "fq": 2000}
MAX_TERMS = 64
MAX_DEPTH = 16

_FIELD_RE = re.compile(r"[A-Za-z_*][A-Za-z0-9_.\-]*$")
_RANGE_RE = re.compile(r"^([\[{])\s*(\S+)\s+TO\s+(\S+)\s*([\]}])$")


@dataclass(frozen=True)
class _Tok:
    kind: str  # WORD, QUOTED, FIELD, RANGE, LPAREN, RPAREN, PLUS, MINUS
    text: str
    pos: int


def _tokenize(text: str, param: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "()":
            toks.append(_Tok("LPAREN" if c == "(" else "RPAREN", c, i))
            i += 1
        elif c in "+-" and i + 1 < n and not text[i + 1].isspace() and (not toks or toks[-1].kind != "FIELD"):
            toks.append(_Tok("PLUS" if c == "+" else "MINUS", c, i))
            i += 1
        elif c == '"':
            j, buf = i + 1, []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                buf.append(text[j])
                j += 1
            if j >= n:
                raise SearchQueryError(f"{param}: unclosed double quote at character {i + 1} in {text!r}")
            toks.append(_Tok("QUOTED", "".join(buf), i))
            i = j + 1
        elif c in "[{":
            close = text.find("]" if c == "[" else "}", i)
            other = text.find("}" if c == "[" else "]", i)
            if close < 0 and other >= 0:
                close = other
            if close < 0:
                raise SearchQueryError(f"{param}: unclosed range starting at character {i + 1} in {text!r}")
            toks.append(_Tok("RANGE", text[i : close + 1], i))
            i = close + 1
        else:
            j, buf = i, []
            while j < n and not text[j].isspace() and text[j] not in '()"':
                if text[j] == "\\" and j + 1 < n:
                    buf.append(text[j + 1])
                    j += 2
                    continue
                if text[j] == ":":
                    name = "".join(buf)
                    if not _FIELD_RE.match(name):
                        raise SearchQueryError(f"{param}: {name!r} before ':' at character {i + 1} is not a field name")
                    toks.append(_Tok("FIELD", name, i))
                    j += 1
                    break
                buf.append(text[j])
                j += 1
            else:
                toks.append(_Tok("WORD", "".join(buf), i))
            i = j
    return toks


class _Parser:
    def __init__(self, text: str, param: str):
        self.text, self.param = text, param
        self.toks = _tokenize(text, param)
        self.i = 0
        self.depth = 0
        self.terms = 0

    def counted(self, node: Node) -> Node:
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise SearchQueryError(
                f"{self.param}: more than {MAX_TERMS} terms in {self.text[:80]!r}...; search with fewer words or filters")
        return node

    def error(self, what: str) -> SearchQueryError:
        at = self.toks[self.i].pos + 1 if self.i < len(self.toks) else len(self.text) + 1
        return SearchQueryError(f"{self.param}: {what} at character {at} in {self.text!r}")

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def is_op(self, word: str) -> bool:
        t = self.peek()
        return t is not None and t.kind == "WORD" and t.text == word

    def parse(self) -> Node:
        if not self.toks:
            return MatchAll()
        node = self.expr(None)
        if self.peek() is not None:
            raise self.error("unexpected ')'")
        return node

    def expr(self, field: str | None) -> Node:
        nodes = [self.and_expr(field)]
        while self.is_op("OR") or (self.peek() is not None and self.peek().kind == "WORD" and self.peek().text == "||"):
            self.i += 1
            nodes.append(self.and_expr(field))
        return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))

    def and_expr(self, field: str | None) -> Node:
        nodes = [self.unary(field)]
        while True:
            t = self.peek()
            if t is None or t.kind == "RPAREN" or self.is_op("OR") or (t.kind == "WORD" and t.text == "||"):
                break
            if self.is_op("AND") or (t.kind == "WORD" and t.text == "&&"):
                self.i += 1
            nodes.append(self.unary(field))
        return nodes[0] if len(nodes) == 1 else And(tuple(nodes))

    def unary(self, field: str | None) -> Node:
        t = self.peek()
        if t is None:
            raise self.error("missing a term")
        if t.kind == "PLUS":
            self.i += 1
            return self.primary(field)
        if t.kind == "MINUS" or self.is_op("NOT"):
            self.i += 1
            return Not(self.primary(field))
        return self.primary(field)

    def primary(self, field: str | None) -> Node:
        t = self.peek()
        if t is None:
            raise self.error("missing a term")
        self.i += 1
        if t.kind == "LPAREN":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                self.i -= 1
                raise self.error(f"more than {MAX_DEPTH} levels of parentheses")
            node = self.expr(field)
            if self.peek() is None or self.peek().kind != "RPAREN":
                raise self.error("missing ')'")
            self.i += 1
            self.depth -= 1
            return node
        if t.kind == "FIELD":
            v = self.peek()
            if v is None:
                raise self.error(f"missing a value after '{t.text}:'")
            if v.kind == "LPAREN":
                return self.primary(t.text)
            self.i += 1
            if t.text == "*" and v.kind == "WORD" and v.text == "*":
                return MatchAll()
            if v.kind == "RANGE":
                return self.counted(_range(t.text, v.text, self.param))
            if v.kind == "WORD":
                return self.counted(Term(t.text, v.text))
            if v.kind == "QUOTED":
                return self.counted(Term(t.text, v.text, phrase=True))
            self.i -= 1
            raise self.error(f"missing a value after '{t.text}:'")
        if t.kind == "WORD":
            if t.text == "*" and field is None:
                return MatchAll()
            return self.counted(Term(field, t.text))
        if t.kind == "QUOTED":
            return self.counted(Term(field, t.text, phrase=True))
        if t.kind == "RANGE":
            if field is None:
                self.i -= 1
                raise self.error("a range needs a field, e.g. metadata_modified:[2024-01-01T00:00:00Z TO NOW]")
            return self.counted(_range(field, t.text, self.param))
        self.i -= 1
        raise self.error(f"unexpected {t.text!r}")


def _range(field: str, text: str, param: str) -> Node:
    m = _RANGE_RE.match(text)
    if not m:
        raise SearchQueryError(f"{param}: {field}:{text} is not a range; write {field}:[LOW TO HIGH] (use * for open ends)")
    low, high = m.group(2), m.group(3)
    return Range(field, None if low == "*" else low, None if high == "*" else high, m.group(1) == "[", m.group(4) == "]")


def parse(text: str | None, param: str = "q") -> Node:
    """Parse one `q` or `fq` string; an empty one matches everything.

    Raises SearchQueryError naming the parameter, the character position and the text; also for a
    query longer than MAX_CHARS, with more than MAX_TERMS terms or MAX_DEPTH levels of parentheses.
    """
    text = (text or "").strip()
    limit = MAX_CHARS.get(param, MAX_CHARS["fq"])
    if len(text) > limit:
        raise SearchQueryError(f"{param}: {len(text)} characters; at most {limit} are allowed")
    if "\x00" in text:
        raise SearchQueryError(f"{param}: the query contains a NUL character (\\x00), which no dataset can match")
    if text.startswith("{!"):
        raise SearchQueryError(f"{param}: Solr local parameters ({text[:20]}...) are not supported")
    return _Parser(text, param).parse()

