"""Source type `file`: steward files under datasets/<id>/, and the path-safety rules."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipelines.sources import collect, source_types
from pipelines.errors import SourceError
from pipelines.sources.base import HttpSettings
from tests.sources.helpers import BADPLATSER_SCHEMA, context, dataset, read_csv

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "http" / "kommun"


@pytest.fixture
def root(tmp_path):
    folder = tmp_path / "project" / "datasets" / "badplatser"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "badplatser_cp1252.csv", folder / "badplatser.csv")
    shutil.copy(FIXTURES / "lekplatser.xlsx", folder / "lekplatser.xlsx")
    return tmp_path / "project"


def test_registry_lists_all_builtin_types():
    assert source_types() == ["file", "http", "kolada", "pxweb", "union", "wfs"]


def test_file_csv_is_normalized_with_hash_and_row_count(root, tmp_path):
    work = tmp_path / "work"
    got = collect(dataset("file", "badplatser", path="badplatser.csv"), work, context(root, HttpSettings(), BADPLATSER_SCHEMA))
    data = got.data
    assert data is not None and data.rows == 4 and data.media_type == "text/csv" and data.path == work / "badplatser.csv"
    assert read_csv(data.path)[2][3:5] == ["56.682900", "16.398100"]
    import hashlib
    assert data.sha256 == hashlib.sha256(data.path.read_bytes()).hexdigest() and data.bytes == data.path.stat().st_size
    assert not got.not_modified and "total" in got.timings and "normalize" in got.timings
    assert sorted(p.name for p in work.iterdir()) == ["badplatser.csv"]


def test_file_xlsx_with_title_row_and_trailing_empty_cells(root, tmp_path):
    schema = {"fields": [{"name": "lat", "type": "number"}, {"name": "senast_besiktad", "type": "date"}]}
    got = collect(dataset("file", "badplatser", path="lekplatser.xlsx", header_row=3, sheet="Lekplatser"),
                  tmp_path / "w", context(root, HttpSettings(), schema))
    rows = read_csv(got.data.path)
    assert rows == [
        ["id", "namn", "lat", "long", "tillganglig", "senast_besiktad"],
        ["1", "Lekplats Stadsparken", "56.6615", "16.3579", "true", "2024-04-02"],
        ["2", "Lekplats Norrliden", "56.6801", "16.3312", "false", "2024-04-09"],
        ["3", "Lekplats Berga", "56.6953", "16.312", "true", "2024-05-03"],
    ]
    assert got.data.rows == 3


def test_xlsx_title_row_without_header_row_option_says_what_to_do(root, tmp_path):
    with pytest.raises(SourceError) as err:
        collect(dataset("file", "badplatser", path="lekplatser.xlsx"), tmp_path / "w", context(root, HttpSettings()))
    assert err.value.kind == "wrong_content" and "header_row" in str(err.value)
    assert not (tmp_path / "w" / "badplatser.csv").exists()


def test_unknown_sheet_lists_the_sheets(root, tmp_path):
    with pytest.raises(SourceError) as err:
        collect(dataset("file", "badplatser", path="lekplatser.xlsx", sheet="Blad1"), tmp_path / "w", context(root, HttpSettings()))
    assert err.value.kind == "config" and "'Lekplatser', 'Info'" in str(err.value)


@pytest.mark.parametrize("path", ["../other/x.csv", "/etc/passwd", "sub/../../x.csv", "~/x.csv"])
def test_paths_outside_the_dataset_folder_are_refused(root, tmp_path, path):
    with pytest.raises(SourceError) as err:
        collect(dataset("file", "badplatser", path=path), tmp_path / "w", context(root, HttpSettings()))
    assert err.value.kind == "config" and "datasets/badplatser/" in str(err.value) and "line 12" in str(err.value)


def test_symlink_out_of_the_folder_is_refused(root, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n")
    os.symlink(secret, root / "datasets" / "badplatser" / "link.csv")
    with pytest.raises(SourceError) as err:
        collect(dataset("file", "badplatser", path="link.csv"), tmp_path / "w", context(root, HttpSettings()))
    assert err.value.kind == "config" and "outside" in str(err.value)


def test_missing_file_and_unknown_option_and_unknown_type(root, tmp_path):
    ctx = context(root, HttpSettings())
    with pytest.raises(SourceError) as err:
        collect(dataset("file", "badplatser", path="saknas.csv"), tmp_path / "w", ctx)
    assert err.value.kind == "not_found" and "saknas.csv" in str(err.value)
    with pytest.raises(SourceError) as err:
        collect(dataset("file", "badplatser", path="badplatser.csv", delimeter=";"), tmp_path / "w", ctx)
    assert err.value.kind == "config" and "delimeter" in str(err.value) and "delimiter" in str(err.value)
    with pytest.raises(SourceError) as err:
        collect(dataset("ftp", "badplatser"), tmp_path / "w", ctx)
    assert err.value.kind == "config" and "ftp" in str(err.value) and "kolada" in str(err.value)
