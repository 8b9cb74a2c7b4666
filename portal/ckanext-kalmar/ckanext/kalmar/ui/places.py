"""Spatial coverage as place names.

Why: the publisher stores `spatial_text` as the titles of the organizations whose SCB code the catalog
entry lists (or the bare code when no organization has it). A municipality's organization title is also
its place name ("Kalmar kommun"), but the county's organization is "Region Kalmar län" while the place is
"Kalmar län". The organizations' `code` extra tells which is which, so nothing is guessed from wording.
"""

from __future__ import annotations

from typing import Iterable, Mapping

# SCB's codes for Kalmar län and its municipalities (docs: DESIGN.md §4).
SCB_PLACES = {
    "08": "Kalmar län",
    "0821": "Högsby kommun",
    "0834": "Torsås kommun",
    "0840": "Mörbylånga kommun",
    "0860": "Hultsfreds kommun",
    "0861": "Mönsterås kommun",
    "0862": "Emmaboda kommun",
    "0880": "Kalmar kommun",
    "0881": "Nybro kommun",
    "0882": "Oskarshamns kommun",
    "0883": "Västerviks kommun",
    "0884": "Vimmerby kommun",
    "0885": "Borgholms kommun",
}


def place_names(spatial_text: str, organizations: Iterable[Mapping]) -> list[str]:
    """The places named by `spatial_text` ("Region Kalmar län, 0999" → ["Kalmar län", "0999"]).

    A piece that names an organization with a known SCB code becomes SCB's name of that place; anything
    else is shown as stored.
    """
    code_by_title = {}
    for org in organizations:
        extras = {e["key"]: e["value"] for e in org.get("extras", [])}
        if extras.get("code"):
            code_by_title[org.get("title")] = extras["code"]
    names = []
    for piece in (p.strip() for p in (spatial_text or "").split(",")):
        if not piece:
            continue
        code = code_by_title.get(piece, piece)
        names.append(SCB_PLACES.get(code, piece))
    return names
