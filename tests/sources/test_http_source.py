"""Source type `http` and the shared fetch behaviour, against the real fixture server on 127.0.0.1.

Every case asserts the outcome, the number of requests the server saw, and that
no secret reached the logs or the error text.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path

import pytest

from pipelines.sources import collect
from pipelines.errors import SourceError
from pipelines.sources.base import HttpSettings, SourceValidators
from tests.plugins.fixture_server import Reply
from tests.sources.helpers import BADPLATSER_SCHEMA, context, dataset, read_csv

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "http"
CSV_BYTES = (FIXTURES / "kommun" / "badplatser_cp1252.csv").read_bytes()
SECRET = "s3cr3t-Key_1234567890"


@pytest.fixture(autouse=True)
def debug_logs(caplog):
    """Every case runs with DEBUG logging (urllib3 logs full URLs there) and must not log the key."""
    caplog.set_level(logging.DEBUG)
    yield caplog
    assert SECRET not in caplog.text


def assert_no_secret(caplog, err: Exception | None = None) -> None:
    assert SECRET not in caplog.text
    if err is not None:
        assert SECRET not in str(err) and SECRET not in repr(err.__dict__)


def run(fixture_server, tmp_path, http, path, *, schema=None, previous=None, env=None, **options):
    """Collect `path` over http; unless a test says otherwise, with an API key in the query string."""
    options.setdefault("format", "csv")
    if env is None:
        env = {"OPPNADATA_SOURCE_KEY_TEST": SECRET}
        options.setdefault("api_key_env", "OPPNADATA_SOURCE_KEY_TEST")
        if "api_key_header" not in options:
            options.setdefault("api_key_param", "key")
    # a key only ever travels over https: keyed cases use the server's TLS twin
    url = fixture_server.https_url(path) if options.get("api_key_env") else fixture_server.url(path)
    ds = dataset("http", "badplatser", url=url, **options)
    try:
        return collect(ds, tmp_path / "work", context(tmp_path, http, schema or BADPLATSER_SCHEMA, previous=previous, env=env))
    except SourceError as err:
        assert SECRET not in str(err) and SECRET not in str(err.url)
        raise


def work_files(tmp_path) -> list[str]:
    work = tmp_path / "work"
    return sorted(p.name for p in work.iterdir()) if work.exists() else []


def test_csv_download_is_normalized(fixture_server, tmp_path, loopback_http, caplog):
    got = run(fixture_server, tmp_path, loopback_http, "/kommun/badplatser_cp1252.csv")
    assert got.data.rows == 4 and read_csv(got.data.path)[1][3] == "56.654000"
    assert got.validators.etag and got.validators.last_modified
    assert {"fetch", "normalize", "total"} <= set(got.timings)
    assert work_files(tmp_path) == ["badplatser.csv"]


def test_conditional_get_304_downloads_nothing(fixture_server, tmp_path, loopback_http):
    fixture_server.set("/cond/data.csv", CSV_BYTES, content_type="text/csv")
    first = run(fixture_server, tmp_path, loopback_http, "/cond/data.csv")
    second = run(fixture_server, tmp_path / "again", loopback_http, "/cond/data.csv", previous=first.validators)
    assert second.not_modified and second.files == () and second.data is None
    assert second.validators == first.validators
    sent = fixture_server.requests("/cond/data.csv")
    assert len(sent) == 2 and sent[1].headers.get("If-None-Match") == first.validators.etag
    # the source changes: the next conditional GET downloads again
    fixture_server.set("/cond/data.csv", CSV_BYTES.replace(b"18,5", b"19,5"), content_type="text/csv")
    third = run(fixture_server, tmp_path / "third", loopback_http, "/cond/data.csv", previous=first.validators)
    assert not third.not_modified and read_csv(third.data.path)[1][5] == "19.5"
    assert third.validators.etag != first.validators.etag
    assert fixture_server.count("/cond/data.csv") == 3


def test_if_modified_since_alone_also_gives_304(fixture_server, tmp_path, loopback_http):
    fixture_server.set("/cond/lm.csv", CSV_BYTES, content_type="text/csv")
    first = run(fixture_server, tmp_path, loopback_http, "/cond/lm.csv")
    again = run(fixture_server, tmp_path / "b", loopback_http, "/cond/lm.csv",
                previous=SourceValidators(last_modified=first.validators.last_modified))
    assert again.not_modified and fixture_server.count("/cond/lm.csv") == 2


def test_500_then_200_is_retried(fixture_server, tmp_path, loopback_http):
    fixture_server.script("/flaky.csv", [Reply(status=500, body="boom"), Reply(status=503), Reply(body=CSV_BYTES, content_type="text/csv")])
    got = run(fixture_server, tmp_path, loopback_http, "/flaky.csv")
    assert got.data.rows == 4 and fixture_server.count("/flaky.csv") == 3


def test_500_forever_gives_up_after_max_attempts(fixture_server, tmp_path, loopback_http):
    fixture_server.script("/down.csv", [Reply(status=502, body="bad gateway")])
    with pytest.raises(SourceError) as err:
        run(fixture_server, tmp_path, loopback_http, "/down.csv")
    assert (err.value.kind, err.value.status, err.value.transient) == ("http_status", 502, True)
    assert "3 attempts" in str(err.value)
    assert fixture_server.count("/down.csv") == 3
    assert work_files(tmp_path) == []


def test_429_with_retry_after_is_honoured(fixture_server, tmp_path, loopback_http):
    fixture_server.script("/busy.csv", [Reply(status=429, headers={"Retry-After": "1"}), Reply(body=CSV_BYTES, content_type="text/csv")])
    started = time.monotonic()
    got = run(fixture_server, tmp_path, loopback_http, "/busy.csv")
    assert time.monotonic() - started >= 1.0
    assert got.data.rows == 4 and fixture_server.count("/busy.csv") == 2


def test_429_asking_longer_than_the_cap_fails_at_once(fixture_server, tmp_path, loopback_http):
    fixture_server.script("/busy-long.csv", [Reply(status=429, headers={"Retry-After": "3600"})])
    with pytest.raises(SourceError) as err:
        run(fixture_server, tmp_path, loopback_http, "/busy-long.csv")
    assert err.value.status == 429 and "3600" in str(err.value)
    assert fixture_server.count("/busy-long.csv") == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
def test_other_4xx_is_not_retried(fixture_server, tmp_path, loopback_http, status):
    fixture_server.script(f"/e{status}.csv", [Reply(status=status)])
    with pytest.raises(SourceError) as err:
        run(fixture_server, tmp_path, loopback_http, f"/e{status}.csv")
    assert (err.value.kind, err.value.status, err.value.transient) == ("http_status", status, False)
    assert fixture_server.count(f"/e{status}.csv") == 1


def test_hang_past_the_read_timeout(fixture_server, tmp_path, loopback_http):
    fixture_server.script("/hang.csv", [Reply(delay=5, body=CSV_BYTES)])
    http = replace(loopback_http, read_timeout=0.3, max_attempts=2)
    started = time.monotonic()
    with pytest.raises(SourceError) as err:
        run(fixture_server, tmp_path, http, "/hang.csv")
    assert err.value.kind == "timeout" and err.value.transient
    assert time.monotonic() - started < 3
    assert fixture_server.count("/hang.csv") == 2
    assert work_files(tmp_path) == []


def test_truncated_body_is_retried_then_succeeds(fixture_server, tmp_path, loopback_http):
    fixture_server.script("/trunc.csv", [Reply(body=CSV_BYTES, content_type="text/csv", truncate_to=100),
                                         Reply(body=CSV_BYTES, content_type="text/csv")])
    got = run(fixture_server, tmp_path, loopback_http, "/trunc.csv")
    assert got.data.rows == 4 and fixture_server.count("/trunc.csv") == 2


def test_truncated_body_every_time_is_unreachable_and_leaves_nothing(fixture_server, tmp_path, loopback_http):
    fixture_server.script("/trunc-always.csv", [Reply(body=CSV_BYTES, content_type="text/csv", truncate_to=100)])
    with pytest.raises(SourceError) as err:
        run(fixture_server, tmp_path, loopback_http, "/trunc-always.csv")
    assert err.value.kind == "unreachable" and "truncated" in str(err.value)
    assert fixture_server.count("/trunc-always.csv") == 3
    assert work_files(tmp_path) == []


def test_html_error_page_with_200_is_wrong_content(fixture_server, tmp_path, loopback_http):
    with pytest.raises(SourceError) as err:
        run(fixture_server, tmp_path, loopback_http, "/errors/maintenance.html")
    assert err.value.kind == "wrong_content"
    assert "HTML page" in str(err.value) and "Underhåll pågår" in str(err.value) and "CSV data" in str(err.value)
    assert fixture_server.count("/errors/maintenance.html") == 1


def test_html_without_html_content_type_is_still_caught(fixture_server, tmp_path, loopback_http):
    body = (FIXTURES / "errors" / "maintenance.html").read_bytes()
    fixture_server.set("/disguised.csv", body, content_type="text/csv")
    with pytest.raises(SourceError) as err:
        run(fixture_server, tmp_path, loopback_http, "/disguised.csv")
    assert err.value.kind == "wrong_content" and fixture_server.count("/disguised.csv") == 1


def test_redirect_to_a_private_address_is_refused_before_connecting(fixture_server, tmp_path, loopback_http):
    fixture_server.script("/moved.csv", [Reply(status=302, headers={"Location": "http://10.0.0.1/data.csv"})])
    with pytest.raises(SourceError) as err:
        run(fixture_server, tmp_path, loopback_http, "/moved.csv")
    assert err.value.kind == "forbidden_host" and "10.0.0.1" in str(err.value) and "private" in str(err.value)
    assert fixture_server.count("/moved.csv") == 1


def test_redirect_within_the_server_is_followed(fixture_server, tmp_path, loopback_http):
    fixture_server.script("/old.csv", [Reply(status=301, headers={"Location": "/kommun/badplatser_cp1252.csv"})])
    fixture_server.reset_counts()
    got = run(fixture_server, tmp_path, loopback_http, "/old.csv")
    assert got.data.rows == 4
    assert fixture_server.count("/old.csv") == 1 and fixture_server.count("/kommun/badplatser_cp1252.csv") == 1


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data", "http://192.168.1.10/x.csv", "http://[::1]:9/x.csv",
                                 "file:///etc/passwd", "ftp://example.org/x.csv"])
def test_forbidden_targets_without_any_connection(tmp_path, loopback_http, url):
    http = replace(loopback_http, allow_loopback=False)
    ds = dataset("http", "x", url=url, format="csv")
    with pytest.raises(SourceError) as err:
        collect(ds, tmp_path / "w", context(tmp_path, http))
    assert err.value.kind == "forbidden_host"


def test_loopback_is_refused_by_default(fixture_server, tmp_path):
    fixture_server.set("/default-refused.csv", CSV_BYTES, content_type="text/csv")
    with pytest.raises(SourceError) as err:
        run(fixture_server, tmp_path, HttpSettings(), "/default-refused.csv")
    assert err.value.kind == "forbidden_host" and "loopback" in str(err.value)
    assert fixture_server.count("/default-refused.csv") == 0


@pytest.mark.parametrize("no_length", [False, True])
def test_body_over_the_size_limit(fixture_server, tmp_path, loopback_http, no_length):
    path = f"/big-{no_length}.csv"
    fixture_server.script(path, [Reply(body=b"a;b\n" + b"1;2\n" * 50_000, content_type="text/csv", no_length=no_length)])
    http = replace(loopback_http, max_bytes=100_000)
    with pytest.raises(SourceError) as err:
        run(fixture_server, tmp_path, http, path)
    assert err.value.kind == "too_large" and "100000" in str(err.value)
    assert fixture_server.count(path) == 1
    assert work_files(tmp_path) == []


def test_api_key_in_header_is_sent_and_never_logged(fixture_server, tmp_path, loopback_http, caplog):
    fixture_server.set("/keyed/h.csv", CSV_BYTES, content_type="text/csv")
    got = run(fixture_server, tmp_path, loopback_http, "/keyed/h.csv", env={"OPPNADATA_SOURCE_KEY_KLT": SECRET},
              api_key_env="OPPNADATA_SOURCE_KEY_KLT", api_key_header="X-Api-Key")
    assert got.data.rows == 4
    assert fixture_server.requests("/keyed/h.csv")[0].headers["X-Api-Key"] == SECRET
    assert_no_secret(caplog)


def test_api_key_in_query_is_redacted_from_logs_and_errors(fixture_server, tmp_path, loopback_http, caplog):
    fixture_server.script("/keyed/q.csv", [Reply(status=503)])
    with pytest.raises(SourceError) as err:
        run(fixture_server, tmp_path, loopback_http, "/keyed/q.csv", env={"OPPNADATA_SOURCE_KEY_KLT": SECRET},
            api_key_env="OPPNADATA_SOURCE_KEY_KLT", api_key_param="key")
    sent = fixture_server.requests("/keyed/q.csv")
    assert len(sent) == 3 and sent[0].query["key"] == [SECRET]
    assert "key=***" in str(err.value) and "key=***" in caplog.text
    assert_no_secret(caplog, err.value)


def test_missing_api_key_variable_is_a_config_error(fixture_server, tmp_path, loopback_http):
    with pytest.raises(SourceError) as err:
        run(fixture_server, tmp_path, loopback_http, "/keyed/never.csv", env={}, api_key_env="OPPNADATA_SOURCE_KEY_KLT", api_key_param="key")
    assert err.value.kind == "config" and "OPPNADATA_SOURCE_KEY_KLT" in str(err.value)
    assert fixture_server.count("/keyed/never.csv") == 0


def test_unreachable_port_fails_at_once_without_retries(tmp_path, loopback_http):
    import socket
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    ds = dataset("http", "x", url=f"http://127.0.0.1:{port}/x.csv", format="csv")
    started = time.monotonic()
    with pytest.raises(SourceError) as err:
        collect(ds, tmp_path / "w", context(tmp_path, replace(loopback_http, max_attempts=3, backoff_base=1.0)))
    # a refused connection is not retried: three attempts would have waited at least 1 s between them
    assert err.value.kind == "unreachable" and str(err.value).endswith("(connection refused); not retried")
    assert time.monotonic() - started < 1.0


def test_xlsx_over_http(fixture_server, tmp_path, loopback_http):
    got = run(fixture_server, tmp_path, loopback_http, "/kommun/lekplatser.xlsx", format="xlsx", header_row=3,
              schema={"fields": [{"name": "senast_besiktad", "type": "date"}]})
    assert got.data.rows == 3 and read_csv(got.data.path)[3][1] == "Lekplats Berga"


def test_json_records_at_a_path(fixture_server, tmp_path, loopback_http):
    got = run(fixture_server, tmp_path, loopback_http, "/kommun/evenemang.json", format="json", records_path="data.items",
              schema={"fields": [{"name": "pris", "type": "number"}]})
    rows = read_csv(got.data.path)
    assert rows[0] == ["id", "titel", "datum", "pris", "plats", "taggar"]
    assert rows[1] == ["e1", "Sommarkonsert i Stadsparken", "2024-07-05", "0", "", ""]
    assert rows[2] == ["e2", "Guidad tur i Kalmar slott", "2024-07-12", "120.5", '{"namn":"Kalmar slott"}', '["historia","familj"]']
    assert got.data.rows == 2


def test_json_records_path_missing_says_where(fixture_server, tmp_path, loopback_http):
    with pytest.raises(SourceError) as err:
        run(fixture_server, tmp_path, loopback_http, "/kommun/evenemang.json", format="json", records_path="data.rows")
    assert err.value.kind == "wrong_content" and "'data.rows'" in str(err.value) and "items" in str(err.value)


def test_every_request_carried_the_key_but_no_message_did(fixture_server, tmp_path, loopback_http):
    fixture_server.script("/keyed/all.csv", [Reply(status=500), Reply(body=CSV_BYTES, content_type="text/csv")])
    run(fixture_server, tmp_path, loopback_http, "/keyed/all.csv")
    assert [r.query.get("key") for r in fixture_server.requests("/keyed/all.csv")] == [[SECRET], [SECRET]]


def test_key_header_is_not_forwarded_to_another_host(fixture_server, tmp_path, loopback_http):
    # "localhost" redirects to 127.0.0.1: same server, another host name
    target = f"https://127.0.0.1:{fixture_server.tls_port}/keyed/elsewhere.csv"
    fixture_server.script("/keyed/jump.csv", [Reply(status=302, headers={"Location": target})])
    fixture_server.set("/keyed/elsewhere.csv", CSV_BYTES, content_type="text/csv")
    got = run(fixture_server, tmp_path, loopback_http, "/keyed/jump.csv", env={"OPPNADATA_SOURCE_KEY_K": SECRET}, api_key_env="OPPNADATA_SOURCE_KEY_K",
              api_key_header="X-Api-Key")
    assert got.data.rows == 4
    assert fixture_server.requests("/keyed/jump.csv")[0].headers["X-Api-Key"] == SECRET
    assert "X-Api-Key" not in fixture_server.requests("/keyed/elsewhere.csv")[0].headers


@pytest.mark.parametrize("url", ["example.org/data.csv", "http://", "http://exa mple.org/x.csv", "http://[::1/x.csv",
                                 "http://" + "a" * 70 + ".se/x.csv"])
def test_malformed_url_is_a_config_error_not_a_traceback(tmp_path, loopback_http, url):
    ds = dataset("http", "x", url=url, format="csv")
    with pytest.raises(SourceError) as err:
        collect(ds, tmp_path / "w", context(tmp_path, loopback_http))
    assert err.value.kind == "config"


@pytest.mark.parametrize("n, location", enumerate(["http://[::1/x.csv", "http://exa mple.org/x.csv"]))
def test_redirect_to_a_malformed_location_is_a_typed_error(fixture_server, tmp_path, loopback_http, n, location):
    fixture_server.script(f"/bad-jump-{n}.csv", [Reply(status=302, headers={"Location": location})])
    with pytest.raises(SourceError) as err:
        run(fixture_server, tmp_path, loopback_http, f"/bad-jump-{n}.csv")
    assert err.value.kind == "http_status" and "redirect" in str(err.value)
    assert fixture_server.count(f"/bad-jump-{n}.csv") == 1


def test_503_asking_longer_than_the_cap_fails_at_once(fixture_server, tmp_path, loopback_http):
    fixture_server.script("/maintenance.csv", [Reply(status=503, headers={"Retry-After": "7200"})])
    with pytest.raises(SourceError) as err:
        run(fixture_server, tmp_path, loopback_http, "/maintenance.csv")
    assert (err.value.status, err.value.transient) == (503, True) and "7200" in str(err.value)
    assert fixture_server.count("/maintenance.csv") == 1


def test_retry_after_http_date_is_read_as_gmt(monkeypatch):
    from email.utils import format_datetime
    import datetime as dt

    from pipelines.sources.retry import retry_after, retry_policy

    monkeypatch.setenv("TZ", "America/New_York")  # a local time far from GMT, so a local reading would show
    time.tzset()
    try:
        soon = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=120)
        policy = retry_policy(HttpSettings())
        for text in (format_datetime(soon, usegmt=True), format_datetime(soon.replace(tzinfo=None))):  # "GMT" / "-0000"
            assert 100 < retry_after(policy, text) <= 120
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize("first, then, keep", [
    ("https://a.se/x", "https://a.se/y", True),
    ("http://a.se/x", "https://a.se/x", True),  # upgrade to TLS
    ("https://a.se/x", "http://a.se/x", False),  # downgrade: the key would travel in clear
    ("https://a.se/x", "https://a.se:8443/x", False),
    ("https://a.se/x", "https://b.se/x", False),
])
def test_credentials_follow_only_the_same_origin_or_an_upgrade(first, then, keep):
    import requests  # fetch asks requests' own rule, the one its redirects use

    assert requests.Session().should_strip_auth(first, then) is (not keep)


def test_body_that_does_not_decompress_is_a_decode_error_not_retried(fixture_server, tmp_path, loopback_http):
    fixture_server.script("/broken.csv.gz", [Reply(body=b"this is not gzip at all " * 10, content_type="text/csv",
                                                   headers={"Content-Encoding": "gzip"})])
    with pytest.raises(SourceError) as err:
        run(fixture_server, tmp_path, loopback_http, "/broken.csv.gz")
    assert err.value.kind == "decode_error" and "gzip" in str(err.value)
    assert fixture_server.count("/broken.csv.gz") == 1
    assert work_files(tmp_path) == []
