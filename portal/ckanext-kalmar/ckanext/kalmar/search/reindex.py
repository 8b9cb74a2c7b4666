"""Re-index the datasets of an organization or group that was edited, in the edit's transaction.

Why: a search document copies its organization's title and name and its groups' names (see
index.py); CKAN re-indexes a dataset when the dataset changes, not when its organization does.
"""

from __future__ import annotations

import sqlalchemy as sa
from ckan import logic, model


def reindex_group_datasets(group) -> int:
    # package_show reads organizations with Core SELECTs, which do not autoflush: write the edit first.
    model.Session.flush()
    if group.is_organization:
        ids = [r[0] for r in model.Session.execute(
            sa.text("SELECT id FROM package WHERE owner_org = :g AND state <> 'deleted'"), {"g": group.id})]
    else:
        ids = [r[0] for r in model.Session.execute(sa.text(
            "SELECT table_id FROM member WHERE group_id = :g AND table_name = 'package' AND state = 'active'"),
            {"g": group.id})]
    for package_id in ids:
        logic.index_update_package({"ignore_auth": True}, package_id, defer_commit=True)
    return len(ids)
