"""Work folders: fresh for every collection, and not kept forever.

Each nightly run writes its canonical files under `<state>/work/<run id>/`.
They matter for a while (a steward looks at what failed last night), then
they are only disk: CKAN holds the published files, and the run reports in
`<state>/reports/` keep what happened. So the most recent runs are kept and
older run folders are removed.

A dataset's folder is emptied before each collection (`fresh_workdir`): the
`validate` and `publish` commands reuse theirs, and a failed attempt must not
leave the previous attempt's valid CSV and report behind as if they were the
result of this one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

# Folders under work/ that belong to commands, not to nightly runs.
COMMAND_FOLDERS = frozenset({"manual", "publish", "validate"})


def fresh_workdir(workdir: Path) -> Path:
    """An empty `workdir` (created, or emptied of a previous attempt's files)."""
    if workdir.is_dir():
        for entry in workdir.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    workdir.mkdir(parents=True, exist_ok=True)
    return workdir


def prune_old_runs(work_dir: Path, keep: int, current: str) -> list[str]:
    """Remove all but the `keep` newest run folders (never `current`); returns what was removed."""
    if not work_dir.is_dir():
        return []
    runs = [p for p in work_dir.iterdir() if p.is_dir() and p.name not in COMMAND_FOLDERS and p.name != current]
    runs.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    removed = []
    for old in runs[max(keep - 1, 0):]:  # the current run counts as one of the kept
        shutil.rmtree(old, ignore_errors=True)
        removed.append(old.name)
    return removed
