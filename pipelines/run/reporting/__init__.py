"""Renderings of a `RunSummary`: one module per audience (Prefect artifacts, the terminal)."""
