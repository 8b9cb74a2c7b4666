"""DCAT-AP-SE, the Swedish profile of DCAT-AP, for Sveriges dataportal.

Registered as the ckanext-dcat RDF profile `kalmar_dcat_ap_se` (see pyproject.toml) and listed after
`euro_dcat_ap_3` in ckanext.dcat.rdf.profiles. ckanext-dcat runs every listed profile over the same
graph, so this one must only add or correct what DCAT-AP-SE asks for beyond DCAT-AP 3: re-running the
inherited methods would emit the DCAT-AP 3 triples a second time (duplicate blank nodes). Until the
DCAT-AP-SE specifics are written, the hooks therefore add nothing.
"""

from ckanext.dcat.profiles import EuropeanDCATAP3Profile


class SwedishDCATAPProfile(EuropeanDCATAP3Profile):
    """DCAT-AP 3 as the base (for its helpers); DCAT-AP-SE additions go in these hooks."""

    def parse_dataset(self, dataset_dict, dataset_ref):
        return dataset_dict

    def graph_from_dataset(self, dataset_dict, dataset_ref):
        return None

    def graph_from_catalog(self, catalog_dict, catalog_ref):
        return None
