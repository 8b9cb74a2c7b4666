"""Warm starts for a worker's flow runs: one process per worker imports Prefect and the pipeline, each run forks from it.

`start_warm_server` is what `oppnadata worker` calls before it becomes the
Prefect process worker; `client_command` is the command the batch deployment
gives its flow runs (`client.py`, which falls back to Prefect's own engine
command where no warm server runs).
"""

from __future__ import annotations

from .spawn import WarmServerProcess, WarmStartUnavailable, client_command, start_warm_server

__all__ = ["WarmServerProcess", "WarmStartUnavailable", "client_command", "start_warm_server"]
