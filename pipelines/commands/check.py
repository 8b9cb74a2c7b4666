"""`oppnadata check`: the steward's and CI's gate before anything runs.

The checks are a list of named functions `(root) -> list[Problem]`, so a new
kind of check is one more entry and one option, without touching how problems
are printed; `--quality` adds the MQA points (`pipelines.ckan.quality_report`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import click

from ..catalog import Problem, check_project
from ..mqa import MAX_POINTS
from ._shared import settings_or_exit

Check = Callable[[Path], list[Problem]]
CHECKS: list[tuple[str, Check]] = [("catalog, schemas and steward files", check_project)]


def render_text(problems: list[Problem], root: Path) -> str:
    if not problems:
        return f"OK: {root / 'catalog.yaml'}, its schemas and steward files have no problems."
    lines = [p.format() for p in problems]
    files = len({p.file for p in problems})
    lines.append(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {files} file{'s' if files != 1 else ''}.")
    return "\n".join(lines)


def render_json(problems: list[Problem], quality: dict | None = None) -> str:
    """One JSON document (machines parse one), with the MQA summary under "quality" when asked for."""
    body: dict = {"ok": not problems, "problems": [p.to_dict() for p in problems]}
    if quality is not None:
        body["quality"] = quality
    return json.dumps(body, ensure_ascii=False, indent=2)


@click.command("check")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people (file:line:column: message + hint), json for machines.")
@click.option("--root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Project folder holding catalog.yaml, schemas/ and datasets/ (default: OPPNADATA_ROOT or this repository).")
@click.option("--quality", is_flag=True,
              help=f"Also print the MQA metadata-quality points (of {MAX_POINTS}) per dataset and for the catalog.")
def check_command(fmt: str, root: Path | None, quality: bool) -> None:
    """Check catalog.yaml, every Table Schema and every steward file; print each problem located.

    Exit status: 0 when clean, 1 when there are problems, 2 on a usage error.

    Example: oppnadata check --quality
    """
    root = (root or settings_or_exit().project_root).resolve()
    problems: list[Problem] = []
    for _name, check in CHECKS:
        problems += check(root)
    problems = sorted(set(problems))
    text, summary = None, None
    if quality and not problems:  # scoring needs a usable catalog
        from dataclasses import replace

        from ..catalog import load_catalog
        from ..ckan import quality_report

        settings = replace(settings_or_exit(), project_root=root)
        text, summary = quality_report(load_catalog(settings.catalog_path), settings)
    if fmt == "json":
        click.echo(render_json(problems, summary))
    else:
        click.echo(render_text(problems, root))
        if text is not None:
            click.echo(text)
    raise SystemExit(1 if problems else 0)
