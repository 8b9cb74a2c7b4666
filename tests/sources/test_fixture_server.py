"""The shared fixture server itself: what teammates rely on when they serve catalogs and files."""

from __future__ import annotations

import requests

from tests.plugins.fixture_server import Reply


def test_set_counts_conditional_and_change(fixture_server):
    fixture_server.set("/fs/catalog.yaml", "a: 1\n", content_type="text/yaml")
    first = requests.get(fixture_server.url("/fs/catalog.yaml"), timeout=5)
    assert first.status_code == 200 and first.text == "a: 1\n" and first.headers["Content-Type"] == "text/yaml"
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert requests.get(fixture_server.url("/fs/catalog.yaml"), headers={"If-None-Match": etag}, timeout=5).status_code == 304
    assert requests.get(fixture_server.url("/fs/catalog.yaml"), headers={"If-Modified-Since": modified}, timeout=5).status_code == 304
    fixture_server.set("/fs/catalog.yaml", "a: 2\n")
    changed = requests.get(fixture_server.url("/fs/catalog.yaml"), headers={"If-None-Match": etag}, timeout=5)
    assert changed.status_code == 200 and changed.text == "a: 2\n" and changed.headers["ETag"] != etag
    assert fixture_server.count("/fs/catalog.yaml") == 4
    fixture_server.reset_counts()
    assert fixture_server.count("/fs/catalog.yaml") == 0


def test_script_repeats_its_last_reply_and_static_files_substitute_the_base_url(fixture_server):
    fixture_server.script("/fs/seq", [Reply(status=503), Reply(body="ok")])
    assert [requests.get(fixture_server.url("/fs/seq"), timeout=5).status_code for _ in range(3)] == [503, 200, 200]
    page = requests.get(fixture_server.url("/kolada/v3/data_page1.json"), timeout=5).json()
    assert page["next_page"].startswith(fixture_server.base_url + "/kolada/v3/data/")
    assert requests.get(fixture_server.url("/no/such/file"), timeout=5).status_code == 404
    assert requests.get(fixture_server.url("/%2e%2e/%2e%2e/plugins/fixture_server.py"), timeout=5).status_code == 404
