"""datastore_search during a reload answers from the old table or the new one, never a mix of the two.

A reader loops over full-table and filtered searches while kalmar_datastore_load replaces a
2,000-row table with a 30,000-row one in which every value differs. Each answer (records and
total) must equal one of the two versions exactly; reads that began and ended while the load ran
show the DataStore kept answering throughout.
"""

from __future__ import annotations

import threading
import time

import pytest

pytestmark = pytest.mark.ckan

SCHEMA = {
    "fields": [
        {"name": "nr", "type": "integer"},
        {"name": "kod", "type": "string"},
        {"name": "kategori", "type": "string"},
        {"name": "varde", "type": "number"},
    ],
    "primaryKey": ["nr"],
}
ROWS = {1: 2_000, 2: 30_000}
LIMIT = 32_000  # ckan.datastore.search.rows_max: one answer holds the whole table


def version(v: int) -> list[dict]:
    return [{"_id": i, "nr": i * v, "kod": f"{(i * 7 + v) % 10000:04d}", "kategori": f"k{(i + v) % 5}",
             "varde": (i - 1000) * 0.25 * v} for i in range(1, ROWS[v] + 1)]


def csv_of(rows: list[dict]) -> str:
    return "nr,kod,kategori,varde\n" + "".join(f"{r['nr']},{r['kod']},{r['kategori']},{r['varde']}\n" for r in rows)


def which(answer: dict, oracles: dict[int, list[dict]]) -> str:
    for v, rows in oracles.items():
        if answer["records"] == rows and answer["total"] == len(rows):
            return f"v{v}"
    return "mix"


def test_readers_see_the_old_or_the_new_table_never_a_mix(target):
    old, new = version(1), version(2)
    queries = {
        "all": ({"sort": "_id"}, {1: old, 2: new}),
        "filtered": ({"sort": "_id", "filters": {"kategori": "k3"}},
                     {1: [r for r in old if r["kategori"] == "k3"], 2: [r for r in new if r["kategori"] == "k3"]}),
    }
    target.schema(SCHEMA)
    target.data(csv_of(old))
    target.load()
    target.data(csv_of(new))  # the file is replaced; the DataStore still serves version 1

    seen: list[tuple[float, float, str, str]] = []
    failures: list[str] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            for name, (params, oracles) in queries.items():
                started = time.monotonic()
                try:
                    answer = target.search(limit=LIMIT, **params)
                except Exception as exc:  # an error during the reload is itself a failure
                    failures.append(f"{name}: {type(exc).__name__}: {exc}")
                    continue
                seen.append((started, time.monotonic(), name, which(answer, oracles)))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    while len(seen) < 2:
        time.sleep(0.05)
    load_started = time.monotonic()
    result = target.load()
    load_ended = time.monotonic()
    after = len(seen)
    while len(seen) < after + 2:
        time.sleep(0.05)
    stop.set()
    reader.join(timeout=120)

    assert result["rows"] == ROWS[2]
    assert not failures, failures
    verdicts = {verdict for *_, verdict in seen}
    assert "mix" not in verdicts, [s for s in seen if s[3] == "mix"]
    assert verdicts == {"v1", "v2"}
    during = [s for s in seen if s[0] > load_started and s[1] < load_ended]
    assert during, f"no read ran entirely during the {load_ended - load_started:.1f} s load"
    assert {s[3] for s in seen if s[0] > load_ended} == {"v2"}
