"""The broken-catalog corpus: each case breaks one thing in a copy of fixtures/base.

A case names the edit and the exact problem `oppnadata check` must report:
file, line, column (1-based, as an editor shows them), a stable problem code
and words the message must contain. Kept as data so a new case is one entry.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable


def replace(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"corpus edit is ambiguous or stale: {old!r} in {rel}"
        path.write_text(text.replace(old, new), encoding="utf-8")
    return edit


def write(rel: str, content: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content, encoding="utf-8")
    return edit


def remove(rel: str) -> Callable[[Path], None]:
    return lambda root: (root / rel).unlink()


def symlink(rel: str, target: str) -> Callable[[Path], None]:
    return lambda root: os.symlink(target, root / rel)


def mkdir(rel: str) -> Callable[[Path], None]:
    return lambda root: (root / rel).mkdir(parents=True)


@dataclass(frozen=True)
class Case:
    name: str
    edits: tuple[Callable[[Path], None], ...]
    file: str
    line: int
    column: int
    code: str
    words: tuple[str, ...]
    secret: str | None = None  # a value that must appear nowhere in the output
    exit_code: int = 1
    hint_words: tuple[str, ...] = field(default=())


CAT = "catalog.yaml"
SCHEMA = "schemas/kommuner.json"
CSV = "datasets/kommuner/kommuner.csv"

CASES = [
    Case("duplicate dataset id", (replace(CAT, "  - id: befolkning", "  - id: kommuner"),),
         CAT, 38, 9, "duplicate-id", ("duplicate dataset id 'kommuner'", "line 27")),
    Case("name breaks CKAN rules", (replace(CAT, "  - id: befolkning", "  - id: Befolkning Kalmar"),),
         CAT, 38, 9, "bad-format", ("'Befolkning Kalmar'",), hint_words=("a-z",)),
    Case("unknown organization", (replace(CAT, "organization: kalmar-kommun", "organization: kalmar"),),
         CAT, 41, 19, "unknown-organization", ("unknown organization 'kalmar'",)),
    Case("schema file missing", (replace(CAT, "    schema: schemas/kommuner.json\n", ""),),
         CAT, 38, 9, "missing-schema", ("schemas/befolkning.json does not exist",)),
    Case("schema is not valid JSON", (replace(SCHEMA, '["kommunkod"]\n}', '["kommunkod"],\n}'),),
         SCHEMA, 18, 1, "schema-json", ("not valid JSON",)),
    Case("schema is not a Table Schema", (write(SCHEMA, '{"columns": ["kommunkod"]}\n'),),
         SCHEMA, 1, 1, "not-table-schema", ("'fields' list",)),
    Case("schema field of unknown type", (replace(SCHEMA, '"name": "kommunnamn",\n      "type": "string"', '"name": "kommunnamn",\n      "type": "text"'),),
         SCHEMA, 12, 15, "not-table-schema", ('"text"',)),
    Case("licence not in the closed list", (replace(CAT, "    keywords: [befolkning]", "    keywords: [befolkning]\n    license: https://creativecommons.org/licenses/by/4.0/"),),
         CAT, 50, 14, "not-allowed", ("'https://creativecommons.org/licenses/by/4.0/'",), hint_words=("http://creativecommons.org/licenses/by/4.0/",)),
    Case("unknown theme", (replace(CAT, "themes: [GOVE]", "themes: [GOVERNMENT]"),),
         CAT, 35, 14, "not-allowed", ("themes[0]", "'GOVERNMENT'"), hint_words=("did you mean 'GOVE'",)),
    Case("unknown frequency", (replace(CAT, "frequency: ANNUAL", "frequency: YEARLY"),),
         CAT, 47, 16, "not-allowed", ("'YEARLY'",)),
    Case("file path escapes datasets/", (replace(CAT, "path: kommuner.csv", "path: ../../catalog.yaml"),),
         CAT, 33, 13, "path-escape", ("outside datasets/kommuner/",)),
    Case("absolute file path", (replace(CAT, "path: kommuner.csv", "path: /etc/passwd"),),
         CAT, 33, 13, "bad-format", ("'/etc/passwd'",)),
    Case("symlink out of datasets/", (symlink("datasets/kommuner/lankad.csv", "/etc/hostname"), replace(CAT, "path: kommuner.csv", "path: lankad.csv")),
         CAT, 33, 13, "path-escape", ("'lankad.csv' points outside",)),
    Case("steward file missing", (remove(CSV),),
         CAT, 33, 13, "missing-file", ("datasets/kommuner/kommuner.csv does not exist",)),
    Case("YAML syntax error", (replace(CAT, "    title: Folkmängd\n", '    title: "Folkmängd\n'),),
         CAT, 39, 12, "yaml-syntax", ("YAML syntax error", "quoted scalar")),
    Case("tab indentation", (replace(CAT, "    title: Folkmängd\n", "\ttitle: Folkmängd\n"),),
         CAT, 39, 1, "yaml-tab", ("tab character",)),
    Case("duplicate key", (replace(CAT, "    title: Folkmängd\n", "    title: Folkmängd\n    title: Befolkning\n"),),
         CAT, 40, 5, "yaml-duplicate-key", ("'title'",)),
    Case("list written as text", (replace(CAT, "keywords: [befolkning]", "keywords: befolkning"),),
         CAT, 49, 15, "wrong-type", ("expected a list",)),
    Case("code written as a number", (replace(CAT, "code: '0880'", "code: 0880"),),
         CAT, 22, 11, "wrong-type", ("expected a text", "found a number"), hint_words=("quotes",)),
    Case("token written inline", (replace(CAT, "      format: csv\n", "      format: csv\n      token: sk-live-4f9a8b7c6d\n"),),
         CAT, 47, 7, "literal-secret", ("source.token", "a secret"), secret="sk-live-4f9a8b7c6d", hint_words=("api_key_env",)),
    Case("password in a URL", (replace(CAT, "https://example.org/befolkning.csv", "https://steward:hunter2@example.org/befolkning.csv"),),
         CAT, 45, 12, "literal-secret", ("a password in the URL",), secret="hunter2"),
    Case("api key in a query parameter", (replace(CAT, "https://example.org/befolkning.csv", "https://example.org/befolkning.csv?apikey=Zx81Qw77"),),
         CAT, 45, 12, "literal-secret", ("'apikey'",), secret="Zx81Qw77"),
    Case("key written where the variable name goes", (replace(CAT, "      format: csv\n", "      format: csv\n      api_key_env: 9f8e7d6c5b4a\n"),),
         CAT, 47, 20, "bad-format", ("api_key_env",), secret="9f8e7d6c5b4a", hint_words=("NAME of an environment variable",)),
    Case("steward file breaks its schema", (replace(CSV, "0881,Nybro", "881,Nybro"),),
         CSV, 3, 1, "steward-data", ("row 3", "'kommunkod'")),
    Case("required key missing", (replace(CAT, "    frequency: ANNUAL\n", ""),),
         CAT, 38, 5, "missing-key", ("missing required key 'frequency'",)),
    Case("misspelt optional key", (replace(CAT, "    spatial: ['08']", "    spacial: ['08']"),),
         CAT, 37, 5, "unknown-key", ("unknown key 'spacial'",), hint_words=("did you mean 'spatial'",)),
    Case("malformed e-mail", (replace(CAT, "email: kommun@kalmar.se", "email: kommun(at)kalmar.se"),),
         CAT, 24, 12, "bad-format", ("'kommun(at)kalmar.se'",)),
    Case("URL that is not http(s)", (replace(CAT, "homepage: https://www.regionkalmar.se", "homepage: ftp://www.regionkalmar.se"),),
         CAT, 6, 13, "bad-format", ("catalog.homepage",), hint_words=("http://", "https://")),
    Case("unknown source type", (replace(CAT, "type: http", "type: ftp"),),
         CAT, 44, 13, "not-allowed", ("'ftp'",)),
    Case("source option missing", (replace(CAT, "      format: csv\n", ""),),
         CAT, 43, 5, "missing-key", ("missing required key 'format'",)),
    Case("organisation number check digit", (replace(CAT, "orgnr: '2120000746'", "orgnr: '2120000747'"),),
         CAT, 25, 12, "bad-orgnr", ("check digit",)),
    Case("area code of no organization", (replace(CAT, "spatial: ['08']", "spatial: ['0999']"),),
         CAT, 37, 15, "unknown-area", ("'0999'",)),
    Case("temporal end before start", (replace(CAT, "    keywords: [befolkning]", "    keywords: [befolkning]\n    temporal:\n      start: 2024-01-01\n      end: 2020-12-31"),),
         CAT, 52, 12, "bad-date", ("end is before start",)),
    Case("register placeholder left", (replace(CAT, "    title: Folkmängd\n", "    title: TODO Swedish title\n"),),
         CAT, 39, 12, "placeholder", ("datasets[1] (befolkning).title", "still to fill in")),
    Case("control character written as a YAML escape", (replace(CAT, "    title: Folkmängd\n", '    title: "Folk\\emängd"\n'),),
         CAT, 39, 12, "control-character", ("datasets[1] (befolkning).title", "control character U+001B at position 5")),
    Case("dataset folder without entry", (mkdir("datasets/badplatser"),),
         "datasets/badplatser", 0, 0, "orphan-folder", ("no entry in catalog.yaml",)),
    Case("schema field without description", (replace(SCHEMA, '"title": "Kommunnamn",\n      "description": "Kommunens namn."', '"title": "Kommunnamn"'),),
         SCHEMA, 11, 7, "field-undocumented", ("'kommunnamn' has no description",)),
    Case("code field typed as a number", (replace(SCHEMA, '"type": "string",\n      "title": "Kommunkod",\n      "description": "Kommunens kod enligt SCB.",\n      "constraints": {"required": true, "pattern": "^\\\\d{4}$"}',
                  '"type": "integer",\n      "title": "Kommunkod",\n      "description": "Kommunens kod enligt SCB.",\n      "constraints": {"required": true}'),),
         SCHEMA, 4, 7, "code-not-string", ("looks like a code",)),
    Case("empty catalog", (write(CAT, "# nothing yet\n"),),
         CAT, 1, 1, "yaml-empty", ("file is empty",)),
    Case("catalog.yaml missing", (remove(CAT),),
         CAT, 0, 0, "missing-file", ("file not found",)),
]
