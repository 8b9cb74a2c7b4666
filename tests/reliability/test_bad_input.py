"""The bad-input corpus (corpus.py): a located error or a valid report, never an exception, never a partial publication.

catalog.yaml documents go through `read_catalog` (what every run and `check`
start with): either a catalog, or problems that each name file:line:column.
CSV files go through the whole chain into the real portal: the dataset ends
published (and consistent, with exactly the canonical CSV that was
validated), or not published at all with a recorded reason.
"""

from __future__ import annotations

import re
import time

import pytest

from pipelines.catalog import read_catalog

from .corpus import catalog_cases, csv_cases

pytestmark = [pytest.mark.reliability]
CSV = csv_cases()
CATALOGS = catalog_cases()
LOCATED = re.compile(r"^catalog\.yaml:\d+:\d+: \S")


@pytest.mark.parametrize("case", sorted(CATALOGS))
def test_generated_catalog_documents(case, tmp_path, scenario):
    path = tmp_path / "catalog.yaml"
    path.write_bytes(CATALOGS[case])
    started = time.monotonic()
    catalog, problems = read_catalog(path)
    assert time.monotonic() - started < 30, "the check must not hang on hostile YAML"
    if catalog is None:
        assert problems, "refused without saying why"
        for problem in problems:
            scenario.text("problem", problem)
            assert LOCATED.match(problem.format()), problem.format()
    else:
        assert problems == [] and catalog.datasets


@pytest.mark.ckan
@pytest.mark.parametrize("case", sorted(CSV))
def test_generated_csv_files_through_the_whole_chain(case, project, unique_name, scenario):
    ds = project.add_file(unique_name("korpus"), CSV[case])
    out = project.run(run_id="corpus")[ds.id]  # process_dataset: an exception here fails the scenario
    scenario.text("outcome", out)
    assert out.status in ("published", "invalid", "source_error"), out
    assert out.message.strip()
    workdir = project.settings.work_dir / "corpus" / ds.id
    if out.status == "published":
        canonical = (workdir / f"{ds.id}.csv").read_bytes()
        scenario.expect(ds.id, canonical, rows=out.rows)
    else:
        scenario.expect_unpublished(ds.id)
        assert "never published" in out.message
        if out.status == "invalid":  # a valid report: JSON, says invalid, lists located errors
            import json

            report = json.loads((workdir / "validation-report.json").read_text(encoding="utf-8"))
            assert report["valid"] is False and report["errors"]
            assert all("rowNumber" in e or "row" in e or "fieldName" in e or "type" in e for e in report["errors"])
