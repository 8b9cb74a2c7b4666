"""Compiled Jinja templates kept on disk, shared by every CKAN process and kept across restarts.

Why: Jinja compiles each template to Python code the first time a process renders it. A search
page extends and includes some forty templates, so the first /dataset request a fresh gunicorn
worker answers took over half a second more than the next one, and a portal with several workers
pays it once per worker after every start. Jinja's bytecode cache stores the compiled code per
template under a checksum of its source, so an edited template is compiled again, never served stale.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache


def install(env: Environment, config) -> Path:
    """Give `env` a bytecode cache in <ckan.storage_path>/jinja-bytecode (created when missing)."""
    directory = Path(config.get("ckan.storage_path") or "/tmp") / "jinja-bytecode"
    directory.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = FileSystemBytecodeCache(str(directory))
    return directory
