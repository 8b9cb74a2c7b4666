"""MQA scoring: known points for every indicator, shares, catalog, ratings, text."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipelines.model import (
    Catalog, CatalogMeta, Contact, Dataset, Organization, Source, Temporal,
)
from pipelines.mqa import (
    DIMENSIONS, INDICATORS, MAX_POINTS, DistributionFacts, PublishFacts,
    facts_from_package, rating_for, render_text, score_catalog, score_dataset,
)

CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"

ORG = Organization(
    id="kalmar-kommun", title="Kalmar kommun", description="", code="0880",
    website="https://kalmar.se", email="info@kalmar.se", orgnr="2120000704",
)

DATASET = Dataset(
    id="badplatser", title="Badplatser", description="Kommunens badplatser.",
    organization="kalmar-kommun", source=Source("file"), schema="schemas/badplatser.json",
    license=CC0, frequency="ANNUAL", themes=("ENVI",), keywords=("bad",),
    contact=Contact("Kalmar kommun", "info@kalmar.se"), spatial=("0880",),
    temporal=Temporal(start="2020-01-01"),
)

CSV = DistributionFacts(
    title="badplatser.csv", format="CSV", media_type="text/csv",
    access_url="http://portal/x.csv", download_url="http://portal/x.csv", byte_size=100,
    license=CC0, rights=True, access_url_reachable=True, download_url_reachable=True,
)

FACTS = PublishFacts(
    distributions=(CSV,), issued="2024-01-01T00:00:00", modified="2024-02-01T00:00:00",
    dcat_ap_valid=True,
)


def test_weights_follow_the_methodology():
    dims = {d: sum(i.points for i in INDICATORS if i.dimension == d) for d in DIMENSIONS}
    assert dims == {"findability": 100, "accessibility": 100, "interoperability": 110,
                    "reusability": 75, "contextuality": 20}
    assert MAX_POINTS == 405 and len(INDICATORS) == 23


def test_complete_metadata_earns_all_405_points():
    score = score_dataset(DATASET, ORG, FACTS)
    assert score.total == 405 and score.points == 405 and score.rating == "Excellent"
    assert all(i.full and not i.reasons for i in score.indicators)


# One mutation per indicator that breaks exactly that indicator, with the reason text
# the steward sees. (dataset changes, distribution changes, facts changes)
BREAKS = {
    "keyword": ({"keywords": ()}, {}, {}, "no keywords"),
    "theme": ({"themes": ()}, {}, {}, "no themes"),
    "spatial": ({"spatial": ()}, {}, {}, "no spatial coverage"),
    "temporal": ({"temporal": Temporal()}, {}, {}, "no temporal coverage"),
    "access_url_reachable": ({}, {"access_url_reachable": False}, {}, "did not answer"),
    "download_url": ({}, {"download_url": None, "download_url_reachable": None}, {},
                     "no downloadURL"),
    "download_url_reachable": ({}, {"download_url_reachable": None}, {}, "not checked"),
    "format": ({}, {"format": None}, {}, "no format"),
    "media_type": ({}, {"media_type": None}, {}, "no media type"),
    "format_vocabulary": ({}, {"format": "WEIRD", "media_type": "text/x-weird"}, {},
                          "neither the EU file-type table"),
    "non_proprietary": ({}, {"format": "XLSX",
                             "media_type": "application/vnd.ms-excel"}, {},
                        "is not non-proprietary"),
    "machine_readable": ({}, {"format": "HTML", "media_type": "text/html"}, {},
                         "is not machine-readable"),
    "dcat_ap_compliance": ({}, {}, {"dcat_ap_valid": False,
                                    "shacl_messages": ("dct:title missing",)},
                           "SHACL violations: dct:title missing"),
    "license": ({}, {"license": None, "rights": True}, {}, "no licence"),
    "license_vocabulary": ({}, {"license": "https://example.org/my-licence"}, {},
                           "not a known licence URI"),
    "access_rights": ({"access_rights": ""}, {}, {}, "no access rights"),
    "access_rights_vocabulary": ({"access_rights": "OPEN"}, {}, {},
                                 "not in the EU access-right table"),
    "contact_point": ({"contact": Contact("Kalmar kommun", "")}, {}, {},
                      "no contact point with an e-mail"),
    "publisher": ({}, {}, {"org": None}, "is not in the catalog"),
    "rights": ({}, {"rights": False}, {}, "no rights statement"),
    "byte_size": ({}, {"byte_size": None}, {}, "no byte size"),
    "issued": ({}, {}, {"issued": None}, "no issued date"),
    "modified": ({}, {}, {"modified": None}, "no modification date"),
}

# Indicators that necessarily fall together with the one broken (a weird format is
# also neither non-proprietary nor machine-readable; no licence means no licence
# from the vocabulary; no access rights is not a vocabulary value either).
ALSO_BROKEN = {
    "format_vocabulary": {"non_proprietary", "machine_readable"},
    "license": {"license_vocabulary"},
    "access_rights": {"access_rights_vocabulary"},
    "download_url": {"download_url_reachable"},
    "format": set(),
    "non_proprietary": set(),
}


def test_every_indicator_has_a_breaking_fixture():
    assert set(BREAKS) == {i.key for i in INDICATORS}


@pytest.mark.parametrize("key", sorted(BREAKS))
def test_each_indicator_loses_exactly_its_points(key):
    ds_changes, dist_changes, fact_changes, reason = BREAKS[key]
    fact_changes = dict(fact_changes)
    org = fact_changes.pop("org", ORG)
    dataset = replace(DATASET, **ds_changes)
    facts = replace(FACTS, distributions=(replace(CSV, **dist_changes),), **fact_changes)
    score = score_dataset(dataset, org, facts)

    broken = {key} | ALSO_BROKEN.get(key, set())
    weights = {i.key: i.points for i in INDICATORS}
    assert score.total == 405 - sum(weights[k] for k in broken)
    for ind in score.indicators:
        if ind.key in broken:
            assert ind.points == 0, ind.key
            assert ind.reasons, f"{ind.key} lost points without a reason"
        else:
            assert ind.full, f"{ind.key} lost points while breaking {key}: {ind.reasons}"
    assert any(reason in r for r in score.indicator(key).reasons), score.indicator(key).reasons


def test_distribution_indicators_are_shares_of_distributions():
    json_dist = replace(CSV, title="dump.json", format="JSON",
                        media_type="application/json", byte_size=None)
    score = score_dataset(DATASET, ORG, replace(FACTS, distributions=(CSV, json_dist)))
    size = score.indicator("byte_size")
    assert (size.passed, size.total, size.points) == (1, 2, 2.5)
    assert size.reasons == ("distribution 'dump.json': no byte size",)
    assert score.total == 402.5 and score.points == 403


def test_dataset_without_distributions_earns_no_distribution_points():
    score = score_dataset(DATASET, ORG, replace(FACTS, distributions=()))
    dist_points = sum(i.points for i in INDICATORS if i.level == "distribution")
    assert dist_points == 220
    assert score.total == 405 - 220
    assert score.indicator("format").reasons == ("no distributions",)


def test_reachability_not_checked_is_not_earned():
    score = score_dataset(DATASET, ORG, replace(FACTS, distributions=(
        replace(CSV, access_url_reachable=None, download_url_reachable=None),)))
    assert score.indicator("access_url_reachable").points == 0
    assert score.total == 405 - 80
    assert score.rating == "Good"


def test_licence_given_as_eu_table_uri_is_known():
    eu = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
    score = score_dataset(DATASET, ORG, replace(FACTS, distributions=(replace(CSV, license=eu),)))
    assert score.indicator("license_vocabulary").full


@pytest.mark.parametrize("points,rating", [
    (405, "Excellent"), (351, "Excellent"), (350.99, "Good"), (221, "Good"),
    (220, "Sufficient"), (121, "Sufficient"), (120.5, "Bad"), (0, "Bad"),
])
def test_rating_bands(points, rating):
    assert rating_for(points) == rating


def _catalog(*datasets: Dataset) -> Catalog:
    meta = CatalogMeta(title="Öppna data Kalmar län", description="d", publisher="kalmar-kommun",
                       homepage="https://x", language="sv", license=CC0,
                       contact=Contact("x", "x@x.se"))
    return Catalog(meta=meta, organizations=(ORG,), datasets=datasets)


def test_catalog_scores_shares_over_all_datasets_and_distributions():
    no_kw = replace(DATASET, id="no-keywords", keywords=())
    two = replace(DATASET, id="two-dists")
    withdrawn = replace(DATASET, id="gone", withdrawn=True)
    unpublished = replace(DATASET, id="later")
    facts = {
        "badplatser": FACTS,
        "no-keywords": FACTS,
        "two-dists": replace(FACTS, distributions=(CSV, replace(CSV, title="b", byte_size=None))),
        "gone": FACTS,
    }
    score = score_catalog(_catalog(DATASET, no_kw, two, withdrawn, unpublished), facts)
    kw = score.indicator("keyword")
    assert (kw.passed, kw.total, kw.points) == (2, 3, 20.0)
    assert kw.reasons == ("no-keywords: no keywords",)
    size = score.indicator("byte_size")
    assert (size.passed, size.total, size.points) == (3, 4, 3.75)
    assert score.total == 405 - 10 - 1.25
    assert score.unscored == ("gone: withdrawn", "later: not published (no publish-time facts)")


def test_catalog_reports_facts_for_unknown_datasets():
    score = score_catalog(_catalog(DATASET), {"badplatser": FACTS, "typo": FACTS})
    assert "typo: facts given but not in the catalog" in score.unscored
    assert score.total == 405


def test_text_report_lists_dimensions_points_and_reasons():
    score = score_dataset(replace(DATASET, keywords=()), ORG, FACTS)
    text = render_text(score)
    assert "MQA badplatser: 375 / 405 points — Excellent" in text
    assert "findability" in text and "70 / 100" in text
    assert "✗ Keyword usage" in text and "- no keywords" in text
    assert score.to_dict()["dimensions"]["findability"] == {"points": 70, "max": 100}


PACKAGE = {
    "name": "badplatser",
    "metadata_created": "2024-01-01T10:00:00",
    "metadata_modified": "2024-03-01T10:00:00",
    "extras": [{"key": "license_uri", "value": CC0}],
    "resources": [
        {"id": "r1", "name": "badplatser.csv", "kalmar_role": "data",
         "url": "http://portal/dataset/badplatser/resource/r1/download/badplatser.csv",
         "size": 1234, "datastore_active": True, "format": "CSV"},
        {"id": "r2", "name": "schema", "kalmar_role": "schema", "url": "http://portal/s.json"},
        {"id": "r3", "name": "report", "kalmar_role": "report", "url": "http://portal/r.json"},
        {"id": "r4", "name": "karta", "kalmar_role": "geojson", "url": "http://portal/k.geojson",
         "size": "99"},
    ],
}


def test_facts_from_package_chooses_distributions_like_the_profile():
    csv_url = PACKAGE["resources"][0]["url"]
    facts = facts_from_package(PACKAGE, "http://portal/", reachable={csv_url: True},
                               dcat_ap_valid=True)
    assert [(d.format, d.media_type) for d in facts.distributions] == [
        ("CSV", "text/csv"), ("JSON", "application/json"), ("GEOJSON", "application/geo+json"),
    ]
    csv, dump, geo = facts.distributions
    assert csv.byte_size == 1234 and csv.access_url_reachable is True and csv.license == CC0
    assert dump.download_url == "http://portal/datastore/dump/r1?format=json"
    assert dump.access_url_reachable is None and dump.byte_size is None
    assert geo.byte_size == 99
    assert facts.issued == "2024-01-01T10:00:00" and facts.dcat_ap_valid is True
    score = score_dataset(DATASET, ORG, facts)
    # the unchecked JSON and GeoJSON URLs cost 2/3 of the reachability points
    assert score.indicator("access_url_reachable").points == round(50 / 3, 2)
