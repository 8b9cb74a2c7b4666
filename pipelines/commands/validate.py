"""`oppnadata validate`: collect, normalize and validate one dataset; publish nothing."""

from __future__ import annotations

import click

from ._shared import catalog_or_exit, dataset_or_exit, settings_or_exit


@click.command("validate")
@click.argument("dataset_id", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True,
              help="How to print the validation report.")
def validate_command(dataset_id: str, fmt: str) -> None:
    """Collect, normalize and validate one dataset and show the report; publishes nothing.

    Exit 0 when the data is valid, 1 when it is invalid or the source failed.

    Example: oppnadata validate kommuner-kalmar-lan
    """
    import json

    from ..errors import SourceError
    from ..run import collect_step, validate_step
    from ..validation import render_markdown

    settings = settings_or_exit()
    dataset = dataset_or_exit(catalog_or_exit(settings), dataset_id)
    workdir = settings.work_dir / "validate" / dataset.id
    click.echo(f"Collecting {dataset.id} ({dataset.source.type}) …", err=True)
    try:
        collected, schema = collect_step(dataset, settings, workdir)
    except SourceError as exc:
        click.echo(f"{dataset.id}: source error ({exc.kind}): {exc}", err=True)
        raise SystemExit(1) from None
    except OSError as exc:  # the work directory (a full or read-only disk), as the nightly run reports it
        click.echo(f"{dataset.id}: source error (disk): {exc.strerror or exc}", err=True)
        raise SystemExit(1) from None
    data = collected.data
    click.echo(f"Collected {data.rows} rows, {data.bytes} bytes, sha256 {data.sha256[:12]}… → {data.path}", err=True)
    report = validate_step(collected, schema, workdir)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_markdown(report, dataset.id))
    click.echo(f"Report written to {workdir / 'validation-report.md'}", err=True)
    raise SystemExit(0 if report.valid else 1)
