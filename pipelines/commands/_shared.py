"""What several commands need: settings (with the publishing token for those that write), the catalog, clean exits."""

from __future__ import annotations

import click

from ..config import Settings, load_settings
from ..model import Catalog, Dataset


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def publishing_settings_or_exit() -> Settings:
    """The settings of a command that writes to CKAN (publish, run, serve): the token must be set."""
    settings = settings_or_exit()
    if not settings.ckan_api_token:
        raise click.UsageError("CKAN_API_TOKEN is not set: export the publishing user's API token first")
    return settings


def catalog_or_exit(settings: Settings) -> Catalog:
    """Load catalog.yaml; on problems print them located (file:line:column) and exit 1."""
    from ..catalog import CatalogError, load_catalog

    try:
        return load_catalog(settings.catalog_path)
    except CatalogError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo("catalog.yaml has problems: run `oppnadata check` for all of them.", err=True)
        raise SystemExit(1) from None


def dataset_or_exit(catalog: Catalog, dataset_id: str) -> Dataset:
    try:
        return catalog.dataset(dataset_id)
    except KeyError:
        known = ", ".join(d.id for d in catalog.datasets)
        raise click.BadParameter(f"no dataset {dataset_id!r} in catalog.yaml (known: {known})", param_hint="ID") from None
