"""`ckan kalmar requeue-fulltext-indexes`: queue again the full-text index builds a dead worker left.

portal/stack runs it each time it starts the job worker, so a build interrupted by a restart or a
crash (its pending record survives in PostgreSQL, its job in Redis may not) converges on its own.
"""

from __future__ import annotations

import click

from . import background_index


@click.group(name="kalmar", short_help="Kalmar portal maintenance.")
def kalmar() -> None:
    pass


@kalmar.command(name="requeue-fulltext-indexes")
def requeue_fulltext_indexes() -> None:
    """Queue a build for every DataStore table whose full-text indexes are still pending."""
    resource_ids = background_index.requeue()
    click.echo(f"queued the full-text index build of {len(resource_ids)} table(s): {', '.join(resource_ids) or '-'}")


def commands() -> list:
    return [kalmar]
