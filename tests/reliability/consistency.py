"""The consistency check run on CKAN after every reliability scenario.

Why a separate check, not the scenario's own assertions: "nothing lost, nothing
left inconsistent" is one definition that every scenario must meet, whatever
fault it injected. It reads CKAN as the state of record (docs/ckan-mapping.md):

- an expected dataset has exactly one resource per role, in particular one `data`
  resource;
- the recorded `sha256` equals the SHA-256 of the file CKAN actually serves, and
  is the hash of the last good version the scenario expects to be online;
- `datastore_sha256 == sha256` and the DataStore holds exactly `rows` rows;
- a dataset that must not be published (a fault hit its first publication) is
  either absent or private without data: never visible half-published.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

import ckanapi
import requests


@dataclass(frozen=True)
class Expectation:
    dataset_id: str
    sha256: str | None  # the last good version's hash; None = "must not be published"
    rows: int | None = None


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_dataset(url: str, token: str, expect: Expectation) -> list[str]:
    """Problems found for one dataset (empty when consistent). Never raises for CKAN answers."""
    api = ckanapi.RemoteCKAN(url, apikey=token, user_agent="oppnadata-reliability/0.1")
    name = expect.dataset_id
    try:
        pkg = api.action.package_show(id=name)
    except ckanapi.NotFound:
        pkg = None
    if expect.sha256 is None:
        if pkg is None or pkg.get("state") == "deleted":
            return []
        if not pkg.get("private"):
            return [f"{name}: must not be published, but it is public"]
        return []  # private: a half-finished first publication nobody can see
    if pkg is None:
        return [f"{name}: lost (package not found)"]
    problems = []
    if pkg.get("private") or pkg.get("state") != "active":
        problems.append(f"{name}: not public/active (private={pkg.get('private')}, state={pkg.get('state')})")
    roles = Counter(r.get("kalmar_role") for r in pkg.get("resources", []))
    dupes = {role: n for role, n in roles.items() if n > 1}
    if dupes:
        problems.append(f"{name}: duplicate resources {dupes}")
    if roles.get("data") != 1:
        return problems + [f"{name}: {roles.get('data', 0)} data resources instead of 1"]
    res = next(r for r in pkg["resources"] if r.get("kalmar_role") == "data")
    if res.get("sha256") != expect.sha256:
        problems.append(f"{name}: recorded sha256 {str(res.get('sha256'))[:12]} is not the last good version {expect.sha256[:12]}")
    served = requests.get(res["url"], headers={"Authorization": token}, timeout=60)
    if served.status_code != 200:
        problems.append(f"{name}: CKAN serves the data file with HTTP {served.status_code}")
    elif hashlib.sha256(served.content).hexdigest() != res.get("sha256"):
        problems.append(f"{name}: the served file's sha256 differs from the recorded one")
    if res.get("datastore_sha256") != res.get("sha256"):
        problems.append(f"{name}: datastore_sha256 != sha256 (a DataStore load is pending)")
    try:
        total = api.action.datastore_search(resource_id=res["id"], limit=0)["total"]
    except ckanapi.CKANAPIError as exc:
        problems.append(f"{name}: no DataStore table ({type(exc).__name__})")
    else:
        if str(total) != str(res.get("rows")):
            problems.append(f"{name}: DataStore holds {total} rows, the resource records {res.get('rows')}")
        if expect.rows is not None and total != expect.rows:
            problems.append(f"{name}: DataStore holds {total} rows, the last good version has {expect.rows}")
    return problems
