"""Security scenarios: private hosts, paths leaving their folder, size limits, least privilege, DataStore SQL.

Every refusal must come *before* the harm: a private address is refused
before any connection (the fixture server counts zero requests, and the
suite's loopback-only guard in conftest.py records no attempt elsewhere), a
zip bomb before unpacking, an over-size body at the limit, another
organization's dataset before anything changes in CKAN.
"""

from __future__ import annotations

import time

import ckanapi
import pytest

from pipelines.catalog import CatalogError, load_catalog
from pipelines.sources import collect
from pipelines.errors import SourceError
from pipelines.sources.base import CollectContext, HttpSettings
from pipelines.sources.fetch import fetch
from pipelines.sources.file import resolve_path
from tests.plugins.fixture_server import Reply

from .bombs import xlsx_zip_bomb
from .catalogs import base, write_project
from .conftest import NETWORK
from .project import SCHEMA, csv_version, make_project

pytestmark = [pytest.mark.reliability]


@pytest.mark.ckan
def test_private_and_loopback_sources_refused_by_default(project, fixture_server, unique_name, scenario):
    tok = unique_name.token
    port = fixture_server.port
    urls = {
        "loopback": fixture_server.url(f"/rel/{tok}/a.csv"),
        "localhost": f"http://localhost:{port}/rel/{tok}/b.csv",
        "ipv6-loopback": f"http://[::1]:{port}/rel/{tok}/c.csv",
        "mapped": f"http://[::ffff:127.0.0.1]:{port}/rel/{tok}/d.csv",
        "decimal": f"http://2130706433:{port}/rel/{tok}/e.csv",
        "unspecified": f"http://0.0.0.0:{port}/rel/{tok}/f.csv",
        "private10": "http://10.20.30.40/x.csv",
        "private192": "http://192.168.1.1:8080/x.csv",
        "metadata": "http://169.254.169.254/latest/meta-data/",
        "file": "file:///etc/passwd",
    }
    for path in [f"/rel/{tok}/{c}.csv" for c in "abcdef"]:
        fixture_server.set(path, csv_version(1), content_type="text/csv")
    fixture_server.reset_counts()
    ids = {kind: project.add_http(unique_name(kind), url).id for kind, url in urls.items()}
    blocked_before = list(NETWORK["blocked"])
    outcomes = project.run(settings=project.with_settings(allow_private_hosts=False))
    for kind, dataset_id in ids.items():
        out = outcomes[dataset_id]
        scenario.text(kind, out)
        assert out.status == "source_error", (kind, out.message)
        assert "forbidden_host" in out.message, (kind, out.message)
        scenario.expect_unpublished(dataset_id)
    assert all(fixture_server.count(f"/rel/{tok}/{c}.csv") == 0 for c in "abcdef")
    assert NETWORK["blocked"] == blocked_before, "a refused source was still contacted"


def test_redirect_to_a_private_address_is_refused_before_following(fixture_server, tmp_path, scenario):
    path = f"/rel/redirect-{time.monotonic_ns()}"
    fixture_server.set(path, "", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    settings = HttpSettings(allow_loopback=True, max_attempts=1)
    blocked_before = list(NETWORK["blocked"])
    with pytest.raises(SourceError) as err:
        fetch(fixture_server.url(path), tmp_path / "x.csv", settings)
    scenario.text("error", err.value)
    assert err.value.kind == "forbidden_host" and "169.254.169.254" in str(err.value)
    assert NETWORK["blocked"] == blocked_before
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize(
    "change, where",
    [
        (lambda d: d["datasets"][0].__setitem__("id", "../../etc"), "id"),
        (lambda d: d["datasets"][0].__setitem__("id", "..%2f..%2fetc"), "id"),
        (lambda d: d["datasets"][0]["source"].__setitem__("path", "../../../etc/passwd"), "path"),
        (lambda d: d["datasets"][0]["source"].__setitem__("path", "/etc/passwd"), "path"),
        (lambda d: d["datasets"][0]["source"].__setitem__("path", "sub/../../other/data.csv"), "path"),
        (lambda d: d["datasets"][0].__setitem__("schema", "schemas/../../secret.json"), "schema"),
        (lambda d: d["datasets"][0].__setitem__("schema", "/etc/passwd"), "schema"),
    ],
    ids=["id-dotdot", "id-encoded", "path-dotdot", "path-absolute", "path-nested-dotdot", "schema-dotdot", "schema-absolute"],
)
def test_ids_and_paths_leaving_their_folder_are_refused_with_a_location(tmp_path, change, where, scenario):
    doc = base()
    change(doc)
    with pytest.raises(CatalogError) as err:
        load_catalog(write_project(tmp_path / "p", doc))
    text = str(err.value)
    scenario.text("error", text)
    assert text.startswith("catalog.yaml:") and f".{where}" in text, text


def test_symlink_out_of_the_dataset_folder_is_refused(tmp_path, scenario):
    root = tmp_path / "p"
    write_project(root, base())
    secret = tmp_path / "outside.csv"
    secret.write_text("kommunkod,kommun,antal\n0880,Hemlig,1\n")
    (root / "datasets" / "badplatser-test" / "link.csv").symlink_to(secret)
    doc = base()
    doc["datasets"][0]["source"]["path"] = "link.csv"
    with pytest.raises(CatalogError) as err:  # the catalog check refuses it ...
        load_catalog(write_project(root, doc))
    scenario.text("catalog error", err.value)
    assert "link.csv" in str(err.value)
    catalog = load_catalog(write_project(root, base()))
    with pytest.raises(SourceError) as src:  # ... and so does the file source itself, at collect time
        resolve_path(catalog.datasets[0], root, "link.csv")
    scenario.text("source error", src.value)
    assert src.value.kind == "config" and "outside" in str(src.value)


def test_xlsx_zip_bomb_stops_at_the_limit(fixture_server, tmp_path, scenario):
    bomb = xlsx_zip_bomb(tmp_path / "bomb.xlsx", 520 * 1024**2)
    packed = bomb.stat().st_size
    assert packed < 2 * 1024**2, packed  # a small download: the HTTP size limit cannot see it
    path = f"/rel/bomb-{time.monotonic_ns()}.xlsx"
    fixture_server.set(path, bomb.read_bytes(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    catalog = load_catalog(write_project(tmp_path / "p", base()))
    from dataclasses import replace

    from pipelines.model import Source

    ds = replace(catalog.datasets[0], source=Source(type="http", options={"url": fixture_server.url(path), "format": "xlsx"}))
    work = tmp_path / "work"
    started = time.monotonic()
    with pytest.raises(SourceError) as err:
        collect(ds, work, CollectContext(project_root=tmp_path / "p", schema=SCHEMA, http=HttpSettings(allow_loopback=True)))
    scenario.text("error", err.value)
    assert err.value.kind == "too_large" and "unpacks to" in str(err.value) and "limit" in str(err.value)
    assert time.monotonic() - started < 20
    assert sum(p.stat().st_size for p in work.rglob("*") if p.is_file()) == 0


def test_over_size_download_stops_at_the_limit(fixture_server, tmp_path, scenario):
    body = csv_version(1) + ("0880,Kalmar," + "9" * 100 + "\n") * 20000  # ~2.2 MB
    tok = time.monotonic_ns()
    announced, streamed = f"/rel/big-{tok}.csv", f"/rel/big-stream-{tok}.csv"
    fixture_server.set(announced, body, content_type="text/csv")
    fixture_server.script(streamed, [Reply(200, body, content_type="text/csv", no_length=True)])
    settings = HttpSettings(allow_loopback=True, max_bytes=256 * 1024, max_attempts=2, backoff_base=0.01)
    for path, words in ((announced, "announces"), (streamed, "sent more than")):
        dest = tmp_path / path.strip("/").replace("/", "_")
        with pytest.raises(SourceError) as err:
            fetch(fixture_server.url(path), dest, settings)
        scenario.text("error", err.value)
        assert err.value.kind == "too_large" and words in str(err.value) and "262144 bytes" in str(err.value)
        assert fixture_server.count(path) == 1, "a size refusal is final, not retried"
        assert not dest.exists() and not list(tmp_path.glob("*.part"))


@pytest.mark.ckan
def test_token_of_one_organization_cannot_change_another(project, ckan_portal, unique_name, tmp_path, scenario):
    # Organization B (the project's) publishes version 1 as the sysadmin.
    b = project.add_file(unique_name("org-b-data"), csv_version(1))
    assert project.run()[b.id].status == "published"
    # Organization A, set up by the sysadmin, with a user who is an editor of A only.
    proj_a = make_project(tmp_path / "a", ckan_portal.url, ckan_portal.token, unique_name("rel-org-a"))
    a = proj_a.add_file(unique_name("org-a-data"), csv_version(1))
    assert proj_a.run()[a.id].status == "published"
    user = ckan_portal.create_user(unique_name("editor-a"))
    scenario.portal(ckan_portal.url, ckan_portal.token)
    scenario.text("user", user)  # repr() must not hold the token either
    import pipelines.config as config
    from dataclasses import replace

    ckan_portal.add_member(proj_a.org, user.name, "editor")
    as_user_a = replace(proj_a.settings, ckan_api_token=config.Secret(user.token))
    as_user_b = replace(project.settings, ckan_api_token=config.Secret(user.token))
    scenario.expect(a.id, csv_version(2), rows=3)
    scenario.expect(b.id, csv_version(1), rows=3)

    # The control: the user's token publishes in its own organization.
    proj_a.write_file(a.id, csv_version(2))
    assert proj_a.run(settings=as_user_a)[a.id].status == "published"

    # The same token on B's dataset: refused, recorded as a publish error, B unchanged.
    project.write_file(b.id, csv_version(2))
    out = project.run(settings=as_user_b)[b.id]
    scenario.text("outcome", out)
    assert out.status == "publish_error"
    assert "not an editor" in out.message and project.org in out.message

    api = ckan_portal.api(user.token)
    pkg = ckan_portal.api().action.package_show(id=b.id)
    data = next(r for r in pkg["resources"] if r["kalmar_role"] == "data")
    attempts = {
        "package_patch": lambda: api.action.package_patch(id=b.id, title="Kapad"),
        "package_delete": lambda: api.action.package_delete(id=b.id),
        "resource_create": lambda: api.action.resource_create(package_id=b.id, url="http://127.0.0.1/x", name="x"),
        "resource_patch": lambda: api.action.resource_patch(id=data["id"], sha256="0" * 64),
        "resource_delete": lambda: api.action.resource_delete(id=data["id"]),
        "datastore_upsert": lambda: api.action.datastore_upsert(
            resource_id=data["id"], method="insert", force=True, records=[{"kommunkod": "0999", "kommun": "X", "antal": 1}]),
        "datastore_delete": lambda: api.action.datastore_delete(resource_id=data["id"], force=True),
        "datastore_create": lambda: api.action.datastore_create(resource_id=data["id"], force=True, records=[]),
        "kalmar_datastore_load": lambda: api.action.kalmar_datastore_load(resource_id=data["id"]),
        "organization_member_create": lambda: api.action.organization_member_create(
            id=project.org, username=user.name, role="admin"),
    }
    for action, attempt in attempts.items():
        with pytest.raises(ckanapi.NotAuthorized):
            attempt()
    after = ckan_portal.api().action.package_show(id=b.id)
    assert after["title"] == pkg["title"] and len(after["resources"]) == len(pkg["resources"])


@pytest.mark.ckan
def test_datastore_sql_endpoint_is_disabled_on_the_portal(ckan_portal, scenario):
    for api in (ckan_portal.anonymous(), ckan_portal.api()):
        with pytest.raises(ckanapi.CKANAPIError) as err:
            api.action.datastore_search_sql(sql='SELECT 1')
        scenario.text("error", err.value)
        assert "Action name not known: datastore_search_sql" in str(err.value)
