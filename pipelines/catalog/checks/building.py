"""Turn a structurally valid catalog (plain dicts) into the frozen objects of pipelines.model.

Defaults live here and only here: licence from the catalog, contact and
spatial coverage from the organization, schema file from the id.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from ...model import Catalog, CatalogMeta, Contact, Dataset, HarvestSource, Organization, Source, Temporal, frozen_mapping
from ..specifications import read_specification
from .paths import schema_relpath
from .yaml_tree import locate


def _contact(d: dict) -> Contact:
    return Contact(name=d["name"], email=d["email"], url=d.get("url"))


def _freeze(value: Any) -> Any:
    """Nested options become read-only mappings and tuples, so a Source is truly immutable."""
    if isinstance(value, dict):
        return frozen_mapping({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _conformance(d: dict, root: Path | None) -> tuple[tuple[str, ...], str | None]:
    """(dct:conformsTo URIs, specification key) of an entry whose `conforms_to` names a specification."""
    key = d.get("conforms_to")
    if not isinstance(key, str):
        return (), None
    spec = read_specification(root, key) if root is not None else None
    if spec is None:  # load_catalog has already refused an unknown specification
        raise ValueError(f"specification {key!r} cannot be read")
    return (spec.uri,), key


def build_catalog(plain: dict, tree: Any, root: Path | None = None,
                  item_line: Callable[[str, int], int] | None = None) -> Catalog:
    """The frozen catalog; each entry's line from `item_line(section, index)`, else from the round-trip `tree`."""
    if item_line is None:
        def item_line(section: str, index: int) -> int:
            return locate(tree, [section, index])[0]
    c = plain["catalog"]
    meta = CatalogMeta(
        title=c["title"], description=c["description"], publisher=c["publisher"], homepage=c["homepage"],
        language=c["language"], license=c["license"], contact=_contact(c["contact"]),
        title_en=c.get("title_en"), description_en=c.get("description_en"),
    )
    orgs = tuple(
        Organization(id=o["id"], title=o["title"], description=o["description"], code=o["code"],
                     website=o["website"], email=o.get("email"), orgnr=o.get("orgnr"))
        for o in plain["organizations"]
    )
    by_id = {o.id: o for o in orgs}
    datasets = []
    for i, d in enumerate(plain["datasets"]):
        org = by_id[d["organization"]]
        source = dict(d["source"])
        temporal = d.get("temporal") or {}
        conforms_to, specification = _conformance(d, root)
        datasets.append(Dataset(
            id=d["id"], title=d["title"], description=d["description"], organization=org.id,
            source=Source(type=source.pop("type"), options=_freeze(source)),
            schema=schema_relpath(d),
            license=d.get("license", meta.license),
            frequency=d["frequency"],
            themes=tuple(d["themes"]),
            keywords=tuple(d["keywords"]),
            contact=_contact(d["contact"]) if "contact" in d else Contact(name=org.title, email=org.email, url=org.website),
            spatial=tuple(d.get("spatial") or [org.code]),
            temporal=Temporal(start=temporal.get("start"), end=temporal.get("end")),
            conforms_to=conforms_to,
            specification=specification,
            hvd_category=d.get("hvd_category"),
            access_rights=d.get("access_rights", "PUBLIC"),
            withdrawn=bool(d.get("withdrawn", False)),
            title_en=d.get("title_en"),
            description_en=d.get("description_en"),
            landing_page=d.get("landing_page"),
            line=item_line("datasets", i),
        ))
    harvest = []
    for i, h in enumerate(plain.get("harvest") or []):
        options = dict(h["source"])
        harvest.append(HarvestSource(id=h["id"], organization=h["organization"],
                                     source=Source(type=options.pop("type"), options=_freeze(options)),
                                     line=item_line("harvest", i)))
    return Catalog(meta=meta, organizations=orgs, datasets=tuple(datasets), harvest=tuple(harvest))
