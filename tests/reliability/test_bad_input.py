"""The bad-input corpus (corpus.py): each case reaches its one expected verdict, never an exception.

catalog.yaml documents go through `read_catalog` (what every run and `check`
start with): each either loads or is refused, as its verdict says, and every
refusal names file:line:column. CSV files go through the whole chain into the
real portal: published with exactly the generator's values (checked in CKAN's
served file and DataStore), invalid with the listed error types, or a source
error of the listed kind — and then not published at all.
"""

from __future__ import annotations

import re
import time

import pytest

from pipelines.catalog import read_catalog

from .catalogs import write_project
from .corpus import catalog_cases, csv_cases

pytestmark = [pytest.mark.reliability]
CSV = csv_cases()
CATALOGS = catalog_cases()
LOCATED = re.compile(r"^catalog\.yaml:\d+:\d+: \S")


@pytest.mark.parametrize("case", sorted(CATALOGS))
def test_generated_catalog_documents(case, tmp_path, scenario):
    """Each document loads or is refused exactly as its verdict says, and a refusal is located and names the cause."""
    expected = CATALOGS[case]
    path = write_project(tmp_path, expected.data)  # the schema and data file exist: only the document can be wrong
    started = time.monotonic()
    catalog, problems = read_catalog(path)
    # a bound against hanging (billion laughs, deep nesting), not a speed target: a 3 MB title takes ~20 s on a busy machine
    assert time.monotonic() - started < 90, "the check must not hang on hostile YAML"
    for problem in problems:
        scenario.text("problem", problem)
        assert LOCATED.match(problem.format()), problem.format()
    if expected.loads:
        assert problems == [] and catalog is not None and catalog.datasets, [p.format() for p in problems]
    else:
        assert catalog is None, "a document that must be refused was loaded"
        assert expected.words in problems[0].message, [p.format() for p in problems[:3]]


@pytest.mark.ckan
@pytest.mark.parametrize("case", sorted(CSV))
def test_generated_csv_files_through_the_whole_chain(case, project, unique_name, scenario):
    """Each case ends exactly as its verdict says; a published case is checked in CKAN against the
    generator's values (the consistency check), never against the file the pipeline wrote."""
    import json

    expected = CSV[case]
    ds = project.add_file(unique_name("korpus"), expected.data)
    out = project.run(run_id="corpus")[ds.id]  # process_dataset: an exception here fails the scenario
    scenario.text("outcome", out)
    assert out.status == expected.status, out
    assert expected.words in out.message or expected.status == "invalid", out.message
    if out.status == "published":
        scenario.expect(ds.id, None, rows=len(expected.values) - 1, values=[list(r) for r in expected.values])
        return
    scenario.expect_unpublished(ds.id)
    assert "never published" in out.message
    workdir = project.settings.work_dir / "corpus" / ds.id
    if out.status == "source_error":
        assert out.message.startswith(f"{expected.detail}: "), out.message
        assert not list(workdir.glob("*.csv")), "a refused source left a canonical CSV behind"
    else:  # invalid: the report in the work folder says so and names the error types
        report = json.loads((workdir / "validation-report.json").read_text(encoding="utf-8"))
        assert report["valid"] is False
        assert sorted(report["error_counts"]) == sorted(expected.detail.split(",")), report["error_counts"]
