"""A table above the portal's row limit is served at the commit; its full-text index follows from a job.

The limit is the one the portal runs with (`ckanext.kalmar.datastore_load.background_fulltext_index_rows`
in portal/ckan.ini.template), so the table has one row more. Right after kalmar_datastore_load
returns, every row, the primary key and the unique index are there and full-text search already
answers (from a scan); the GiST index datastore_create would have made is then built by CKAN's job
worker under datastore_create's name and definition, while searches keep answering with the same
rows. `kalmar_datastore_index_status` says what is pending until the index is there.
"""

from __future__ import annotations

import hashlib
import re
import time

import pytest

from tests.plugins.portal import ROOT

pytestmark = pytest.mark.ckan

OPTION = "ckanext.kalmar.datastore_load.background_fulltext_index_rows"
SCHEMA = {
    "fields": [
        {"name": "nr", "type": "integer"},
        {"name": "kod", "type": "string"},
        {"name": "ort", "type": "string"},
        {"name": "belopp", "type": "number"},
    ],
    "primaryKey": ["nr"],
}
ORTER = ["Kalmar", "Nybro", "Borgholm", "Torsås"]


def configured_limit() -> int:
    text = (ROOT / "portal" / "ckan.ini.template").read_text(encoding="utf-8")
    return int(re.search(rf"^{re.escape(OPTION)}\s*=\s*(\d+)\s*$", text, re.M).group(1))


def index_name(resource_id: str, expression: str) -> str:
    return hashlib.sha1((resource_id + expression).encode()).hexdigest()  # datastore_create's naming


def test_a_large_table_is_served_at_once_and_gets_datastore_creates_fulltext_index_in_the_background(target, database):
    rows = configured_limit() + 1
    target.schema(SCHEMA)
    lines = [f"{i},{i % 9000:04d},{ORTER[i % 4]},{(i - 500) / 4}" for i in range(1, rows + 1)]
    lines[rows // 2] = f"{rows // 2 + 1},0880,Vimmerby,1.5"  # the one row the full-text search must find
    for i in range(777, rows, 7919):  # and a word on a few dozen rows spread over the table
        lines[i - 1] = f"{i},{i % 9000:04d},Kristvik,{(i - 500) / 4}"
    kristvik = list(range(777, rows, 7919))
    target.data("nr,kod,ort,belopp\n" + "\n".join(lines) + "\n")

    result = target.load()
    rid = target.data_id
    fulltext = index_name(rid, '"_full_text"')
    assert result["rows"] == rows
    assert result["background_indexes"] == [fulltext] and result["background_job"]
    status = target.portal.anonymous().action.kalmar_datastore_index_status(resource_id=rid)
    assert status["state"] in ("pending", "building", "complete"), status  # the job may be that quick

    def answers() -> dict:
        """What full-text searches return: rows matching a word, a code (with its leading zero) and two words."""
        return {q: sorted((r["nr"], r["kod"], r["ort"]) for r in target.search(q=q, limit=100)["records"])
                for q in ("Kristvik", "0880", "Vimmerby 0880")}

    def indexes() -> dict[str, str]:
        """Valid indexes of the live table: name -> definition, identifiers unquoted."""
        found = database.rows(f"SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c "
                              f"ON c.oid = i.indexrelid WHERE i.indrelid = to_regclass('\"{rid}\"') AND i.indisvalid")
        return {name: definition.replace('"', "") for name, definition in found}

    def building() -> bool:
        return bool(database.rows(f"SELECT 1 FROM pg_stat_progress_create_index WHERE relid = to_regclass('\"{rid}\"')"))

    # Searches answer (and find the same rows) before, during and after the background build.
    reads, read_during_build = 0, False
    deadline = time.monotonic() + 300
    while fulltext not in indexes():
        assert time.monotonic() < deadline, "the background job never built the full-text index"
        before = building()
        found = target.search(q="Vimmerby")
        assert [r["nr"] for r in found["records"]] == [rows // 2 + 1] and found["total"] == 1
        assert target.search(filters={"nr": 7}, limit=0)["total"] == 1
        if not reads:
            from_scan = answers()
        reads += 1
        read_during_build |= before and building()
    assert reads, "the index was there before the first search: the load did not leave it to the job"
    assert read_during_build, "no search ran while the index was being built"

    built = indexes()
    assert set(built) == {f"{rid}_pkey", index_name(rid, '"nr"'), fulltext}
    assert built[fulltext] == f"CREATE INDEX {fulltext} ON public.{rid} USING gist (_full_text)"
    assert target.search(q="Vimmerby")["total"] == 1
    assert target.search(limit=0)["total"] == rows
    # The same answers from the index as from the scan, and the ones the file gives.
    assert answers() == from_scan
    assert [nr for nr, _, _ in from_scan["Kristvik"]] == kristvik and len(kristvik) > 10
    assert from_scan["Vimmerby 0880"] == [(rows // 2 + 1, "0880", "Vimmerby")]
    assert {kod for _, kod, _ in from_scan["0880"]} == {"0880"} and len(from_scan["0880"]) == 13
    plan = database.rows(f"EXPLAIN SELECT 1 FROM \"{rid}\" WHERE _full_text @@ plainto_tsquery('Kristvik')")
    assert fulltext in " ".join(r[0] for r in plan), plan  # the index is used, not only present
    assert target.portal.anonymous().action.kalmar_datastore_index_status(resource_id=rid)["state"] == "complete"
