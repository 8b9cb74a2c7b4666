"""The portal killed mid-COPY, and its job worker killed mid-index-build (second stack, fault_stack.py).

A published table is being replaced by a 100,000-row version. When the load request reaches the
proxy, a watcher polls PostgreSQL (pg_stat_progress_copy) until COPY into the load's staging table
has processed rows, and only then kills CKAN's gunicorn (master and workers) — proof the COPY was
in flight, not before or after it. PostgreSQL sees the connection drop and rolls the transaction
back: no staging table is left, the previous table and its rows are still served after CKAN comes
back, the resource records the load as pending, and the next run converges.

A table above the portal's row limit gets its full-text index from CKAN's job worker after the
swap; killing that worker mid-build costs only search speed until the next start builds it.
"""

from __future__ import annotations

import threading
import time

import ckanapi
import pytest

from tests.datastore_load.database import Database

from .consistency import sha256_text
from .proxy import action_is

pytestmark = [pytest.mark.reliability, pytest.mark.ckan]

SCHEMA = {
    "fields": [
        {"name": "nr", "type": "integer"},
        {"name": "kommunkod", "type": "string", "constraints": {"pattern": "^\\d{4}$"}},
        {"name": "antal", "type": "integer"},
    ],
    "primaryKey": ["nr"],
}
BIG = 100_000


def table(version: int, rows: int) -> str:
    return "nr,kommunkod,antal\n" + "".join(f"{i},{(i * 13) % 10000:04d},{version * 1000 - i}\n" for i in range(1, rows + 1))


class CopyWatcher:
    """Kills CKAN once PostgreSQL reports COPY into a load's staging table with rows processed."""

    def __init__(self, database: Database, kill):
        self.database, self.kill = database, kill
        self.seen: list[str] | None = None
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _watch(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            rows = self.database.rows(
                "SELECT p.tuples_processed, p.bytes_processed, a.state, left(a.query, 40) FROM pg_stat_progress_copy p "
                "JOIN pg_stat_activity a USING (pid) WHERE a.query LIKE 'COPY \"\\_kalmar\\_load\\_%' AND p.tuples_processed > 0")
            if rows:
                self.seen = rows[0]
                self.kill()
                return
            time.sleep(0.02)


def test_portal_killed_mid_copy_keeps_the_previous_table_and_the_next_run_converges(
        healthy_stack, fault_proxy, unique_name, tmp_path, scenario):
    from .project import make_project

    stack = healthy_stack
    scenario.portal(stack.url, stack.token)
    proj = make_project(tmp_path / "p", fault_proxy.url, stack.token, unique_name("rel-copy"))
    scenario.directory(proj.root)
    ds = proj.add_file(unique_name("copy"), table(1, 12))
    proj.set_schema(ds.id, SCHEMA)
    assert proj.run()[ds.id].status == "published"
    database = Database(stack.state / "run", int(stack.env["PORTAL_PG_PORT"]))
    admin = ckanapi.RemoteCKAN(stack.url, apikey=stack.token)
    data_id = next(r["id"] for r in admin.action.package_show(id=ds.id)["resources"] if r["kalmar_role"] == "data")
    old_rows = admin.action.datastore_search(resource_id=data_id, limit=100, sort="_id")["records"]

    proj.write_file(ds.id, table(2, BIG))
    watcher = CopyWatcher(database, stack.kill_ckan)
    trigger = fault_proxy.arm(action_is("kalmar_datastore_load"), watcher.start)
    out = proj.run(ds.id)[ds.id]
    watcher.thread.join(timeout=130)
    scenario.text("outcome", out)
    assert trigger.fired.is_set() and watcher.seen, "the load's COPY was never seen in flight"
    tuples, copied_bytes, state, query = watcher.seen
    assert 0 < int(tuples) < BIG and state == "active" and query.startswith('COPY "_kalmar_load_'), watcher.seen
    assert out.status == "publish_error" and "CKAN unreachable" in out.message, out
    assert not stack.ckan_answers()

    # PostgreSQL noticed the dropped connection and rolled the load back: no COPY, no staging table.
    deadline = time.monotonic() + 30
    while database.rows("SELECT 1 FROM pg_stat_activity WHERE query LIKE 'COPY \"\\_kalmar%' AND state = 'active'"):
        assert time.monotonic() < deadline, "the killed load's COPY is still running"
        time.sleep(0.1)
    assert database.tables_named_like("\\_kalmar\\_load\\_%") == []

    stack.up()
    res = next(r for r in admin.action.package_show(id=ds.id)["resources"] if r["kalmar_role"] == "data")
    assert res["sha256"] == sha256_text(table(2, BIG))  # the new file was uploaded ...
    assert res["datastore_sha256"] == sha256_text(table(1, 12))  # ... and its load is recorded as pending
    served = ckanapi.RemoteCKAN(stack.url).action.datastore_search(resource_id=data_id, limit=100, sort="_id")
    assert served["total"] == 12 and served["records"] == old_rows  # the previous table, every row

    scenario.expect(ds.id, table(2, BIG), rows=BIG)
    again = proj.run(ds.id)[ds.id]
    assert again.status == "published" and "DataStore reloaded" in again.message, again
    third = proj.run(ds.id)[ds.id]
    assert third.status == "unchanged" and third.write_calls == 0, third


def test_job_worker_killed_mid_index_build_keeps_the_table_served_and_the_next_start_builds_the_index(
        healthy_stack, unique_name, tmp_path, scenario):
    """A table above the portal's row limit gets its full-text index from CKAN's job worker after the swap.

    The worker (and the work horse running the build) is killed once PostgreSQL shows the GiST build
    in flight. The build is rolled back, the table and every row stay served, `q` searches still
    answer (from a scan), kalmar_datastore_index_status shows the unfinished attempt; the next
    `portal/stack up` queues the build again and the index appears with the same answers.
    """
    import hashlib

    from .project import make_project

    stack = healthy_stack
    scenario.portal(stack.url, stack.token)
    proj = make_project(tmp_path / "p", stack.url, stack.token, unique_name("rel-index"))
    scenario.directory(proj.root)
    rows = BIG + 1  # portal/ckan.ini.template: above 100,000 rows the full-text index is built in the background
    ds = proj.add_file(unique_name("index"), table(3, rows))
    proj.set_schema(ds.id, SCHEMA)
    database = Database(stack.state / "run", int(stack.env["PORTAL_PG_PORT"]))
    building = "SELECT pid FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX % USING gist%' AND state = 'active'"
    killed: list = []

    def kill_when_building() -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            found = database.rows(building)
            if found:
                stack.kill_jobs_worker()
                killed.append(found)
                return
            time.sleep(0.05)
    watcher = threading.Thread(target=kill_when_building, daemon=True)
    watcher.start()
    out = proj.run(ds.id)[ds.id]
    assert out.status == "published", out
    watcher.join(timeout=310)
    assert killed, "the background full-text index build was never seen in flight"
    scenario.expect(ds.id, table(3, rows), rows=rows)

    # PostgreSQL stops the orphaned build (client_connection_check_interval) and rolls it back.
    deadline = time.monotonic() + 30
    while database.rows(building):
        assert time.monotonic() < deadline, "the killed worker's index build is still running"
        time.sleep(0.1)
    admin = ckanapi.RemoteCKAN(stack.url, apikey=stack.token)
    data_id = next(r["id"] for r in admin.action.package_show(id=ds.id)["resources"] if r["kalmar_role"] == "data")
    fulltext = hashlib.sha1((data_id + '"_full_text"').encode()).hexdigest()  # datastore_create's index name
    assert database.rows(f"SELECT to_regclass('\"{fulltext}\"') IS NULL") == [["t"]]
    reader = ckanapi.RemoteCKAN(stack.url)
    status = reader.action.kalmar_datastore_index_status(resource_id=data_id)
    assert status["state"] == "building" and status["attempts"] == 1 and status["indexes"] == [fulltext], status
    scenario.text("index status after the kill", status)

    def answers() -> tuple:
        search = reader.action.datastore_search
        return (search(resource_id=data_id, limit=0)["total"],
                sorted(r["nr"] for r in search(resource_id=data_id, q="0013", limit=100)["records"]))
    wanted = (rows, list(range(1, rows + 1, 10_000)))  # kommunkod (nr * 13) % 10000 is 0013 for nr ≡ 1 (mod 10000)
    assert answers() == wanted  # from a scan

    stack.up()  # starts the worker again, which first queues the pending build again
    deadline = time.monotonic() + 300
    while reader.action.kalmar_datastore_index_status(resource_id=data_id)["state"] != "complete":
        assert time.monotonic() < deadline, "the pending full-text index was not built after the worker started again"
        time.sleep(0.5)
    assert database.rows(f"SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('\"{fulltext}\"')") == [["t"]]
    assert answers() == wanted
    again = proj.run(ds.id)[ds.id]
    assert again.status == "unchanged" and again.write_calls == 0, again
