"""Bounding boxes and centroids of the places the catalog names with dct:spatial.

DCAT-AP 3 recommends dcat:bbox and dcat:centroid on every dct:Location. Only measured geometry may
go here, each place with the source it was computed from: a place without an entry gets its
dct:Location type and no invented extent.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")


@dataclass(frozen=True)
class Place:
    west: float
    south: float
    east: float
    north: float
    centroid_lon: float
    centroid_lat: float
    source: str

    def bbox_wkt(self) -> str:
        w, s, e, n = self.west, self.south, self.east, self.north
        return f"POLYGON(({w} {s}, {e} {s}, {e} {n}, {w} {n}, {w} {s}))"

    def centroid_wkt(self) -> str:
        return f"POINT({self.centroid_lon} {self.centroid_lat})"


PLACES: dict[str, Place] = {}
