"""A located problem in a steward-edited file, and the exception that carries many.

Stewards fix files, not stack traces: every problem names the file, the line
and column (1-based, as editors count) and says what to do next in `hint`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str  # path relative to the project root, as the steward sees it
    line: int  # 1-based; 0 when the problem concerns the whole file
    column: int  # 1-based; 0 when unknown
    message: str  # what is wrong (never holds a secret value)
    hint: str = ""  # what to do about it
    code: str = ""  # a stable short id ("duplicate-id"), for tests and machines

    def format(self) -> str:
        """`file:line:column: message` plus an indented hint line, like a compiler."""
        text = f"{self.file}:{self.line}:{self.column}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    __str__ = format

    def to_dict(self) -> dict:
        return asdict(self)


class CatalogError(Exception):
    """The catalog (or a schema it names) cannot be used; `problems` says why and where."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        first = self.problems[0].format() if self.problems else "unknown problem"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first + more)
