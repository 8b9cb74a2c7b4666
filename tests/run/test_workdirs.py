"""Old nightly work folders are pruned; the newest, the current one and command folders stay."""

import os

from pipelines.run import prune_old_runs


def test_keeps_the_newest_runs_the_current_one_and_command_folders(tmp_path):
    for i, name in enumerate(["run-a", "run-b", "run-c", "run-d", "publish", "validate"]):
        folder = tmp_path / name / "some-dataset"
        folder.mkdir(parents=True)
        (folder / "data.csv").write_text("x\n1\n")
        os.utime(tmp_path / name, (1_700_000_000 + i, 1_700_000_000 + i))
    removed = prune_old_runs(tmp_path, keep=2, current="run-a")
    assert sorted(removed) == ["run-b", "run-c"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["publish", "run-a", "run-d", "validate"]


def test_missing_work_dir_is_fine(tmp_path):
    assert prune_old_runs(tmp_path / "nope", keep=3, current="x") == []
