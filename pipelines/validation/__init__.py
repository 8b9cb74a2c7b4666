"""Validation engines behind `pipelines.validate.validate_table`.

One module per job: `report` (the result every engine returns), `schema_loading`
(a schema from a path or a mapping, or a located error), `frictionless_engine`
(the reference), `fast_engine` (the vectorized one with exact parity), `markdown`
(the steward-facing rendering) and `engine_choice` (which engine runs).
"""
