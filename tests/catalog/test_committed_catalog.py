"""The committed catalog.yaml, schemas and steward files pass `check` and load into the model."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.catalog import CatalogError, check_project, load_catalog, load_schema
from pipelines.cli import main

ROOT = Path(__file__).resolve().parents[2]
MUNICIPALITIES = {"0821", "0834", "0840", "0860", "0861", "0862", "0880", "0881", "0882", "0883", "0884", "0885"}


def test_check_passes_on_the_committed_project():
    assert check_project(ROOT) == []
    result = CliRunner().invoke(main, ["check", "--root", str(ROOT)])
    assert result.exit_code == 0, result.output


def test_the_region_and_its_twelve_municipalities():
    catalog = load_catalog(ROOT / "catalog.yaml")
    codes = {o.code for o in catalog.organizations}
    assert codes == MUNICIPALITIES | {"08"}
    assert catalog.organization(catalog.meta.publisher).is_county
    kalmar = catalog.organization("kalmar-kommun")
    assert kalmar.publisher_uri == "http://dataportal.se/organisation/SE2120000746"


def test_datasets_load_with_defaults_and_schemas():
    catalog = load_catalog(ROOT / "catalog.yaml")
    assert {d.source.type for d in catalog.datasets} >= {"file", "pxweb", "kolada", "wfs"}
    steward = catalog.dataset("kommuner-kalmar-lan")
    assert steward.schema == "schemas/kommuner-kalmar-lan.json"
    assert steward.contact.email == "region@regionkalmar.se"  # defaulted from the organization
    assert steward.line is not None and "id: kommuner-kalmar-lan" in (ROOT / "catalog.yaml").read_text().splitlines()[steward.line - 1]
    for dataset in catalog.datasets:
        schema = load_schema(ROOT, dataset)
        assert all(f.get("title") and f.get("description") for f in schema["fields"])
    kolada = catalog.dataset("nyckeltal-kolada")
    assert kolada.source.option("municipalities") == tuple(sorted(MUNICIPALITIES))
    with pytest.raises(TypeError):
        kolada.source.options["kpis"] = ["N00001"]  # frozen


def test_steward_file_holds_the_true_codes():
    rows = (ROOT / "datasets/kommuner-kalmar-lan/kommuner.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert {r.split(",")[0] for r in rows} == MUNICIPALITIES


def test_load_schema_refuses_a_broken_schema(project: Path):
    (project / "schemas/kommuner.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_schema(project, "schemas/kommuner.json")
    assert err.value.problems[0].code == "schema-json"
    assert "schemas/kommuner.json:1:2" in str(err.value)


def test_load_catalog_raises_with_every_problem(project: Path):
    text = (project / "catalog.yaml").read_text(encoding="utf-8")
    text = text.replace("themes: [GOVE]", "themes: [GOVERNMENT]").replace("frequency: ANNUAL", "frequency: YEARLY")
    (project / "catalog.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_catalog(project / "catalog.yaml")
    assert [(p.line, p.code) for p in err.value.problems] == [(35, "not-allowed"), (47, "not-allowed")]
