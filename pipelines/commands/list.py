"""`oppnadata list`: what the catalog holds, and how each dataset fared on the portal.

The status comes from CKAN itself (`pipelines.ckan.last_statuses`): CKAN is
the state of record. An unreachable portal is reported in one line and the
catalog is still listed, because a steward offline must still see it.
"""

from __future__ import annotations

import json
from typing import Any

import click

from ..config import Settings
from ..model import Catalog
from ..outcome import Status
from ._shared import catalog_or_exit, settings_or_exit

TIMEOUT = (3.0, 10.0)
COLUMNS = ("id", "organization", "source", "schema", "frequency", "status", "last checked")


def portal_status(catalog: Catalog, settings: Settings) -> tuple[dict[str, dict[str, str]], str | None]:
    """Per dataset id: {'status', 'last checked'}; plus a note when the portal could not be asked."""
    from ..ckan import CountingCKAN, PortalUnreachable, last_statuses

    client = CountingCKAN(settings.ckan_url, settings.ckan_api_token.reveal() or None, timeout=TIMEOUT)
    try:
        return last_statuses(client, (d.id for d in catalog.datasets)), None
    except PortalUnreachable as exc:
        return {}, f"portal not reachable at {settings.ckan_url} ({exc}): status not shown"


def rows(catalog: Catalog, status: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    table = []
    for d in catalog.datasets:
        s = status.get(d.id, {})
        table.append({"id": d.id, "organization": d.organization, "source": d.source.type, "schema": d.schema,
                      "frequency": d.frequency,
                      "status": Status.WITHDRAWN.value if d.withdrawn else s.get("status", ""),
                      "last checked": s.get("last checked", "")})
    return table


def render_table(table: list[dict[str, Any]]) -> str:
    widths = {c: max([len(c)] + [len(str(r[c])) for r in table]) for c in COLUMNS}
    lines = ["  ".join(c.upper().ljust(widths[c]) for c in COLUMNS).rstrip()]
    lines += ["  ".join(str(r[c]).ljust(widths[c]) for c in COLUMNS).rstrip() for r in table]
    return "\n".join(lines)


@click.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: an aligned table for people; json: the same rows plus the portal note, for machines.")
@click.option("--offline", is_flag=True, help="Do not ask the portal for each dataset's last status.")
def list_command(fmt: str, offline: bool) -> None:
    """List the catalog's datasets with their last status on the portal.

    Columns: id, organization, source type, schema, frequency, and, when the
    portal (CKAN_URL) answers, the last status and when it was last checked.

    Example: oppnadata list --format json
    """
    settings = settings_or_exit()
    catalog = catalog_or_exit(settings)
    status, note = ({}, "portal not asked (--offline)") if offline else portal_status(catalog, settings)
    table = rows(catalog, status)
    if fmt == "json":
        click.echo(json.dumps({"portal": settings.ckan_url, "note": note, "datasets": table}, ensure_ascii=False, indent=2))
        return
    click.echo(render_table(table))
    if note:
        click.echo(note)
