"""The portal's pages in a real browser: what a person sees on the search page, a dataset, its table
preview, a GeoJSON map, a validation report and the stewards' /publicering page.

Each test also checks the accessibility basics on its page (lang="sv", one h1 and no skipped heading
level, every form field labelled, every image with an alt text) and that none of the publisher's
internal `kalmar_*` fields reaches the HTML. Screenshots: test-output/ui/<page>.png.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.plugins.portal import ROOT

pytestmark = pytest.mark.ckan

HEADINGS_JS = """
return Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6'))
  .filter(h => h.offsetParent !== null)
  .map(h => [Number(h.tagName[1]), h.textContent.trim()]);
"""
VISIBLE_HEADERS_JS = """
return Array.from(document.querySelectorAll('thead tr:first-child th'))
  .map(th => th.innerText.trim()).filter(Boolean);
"""
# DataTables sizes its header after the rows arrive: wait until the header and the rows fill the preview's
# width and every column lines up, as a reader sees the table once it has settled.
COLUMNS_ALIGNED_JS = """
const head = document.querySelector('.dt-scroll-head table, .dataTables_scrollHead table');
const body = document.querySelector('#dtprv');
const box = document.querySelector('.dt-scroll-body, .dataTables_scrollBody') || body.parentElement;
if (!head) return false;
const close = (a, b) => Math.abs(a - b) < 2;
const ths = Array.from(head.querySelectorAll('thead tr:first-child th'));
const tds = Array.from(body.querySelectorAll('tbody tr:first-child td'));
return close(head.offsetWidth, body.offsetWidth) && body.offsetWidth >= 0.9 * box.clientWidth
  && tds.length > 0 && tds.every((td, i) => ths[i] && close(td.getBoundingClientRect().width, ths[i].getBoundingClientRect().width));
"""
UNLABELLED_FIELDS_JS = """
return Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(f => !['hidden', 'submit', 'button', 'reset', 'image'].includes(f.type))
  .filter(f => {
    const byLabel = Array.from(f.labels || []).some(l => l.textContent.trim());
    const byAria = (f.getAttribute('aria-label') || '').trim()
      || (f.getAttribute('aria-labelledby') || '').split(' ').some(id => {
           const el = document.getElementById(id); return el && el.textContent.trim(); });
    return !byLabel && !byAria && !(f.title || '').trim();
  })
  .map(f => f.outerHTML.slice(0, 120));
"""


def resource_of(ckan_portal, dataset: str, role: str) -> dict:
    pkg = ckan_portal.anonymous().action.package_show(id=dataset)
    return next(r for r in pkg["resources"] if r.get("kalmar_role") == role)


def assert_public_page_basics(browser) -> None:
    html = browser.html()
    assert "kalmar_" not in html, html[max(0, html.find("kalmar_") - 200):html.find("kalmar_") + 100]
    assert browser.find("html").get_attribute("lang") == "sv"
    headings = browser.run(HEADINGS_JS)
    assert [level for level, _ in headings].count(1) == 1, headings
    for (before, _), (level, text) in zip(headings, headings[1:]):
        assert level <= before + 1, f"heading level jumps from h{before} to h{level} at {text!r}: {headings}"
    assert browser.run(UNLABELLED_FIELDS_JS) == []
    assert [img.get_attribute("outerHTML") for img in browser.find_all("img") if img.get_attribute("alt") is None] == []


def test_dataset_search_lists_the_organizations_datasets(browser, published):
    browser.open(f"/dataset/?organization={published.organization}")
    browser.wait_for(".dataset-list")

    titles = [a.text for a in browser.find_all(".dataset-heading a")]
    logo = browser.find("header .kalmar-logo .kalmar-logo-name")
    browser.screenshot("dataset-search")

    assert sorted(titles) == sorted(["Kommuner i Kalmar län", "Kommuner i Kalmar län (trasig export)", "Badplatser (karta)"])
    assert logo.text == "Öppna data Kalmar län"
    assert browser.find_all("header img") == []  # the text logo replaced CKAN's picture
    assert_public_page_basics(browser)


def test_dataset_page_shows_metadata_in_words_and_the_publication_block(browser, published, ckan_portal):
    browser.open(f"/dataset/{published.table}")
    block = browser.wait_for(".kalmar-publication")

    info = {row.find_element(By.TAG_NAME, "th").text: row.find_element(By.TAG_NAME, "td").text
            for row in browser.find_all(".additional-info tbody tr")}
    facts = dict(zip([dt.text for dt in block.find_elements(By.TAG_NAME, "dt")],
                     [dd.text for dd in block.find_elements(By.TAG_NAME, "dd")]))
    badge = browser.find(".resource-item .kalmar-badge")
    browser.screenshot("dataset")

    assert info["Uppdateringsfrekvens"] == "Årligen"
    assert info["Språk"] == "Svenska"
    assert info["Åtkomsträttigheter"] == "Publik"
    assert info["Teman"] == "Regeringen och den offentliga sektorn, Regioner och städer"
    assert info["Licens"] == "Creative Commons Zero 1.0 Universal (CC0 1.0)"
    assert info["Geografiskt område"] == "Kalmar kommun, Borgholms kommun"
    assert info["Tidsperiod"] == "1 januari 2024 – 31 december 2024"
    assert facts["Status"] == "Publicerad"
    assert facts["Aktualitet"].startswith("Aktuell") and "Årligen" in facts["Aktualitet"]
    extras = {e["key"]: e["value"] for e in ckan_portal.anonymous().action.package_show(id=published.table)["extras"]}
    points = int(extras["kalmar_mqa_score"])
    assert facts["Metadatakvalitet (MQA)"].startswith(f"{points} av 405 poäng – ")
    assert facts["Validering"] == "Validering: giltig"
    assert badge.text == "Validering: giltig"
    assert badge.get_attribute("href").endswith(f"/dataset/{published.table}/validering")
    assert_public_page_basics(browser)


def test_resource_page_previews_the_datastore_table(browser, published, ckan_portal):
    data = resource_of(ckan_portal, published.table, "data")
    browser.open(f"/dataset/{published.table}/resource/{data['id']}")
    outer_html = browser.html()
    frame = browser.wait_for("iframe")
    browser.driver.switch_to.frame(frame)
    try:
        browser.wait_for("#dtprv tbody tr td:nth-child(2)", timeout=30)
        browser.wait_until(lambda: browser.run(COLUMNS_ALIGNED_JS))
        headers = browser.run(VISIBLE_HEADERS_JS)[1:5]
        first_row = [td.text for td in browser.find_all("#dtprv tbody tr:first-child td")][1:5]
        preview_html = browser.html()
    finally:
        browser.driver.switch_to.default_content()
    browser.screenshot("resource-table-preview")

    expected = published.steward_csv.splitlines()[1].split(",")
    assert first_row == expected  # the first data row of the steward file, leading zeros kept
    assert headers == ["Kommunkod", "Kommunnamn", "Länskod", "Länsnamn"]
    assert "Inga vyer" not in browser.text()
    assert "kalmar_" not in outer_html and "kalmar_" not in preview_html
    assert browser.find(".kalmar-resource-badge .kalmar-badge").text == "Validering: giltig"


def test_geojson_is_drawn_on_a_map_with_the_features_properties(browser, published, ckan_portal):
    geojson = resource_of(ckan_portal, published.map, "geojson")
    browser.open(f"/dataset/{published.map}/resource/{geojson['id']}")
    view = browser.wait_for(".kalmar-map-view[data-features]", timeout=30)

    shapes = browser.find_all(".kalmar-map .leaflet-overlay-pane path")
    table_rows = [[td.text for td in row.find_elements(By.TAG_NAME, "td")]
                  for row in browser.find_all(".kalmar-map-table tbody tr")]
    shapes[0].click()
    popup = browser.wait_for(".leaflet-popup-content")
    popup_text = popup.text
    loaded = browser.run("return performance.getEntriesByType('resource').map(e => e.name)")
    browser.screenshot("geojson-map")

    assert view.get_attribute("data-features") == "3"
    assert len(shapes) == 3  # two bathing sites as points, one as an area
    assert [row[:4] for row in table_rows] == [
        ["1", "Point", "1", "Kalmarsundsbadet"], ["2", "Point", "2", "Stensö badplats"], ["3", "Polygon", "3", "Badområde Norra"]]
    assert "namn" in popup_text and popup_text.count("\n") >= 4
    assert any(url.endswith("/vendor/leaflet/leaflet.js") for url in loaded)
    assert [url for url in loaded if not url.startswith(browser.base_url)] == []  # nothing from another site
    assert_public_page_basics(browser)


def test_invalid_version_shows_badge_and_a_grouped_swedish_report(browser, published):
    counts = published.broken_report["error_counts"]
    total = sum(counts.values())
    browser.open(f"/dataset/{published.broken}")
    block = browser.wait_for(".kalmar-publication")
    status = block.find_element(By.CSS_SELECTOR, ".kalmar-status").text
    badge = browser.find(".resource-item .kalmar-badge")
    badge_text = badge.text
    badge.click()
    browser.wait_for(".kalmar-report")

    groups = {section.find_element(By.TAG_NAME, "h2").text: section for section in browser.find_all(".kalmar-error-group")}
    constraint = groups[f"Villkor uppfylls inte ({counts['constraint-error']})"]
    first = [td.text for td in constraint.find_elements(By.CSS_SELECTOR, "tbody tr:first-child td")]
    browser.screenshot("validation-report")

    assert status == "Senast giltiga versionen visas"
    assert badge_text == f"Validering: ogiltig, {total} fel"
    assert browser.find("h1").text == "Valideringsrapport: Kommuner i Kalmar län (trasig export)"
    assert f"har {total} fel" in browser.text()
    assert len(groups) == len(counts) >= 2  # leading zeros lost, and a row pasted twice
    assert first[:4] == ["2", "kommunkod (Kommunkod)", "821", "text; värde krävs, unikt värde, ska följa mönstret ^\\d{4}$"]
    assert_public_page_basics(browser)


def test_publicering_lists_status_freshness_and_mqa_filtered_by_organization(browser, published):
    browser.open("/publicering")
    Select(browser.find("#kalmar-filter-organisation")).select_by_value(published.organization)
    browser.find(".kalmar-filter button[type=submit]").click()
    browser.wait_until(lambda: published.organization in browser.driver.current_url)

    sections = [h.text for h in browser.find_all(".kalmar-org h2")]
    rows = {row.get_attribute("data-dataset"): [td.text for td in row.find_elements(By.TAG_NAME, "td")]
            for row in browser.find_all(".kalmar-overview-table tbody tr")}
    browser.screenshot("publicering")

    assert sections == [published.organization_title]
    assert set(rows) == {published.table, published.map, published.broken}
    status, checked, changed, freshness, mqa, validation = rows[published.broken]
    assert status.startswith("Senast giltiga versionen visas")
    assert freshness.startswith("Försenad: oförändrad i 14 dagar") and "Dagligen" in freshness
    assert validation.startswith("Validering: ogiltig")
    assert rows[published.table][0] == "Publicerad" and rows[published.table][3].startswith("Aktuell")
    assert rows[published.map][5] == "Validering: giltig"
    for row in rows.values():
        assert row[4].split(" – ")[1] in ("Utmärkt", "Bra", "Tillräcklig", "Bristfällig")
    assert_public_page_basics(browser)


def test_about_page_is_generated_from_the_catalog(browser):
    from ruamel.yaml import YAML

    meta = YAML(typ="safe").load((ROOT / "catalog.yaml").read_text(encoding="utf-8"))
    browser.open("/about")
    heading = browser.wait_for("h1").text
    text = browser.text()
    browser.screenshot("about")

    assert heading == f"Om {meta['catalog']['title']}"
    assert " ".join(meta["catalog"]["description"].split()) in " ".join(text.split())
    assert all(org["title"] in text for org in meta["organizations"])
    assert_public_page_basics(browser)
