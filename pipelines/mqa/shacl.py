"""DCAT-AP 3.0.0 SHACL validation of a dataset's published graph.

MQA awards 30 points for metadata that passes the DCAT-AP shapes. We earn
them only by running the shapes on what the portal actually serves
(`/dataset/<id>.ttl`), never by assuming it. The shapes are shipped with the
package (copied unchanged, CC BY 4.0, see shapes/README.md) so this works
offline.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import Graph

SHAPES_DIR = Path(__file__).parent / "shapes"


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    from rdflib import Graph  # imported here: rdflib and pyshacl load only when a graph is checked

    graph = Graph()
    for name in ("shapes.ttl", "range.ttl"):
        graph.parse(SHAPES_DIR / name, format="turtle")
    return graph


def validate_turtle(turtle: bytes) -> tuple[bool, tuple[str, ...]]:
    """(conforms, violation messages) for a Turtle document."""
    import pyshacl
    from rdflib import Graph
    from rdflib.namespace import SH

    data = Graph()
    data.parse(data=turtle, format="turtle")
    conforms, report_graph, _text = pyshacl.validate(data, shacl_graph=shapes_graph(), inference="none")
    if conforms:
        return True, ()
    messages = sorted({str(o) for o in report_graph.objects(None, SH.resultMessage)})
    return False, tuple(messages[:20])

