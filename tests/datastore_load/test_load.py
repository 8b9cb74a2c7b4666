"""kalmar_datastore_load on the real portal: typed columns, keys, data dictionary, what CKAN serves, refusals, auth."""

from __future__ import annotations

import csv
import io

import ckanapi
import pytest
import requests

pytestmark = pytest.mark.ckan

SCHEMA = {
    "fields": [
        {"name": "kod", "type": "string", "title": "Kod", "description": "SCB:s kommunkod eller DeSO-kod"},
        {"name": "namn", "type": "string", "title": "Namn"},
        {"name": "saldo", "type": "integer", "title": "Saldo", "description": "Kan vara negativt"},
        {"name": "andel", "type": "number"},
        {"name": "datum", "type": "date", "title": "Datum"},
        {"name": "godkand", "type": "boolean"},
        {"name": "lopnr", "type": "integer", "constraints": {"unique": True, "minimum": 0, "maximum": 1000}},
    ],
    "primaryKey": ["kod"],
}
CSV = (
    "kod,namn,saldo,andel,datum,godkand,lopnr\n"
    "0880,Kalmar,-1204,-0.25,2024-06-01,true,1\n"
    "0164A,\"Ekerö, del A\",7,12.50,2023-12-31,false,2\n"
    "0821,Högsby,,,,,3\n"
)


def test_columns_are_typed_by_the_table_schema_and_codes_keep_their_zeros(target, database):
    target.schema(SCHEMA)
    target.data(CSV)
    result = target.load()
    assert result["rows"] == 3

    found = target.search(sort="lopnr")
    types = {f["id"]: f["type"] for f in found["fields"]}
    assert types == {"_id": "int", "kod": "text", "namn": "text", "saldo": "int8", "andel": "numeric",
                     "datum": "date", "godkand": "bool", "lopnr": "int4"}
    rows = [{k: v for k, v in r.items() if k != "_id"} for r in found["records"]]
    assert rows == [
        {"kod": "0880", "namn": "Kalmar", "saldo": -1204, "andel": -0.25, "datum": "2024-06-01", "godkand": True, "lopnr": 1},
        {"kod": "0164A", "namn": "Ekerö, del A", "saldo": 7, "andel": 12.5, "datum": "2023-12-31", "godkand": False, "lopnr": 2},
        {"kod": "0821", "namn": "Högsby", "saldo": None, "andel": None, "datum": None, "godkand": None, "lopnr": 3},
    ]
    # numeric keeps the written scale; a date compares as a date, not as text
    stored = database.rows(f'SELECT andel::text, datum > \'2024-01-01\'::date FROM "{target.data_id}" ORDER BY lopnr')
    assert stored == [["-0.25", "t"], ["12.50", "f"], ["", ""]]

    assert [r["kod"] for r in target.search(filters={"kod": "0880"})["records"]] == ["0880"]
    assert [r["kod"] for r in target.search(q="Ekerö")["records"]] == ["0164A"]
    assert [r["kod"] for r in target.search(filters={"saldo": -1204})["records"]] == ["0880"]
    dump = requests.get(f"{target.portal.url}/datastore/dump/{target.data_id}", timeout=30)
    assert dump.status_code == 200
    assert list(csv.reader(io.StringIO(dump.text)))[1:3] == [
        ["1", "0880", "Kalmar", "-1204", "-0.25", "2024-06-01", "t", "1"],
        ["2", "0164A", "Ekerö, del A", "7", "12.50", "2023-12-31", "f", "2"]]
    assert target.api.action.resource_show(id=target.data_id)["datastore_active"] is True


def test_data_dictionary_primary_key_and_indexes_come_from_the_schema(target):
    target.schema(SCHEMA)
    target.data(CSV)
    target.load()

    info = target.portal.anonymous().action.datastore_info(id=target.data_id)
    fields = {f["id"]: f for f in info["fields"]}
    assert fields["kod"]["info"] == {"label": "Kod", "notes": "SCB:s kommunkod eller DeSO-kod"}
    assert fields["andel"]["info"] == {"label": "", "notes": ""}
    assert fields["kod"]["schema"]["is_index"] and fields["lopnr"]["schema"]["is_index"]
    assert not fields["namn"]["schema"]["is_index"]
    assert info["meta"]["count"] == 3

    # The primary key is what datastore_upsert matches on: an upsert of 0880 updates, it does not add a row.
    target.api.action.datastore_upsert(resource_id=target.data_id, force=True, method="upsert",
                                       records=[{"kod": "0880", "namn": "Kalmar kommun"}])
    found = target.search(filters={"kod": "0880"})
    assert found["total"] == 1 and found["records"][0]["namn"] == "Kalmar kommun"
    # and the _full_text trigger is in place for later writes (method "update" asks it to recompute)
    target.api.action.datastore_upsert(resource_id=target.data_id, force=True, method="update",
                                       records=[{"kod": "0821", "namn": "Fliseryd"}])
    assert [r["kod"] for r in target.search(q="Fliseryd")["records"]] == ["0821"]


def test_a_failing_load_keeps_the_previous_table_and_names_row_and_field(target, database):
    target.schema(SCHEMA)
    target.data(CSV)
    target.load()
    before = target.search(sort="_id")

    bad = CSV.replace("0821,Högsby,,,,,3", "0821,Högsby,12x,,,,3")
    target.data(bad)
    with pytest.raises(ckanapi.ValidationError) as refused:
        target.load()
    message = refused.value.error_dict["data"][0]
    assert message.startswith("Row 4, field 'saldo': invalid input syntax for type bigint: \"12x\"")
    assert "previous DataStore table is still served" in message

    target.data(CSV.replace("0821,Högsby", "0880,Högsby"))
    with pytest.raises(ckanapi.ValidationError) as refused:
        target.load()
    assert refused.value.error_dict["data"][0].startswith("Rows 2 and 4 have the same primary key (kod='0880')")

    target.data(CSV.replace("namn,saldo", "saldo,namn"))
    with pytest.raises(ckanapi.ValidationError) as refused:
        target.load()
    assert refused.value.error_dict["data"][0].startswith("Row 1: the header")

    assert target.search(sort="_id") == before
    assert database.tables_named_like("_kalmar_load_%") == []


def test_a_file_replaced_after_the_upload_is_not_loaded(target):
    target.schema(SCHEMA)
    target.data(CSV)
    with pytest.raises(ckanapi.ValidationError) as refused:
        target.load(expected_sha256="0" * 64)
    assert "was replaced after the upload" in refused.value.error_dict["expected_sha256"][0]
    with pytest.raises(ckanapi.CKANAPIError):
        target.search()  # nothing was loaded
    import hashlib

    assert target.load(expected_sha256=hashlib.sha256(CSV.encode()).hexdigest())["rows"] == 3


def test_a_schema_the_load_cannot_store_exactly_is_refused_naming_the_field(target):
    target.data("datum\n01/06/2024\n")
    target.schema({"fields": [{"name": "datum", "type": "date", "format": "%d/%m/%Y"}]})
    with pytest.raises(ckanapi.ValidationError) as refused:
        target.load()
    assert refused.value.error_dict["schema"][0].startswith("Field 'datum' has format '%d/%m/%Y'")


def test_only_editors_of_the_datasets_organization_may_load(target, unique_name):
    target.schema(SCHEMA)
    target.data(CSV)
    portal = target.portal
    own_editor, own_member, stranger = (portal.create_user(unique_name(n)) for n in ("editor", "member", "other"))
    portal.add_member(target.organization, own_editor.name, "editor")
    portal.add_member(target.organization, own_member.name, "member")
    other_org = portal.create_organization(unique_name("otherorg"))["name"]
    portal.add_member(other_org, stranger.name, "editor")

    for api in (portal.api(stranger.token), portal.api(own_member.token), portal.anonymous()):
        with pytest.raises(ckanapi.NotAuthorized):
            target.load(api)
    with pytest.raises(ckanapi.CKANAPIError):
        target.search()  # the refused calls loaded nothing
    assert target.load(portal.api(own_editor.token))["rows"] == 3


def test_a_value_that_fails_a_conversion_after_copy_is_located_too(target):
    """Words for booleans are converted after COPY; a word the schema does not list is still found by row."""
    target.schema({"fields": [{"name": "id", "type": "string"},
                              {"name": "svar", "type": "boolean", "trueValues": ["ja"], "falseValues": ["nej"]}]})
    rows = [f"r{i},{'ja' if i % 2 else 'nej'}" for i in range(1, 200)]
    rows[150] = "r151,kanske"
    target.data("id,svar\n" + "\n".join(rows) + "\n")
    with pytest.raises(ckanapi.ValidationError) as refused:
        target.load()
    assert refused.value.error_dict["data"][0].startswith(
        "Row 152, field 'svar': invalid input syntax for type boolean: \"svar: kanske\"")
