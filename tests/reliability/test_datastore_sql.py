"""`datastore_search_sql` switched on (second stack only): it must not write, nor read outside the DataStore.

The shared portal keeps it off (test_security.py checks that). Here CKAN is
restarted with `ckan.datastore.sqlsearch.enabled = true`, a dataset is
published, and hostile SQL is sent as the sysadmin and anonymously. A
positive control (counting the table's rows) shows the endpoint really is on.
`_table_metadata` (CKAN's view of the DataStore's own table names) is readable
by design: it is part of the DataStore, so it is not in the hostile list.
"""

from __future__ import annotations

import ckanapi
import pytest

from .project import csv_version, make_project

pytestmark = [pytest.mark.reliability, pytest.mark.ckan]


@pytest.fixture
def sql_stack(healthy_stack):
    healthy_stack.start_ckan_with("ckan.datastore.sqlsearch.enabled", "true")
    yield healthy_stack
    healthy_stack.kill_ckan()
    healthy_stack.up()  # back to the rendered configuration (SQL off)


def test_datastore_sql_cannot_write_or_read_outside_the_datastore(sql_stack, unique_name, tmp_path, scenario):
    stack = sql_stack
    scenario.portal(stack.url, stack.token)
    proj = make_project(tmp_path / "p", stack.url, stack.token, unique_name("rel-sql"))
    ds = proj.add_file(unique_name("sql"), csv_version(1, rows=12))
    assert proj.run()[ds.id].status == "published"
    scenario.expect(ds.id, csv_version(1, rows=12), rows=12)
    admin = ckanapi.RemoteCKAN(stack.url, apikey=stack.token)
    res = next(r for r in admin.action.package_show(id=ds.id)["resources"] if r["kalmar_role"] == "data")["id"]

    for api in (admin, ckanapi.RemoteCKAN(stack.url)):
        count = api.action.datastore_search_sql(sql=f'SELECT count(*) AS n FROM "{res}"')["records"][0]["n"]
        assert int(count) == 12  # the control: the endpoint is on and reads the DataStore
        hostile = [
            f'DELETE FROM "{res}"',
            f'UPDATE "{res}" SET antal = 0',
            f'INSERT INTO "{res}" (kommunkod, kommun, antal) VALUES (\'0999\', \'X\', 1)',
            f'DROP TABLE "{res}"',
            f'SELECT 1; DELETE FROM "{res}"',
            f'WITH d AS (DELETE FROM "{res}" RETURNING *) SELECT count(*) FROM d',
            f'SELECT * FROM "{res}" FOR UPDATE',
            'CREATE TABLE evil (x int)',
            "SELECT * FROM pg_authid",
            "SELECT * FROM pg_shadow",
            "SELECT * FROM pg_stat_activity",
            "SELECT pg_read_file('/etc/passwd')",
            "SELECT lo_import('/etc/passwd')",
            "COPY (SELECT 1) TO '/tmp/evil'",
            "SELECT current_setting('data_directory')",
            "SELECT * FROM information_schema.tables",
            "SELECT * FROM dblink('dbname=ckan_default', 'SELECT apikey FROM api_token') AS t(x text)",
            "SELECT set_config('default_transaction_read_only', 'off', false)",
        ]
        for sql in hostile:
            with pytest.raises(ckanapi.CKANAPIError) as err:
                api.action.datastore_search_sql(sql=sql)
            scenario.text("sql error", err.value)
    rows = admin.action.datastore_search(resource_id=res, limit=0)["total"]
    assert rows == 12
    assert not __import__("pathlib").Path("/tmp/evil").exists()
