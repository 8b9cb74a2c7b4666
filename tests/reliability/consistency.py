"""The consistency check run on CKAN after (and, where a scenario asks, during) every reliability scenario.

Why a separate check, not the scenario's own assertions: "nothing lost, nothing
left inconsistent" is one definition that every scenario must meet, whatever
fault it injected. It reads CKAN as the state of record (docs/ckan-mapping.md)
and compares it with an *independent oracle*: the values the scenario's
generator wrote (`Expectation.values`, header first), parsed here with
Python's csv module — never the pipeline's own output file or hashes alone.

- an expected dataset is public, with exactly one resource per role (one `data`);
- the file CKAN serves for it holds the oracle's header and rows, value by
  value, and its SHA-256 is the one recorded on the resource (and, where the
  scenario gives the canonical text, the hash of that text);
- `datastore_search` returns exactly the oracle's rows in order, value by
  value (numbers by value, dates by day, empty cells as null), and
  `datastore_sha256 == sha256`;
- a dataset that must not be published (a fault hit its first publication) is
  either absent or private: never visible half-published.

`check_dataset` returns the problems and the number of values it compared.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import ckanapi
import requests

PAGE = 5000


@dataclass(frozen=True)
class Expectation:
    dataset_id: str
    sha256: str | None  # the last good version's canonical hash, when known; None with no values = "must not be published"
    rows: int | None = None
    values: tuple[tuple[str, ...], ...] | None = None  # the oracle: header, then rows, as the generator wrote them
    published: bool = True

    @property
    def must_be_unpublished(self) -> bool:
        return not self.published


@dataclass
class Checked:
    problems: list[str] = field(default_factory=list)
    values: int = 0  # values compared with the oracle (served file + DataStore)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def oracle_values(csv_text: str) -> tuple[tuple[str, ...], ...]:
    """The generator's canonical text as header + rows (Python's csv module, not the pipeline)."""
    return tuple(tuple(row) for row in csv.reader(io.StringIO(csv_text, newline="")))


def _same(expected: str, got, column_type: str) -> bool:
    """One oracle value (text) against one DataStore value (typed JSON)."""
    if got is None:
        return expected == ""
    if column_type in ("int", "int4", "int8", "bigint", "integer", "numeric", "float8"):
        try:
            return Decimal(expected) == Decimal(str(got))
        except InvalidOperation:
            return False
    if column_type == "bool":
        return expected.lower() in ("true", "1") if got else expected.lower() in ("false", "0")
    if column_type in ("date", "timestamp"):
        return str(got)[:10] == expected[:10] and (column_type == "date" or str(got)[10:] in ("", "T00:00:00"))
    return str(got) == expected


def _served_values(name: str, content: bytes, oracle, checked: Checked) -> None:
    try:
        served = list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))
    except UnicodeDecodeError:
        checked.problems.append(f"{name}: the served file is not UTF-8")
        return
    if len(served) != len(oracle):
        checked.problems.append(f"{name}: the served file has {len(served) - 1} rows, the oracle {len(oracle) - 1}")
    for number, (want, have) in enumerate(zip(oracle, served)):
        if tuple(have) != tuple(want):
            column = next((i for i, (a, b) in enumerate(zip(want, have)) if a != b), min(len(want), len(have)))
            checked.problems.append(f"{name}: served file row {number}, column {column + 1}: "
                                    f"{(have[column] if column < len(have) else None)!r} is not the oracle's "
                                    f"{(want[column] if column < len(want) else None)!r}")
            return
        checked.values += len(want)


def _datastore_values(name: str, api, resource_id: str, oracle, checked: Checked) -> None:
    header, rows = oracle[0], oracle[1:]
    offset, number = 0, 0
    while True:
        page = api.action.datastore_search(resource_id=resource_id, limit=PAGE, offset=offset, sort="_id")
        types = {f["id"]: f["type"] for f in page["fields"]}
        if offset == 0 and [f["id"] for f in page["fields"] if f["id"] != "_id"] != list(header):
            checked.problems.append(f"{name}: DataStore columns {[f['id'] for f in page['fields']][1:]} are not the oracle's {list(header)}")
            return
        for record in page["records"]:
            if number >= len(rows):
                checked.problems.append(f"{name}: the DataStore holds more rows than the oracle's {len(rows)}")
                return
            for column, expected in zip(header, rows[number]):
                if not _same(expected, record.get(column), types[column]):
                    checked.problems.append(f"{name}: DataStore row {number + 1}, {column}: {record.get(column)!r} "
                                            f"({types[column]}) is not the oracle's {expected!r}")
                    return
                checked.values += 1
            number += 1
        offset += len(page["records"])
        if not page["records"] or offset >= page["total"]:
            break
    if number != len(rows):
        checked.problems.append(f"{name}: the DataStore holds {number} rows, the oracle {len(rows)}")


def check_dataset(url: str, token: str, expect: Expectation) -> Checked:
    """Problems found for one dataset (none when consistent) and the values compared. Never raises for CKAN answers."""
    api = ckanapi.RemoteCKAN(url, apikey=token, user_agent="oppnadata-reliability/0.1")
    name = expect.dataset_id
    checked = Checked()
    try:
        pkg = api.action.package_show(id=name)
    except ckanapi.NotFound:
        pkg = None
    if expect.must_be_unpublished:
        if pkg is not None and pkg.get("state") != "deleted" and not pkg.get("private"):
            checked.problems.append(f"{name}: must not be published, but it is public")
        return checked  # absent, deleted or private: a half-finished first publication nobody can see
    if pkg is None:
        checked.problems.append(f"{name}: lost (package not found)")
        return checked
    problems = checked.problems
    if pkg.get("private") or pkg.get("state") != "active":
        problems.append(f"{name}: not public/active (private={pkg.get('private')}, state={pkg.get('state')})")
    roles = Counter(r.get("kalmar_role") for r in pkg.get("resources", []))
    dupes = {role: n for role, n in roles.items() if n > 1}
    if dupes:
        problems.append(f"{name}: duplicate resources {dupes}")
    if roles.get("data") != 1:
        problems.append(f"{name}: {roles.get('data', 0)} data resources instead of 1")
        return checked
    res = next(r for r in pkg["resources"] if r.get("kalmar_role") == "data")
    if expect.sha256 is not None and res.get("sha256") != expect.sha256:
        problems.append(f"{name}: recorded sha256 {str(res.get('sha256'))[:12]} is not the last good version {expect.sha256[:12]}")
    served = requests.get(res["url"], headers={"Authorization": token}, timeout=60)
    if served.status_code != 200:
        problems.append(f"{name}: CKAN serves the data file with HTTP {served.status_code}")
    else:
        if hashlib.sha256(served.content).hexdigest() != res.get("sha256"):
            problems.append(f"{name}: the served file's sha256 differs from the recorded one")
        if expect.values is not None:
            _served_values(name, served.content, expect.values, checked)
    if res.get("datastore_sha256") != res.get("sha256"):
        problems.append(f"{name}: datastore_sha256 != sha256 (a DataStore load is pending)")
    try:
        total = api.action.datastore_search(resource_id=res["id"], limit=0)["total"]
    except ckanapi.CKANAPIError as exc:
        problems.append(f"{name}: no DataStore table ({type(exc).__name__})")
        return checked
    if str(total) != str(res.get("rows")):
        problems.append(f"{name}: DataStore holds {total} rows, the resource records {res.get('rows')}")
    if expect.rows is not None and total != expect.rows:
        problems.append(f"{name}: DataStore holds {total} rows, the last good version has {expect.rows}")
    if expect.values is not None:
        _datastore_values(name, api, res["id"], expect.values, checked)
    return checked
