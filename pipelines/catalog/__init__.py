"""The catalog stage: catalog.yaml loaded into frozen typed objects, checked, and drafted for new datasets.

`load_catalog` is what every run starts with; `check_project` is what
`oppnadata check` and CI run (catalog.yaml, every Table Schema, every steward
file); `register_dataset` drafts a schema and an entry for `oppnadata
register`. Modules: `loading` (the two entry points), `checks/` (one module per
kind of check), `drafting` (schema inference and the entry draft),
`registration` (the whole `register` procedure), `specifications` (the
national specifications in schemas/specifications/) and `catalog.schema.json`
(the JSON Schema of catalog.yaml).
"""

from .checks.problems import CatalogError, Problem
from .drafting import draft_entry, infer_schema
from .loading import check_project, load_catalog, load_schema, read_catalog
from .registration import Registration, RegistrationError, register_dataset
from .specifications import Specification, known_specifications, read_specification

__all__ = [
    "CatalogError",
    "Problem",
    "Registration",
    "RegistrationError",
    "Specification",
    "check_project",
    "draft_entry",
    "infer_schema",
    "known_specifications",
    "load_catalog",
    "load_schema",
    "read_catalog",
    "read_specification",
    "register_dataset",
]
