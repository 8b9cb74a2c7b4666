"""The report's JSON round trip and its Markdown rendering for stewards."""

from __future__ import annotations

import json

from pipelines.validation import ValidationError, ValidationReport, render_markdown
from pipelines.validation.report import build_report


def _report(errors, *, limit=1000):
    return build_report(
        engine="frictionless", rows=3, fields=("id", "namn"), errors=list(errors),
        limit_errors=limit, truncated=False, seconds=0.25,
    )


def test_round_trip_through_json_is_lossless():
    report = _report([
        ValidationError(type="type-error", message="bad | value\nhere", row=3, field="id", cell="x|y"),
        ValidationError(type="blank-row", message="blank", row=4),
        ValidationError(type="schema-error", message="broken"),
    ])
    text = json.dumps(report.to_dict(), ensure_ascii=False)
    again = ValidationReport.from_dict(json.loads(text))
    assert again == report
    assert again.error_counts == {"blank-row": 1, "schema-error": 1, "type-error": 1}
    assert not again.valid


def test_build_report_caps_errors_and_counts_what_it_kept():
    errors = [ValidationError(type="type-error", message="m", row=r, field="id", cell="x") for r in range(2, 12)]
    report = _report(errors, limit=4)
    assert len(report.errors) == 4 and report.truncated
    assert report.error_counts == {"type-error": 4}
    assert [e.row for e in report.errors] == [2, 3, 4, 5]


def test_from_dict_refuses_an_unknown_format():
    data = _report([]).to_dict() | {"format": 99}
    try:
        ValidationReport.from_dict(data)
    except ValueError as exc:
        assert "format 99" in str(exc)
    else:
        raise AssertionError("an unknown report format must be refused")


def test_markdown_lists_totals_then_first_errors_with_escaped_cells():
    errors = [ValidationError(type="type-error", message="Typfel", row=r, field="år", cell=f"a|b\nc{r}") for r in range(2, 80)]
    errors.append(ValidationError(type="unique-error", message="dubblett", row=90, field="id", cell="7"))
    md = render_markdown(_report(errors), "Badplatser")
    assert md.startswith("# Badplatser\n")
    assert "| type-error | 78 |" in md and "| unique-error | 1 |" in md
    table_rows = [line for line in md.splitlines() if line.startswith("| ") and "Typfel" in line]
    assert len(table_rows) == 50  # capped
    assert "a\\|b↵c2" in table_rows[0]
    assert all(line.count(" | ") == 4 for line in table_rows)  # no cell broke the table
    assert "29 fel till" in md


def test_markdown_of_a_valid_report_says_valid():
    md = render_markdown(_report([]), "Lekplatser")
    assert "Giltig / valid" in md and "Fel per typ" not in md
