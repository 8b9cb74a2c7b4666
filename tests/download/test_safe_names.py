"""Names from the portal become one safe path component, or the dataset is refused by name."""

from __future__ import annotations

import pytest

from pipelines.download import DownloadError
from pipelines.download.safe_names import name_problem, safe_child


@pytest.mark.parametrize("name", ["", ".", "..", "../x", "a/b", "a\\b", "/abs", "x/.", "a\x00b", "CON", "nul.csv",
                                  "com1", "LPT9.txt", "trailing.", "trailing ", ".hidden", "-rf", "x" * 201, "å" * 101,
                                  "a:b", "a*b"])
def test_unsafe_names_are_named(name):
    assert name_problem(name)


@pytest.mark.parametrize("name", ["badplatser-kalmar", "data.csv", "x" * 200, "A_b-1.2.geojson", "console.csv"])
def test_plain_names_pass(name):
    assert name_problem(name) is None


def test_a_symlink_out_of_the_folder_is_refused_after_resolution(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "link").symlink_to(tmp_path)
    with pytest.raises(DownloadError, match="dataset 'd1'.*outside the download folder"):
        safe_child(tmp_path / "out", "link", "d1", "the dataset name")
    assert safe_child(tmp_path / "out", "fine", "d1", "the dataset name") == tmp_path / "out" / "fine"
