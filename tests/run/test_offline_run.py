"""`oppnadata run` on a machine without network, as a user runs it: a child process, its terminal output read.

One host that does not resolve (`.invalid`, RFC 2606) and one that refuses
the connection must fail at once, without retries; the steward's file is
still published; the terminal shows the run and says "no network", while
Prefect's logs and tracebacks go to the run's log file, whose path is printed.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess

import pytest
from ruamel.yaml import YAML

from pipelines.run import read_summary

from .servers import BIN, ROOT, child_env

pytestmark = [pytest.mark.ckan, pytest.mark.prefect]
CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _entry(dataset_id: str, organization: str, source: dict, schema: str) -> dict:
    return {"id": dataset_id, "title": "Kommuner i Kalmar län", "description": "Kommunerna och deras koder.",
            "organization": organization, "source": source, "schema": schema, "license": CC0,
            "frequency": "IRREG", "themes": ["GOVE"], "keywords": ["kommuner"]}


def test_offline_run_fails_fast_quietly_and_says_no_network(tmp_path, ckan_portal, unique_name, prefect_harness):
    from prefect.settings import PREFECT_API_URL

    root, org = tmp_path / "project", unique_name("region")
    local, dns, refused = unique_name("kommuner"), unique_name("via-dns"), unique_name("via-refused")
    shutil.copytree(ROOT / "datasets" / "kommuner-kalmar-lan", root / "datasets" / local)
    shutil.copytree(ROOT / "schemas", root / "schemas", ignore=shutil.ignore_patterns("specifications"))
    schema = "schemas/kommuner-kalmar-lan.json"
    doc = {
        "catalog": {"title": "Test", "description": "Test utan nät.", "publisher": org, "homepage": "https://www.regionkalmar.se",
                    "language": "sv", "license": CC0, "contact": {"name": "Region", "email": "region@regionkalmar.se"}},
        "organizations": [{"id": org, "title": "Region Kalmar län (test)", "description": "Test.", "code": "08",
                           "website": "https://www.regionkalmar.se", "email": "region@regionkalmar.se"}],
        "datasets": [
            _entry(local, org, {"type": "file", "path": "kommuner.csv"}, schema),
            _entry(dns, org, {"type": "http", "url": "https://no-such-host.invalid/kommuner.csv", "format": "csv"}, schema),
            _entry(refused, org, {"type": "http", "url": f"http://127.0.0.1:{_closed_port()}/kommuner.csv", "format": "csv"}, schema),
        ],
    }
    with (root / "catalog.yaml").open("w", encoding="utf-8") as fh:
        YAML().dump(doc, fh)
    env = child_env(OPPNADATA_ROOT=str(root), OPPNADATA_STATE_DIR=str(tmp_path / "state"), CKAN_URL=ckan_portal.url,
                    CKAN_API_TOKEN=ckan_portal.token, OPPNADATA_ALLOW_PRIVATE_HOSTS="true",
                    PREFECT_API_URL=PREFECT_API_URL.value(), COLUMNS="200")
    done = subprocess.run([str(BIN / "oppnadata"), "run"], env=env, capture_output=True, text=True, timeout=600, cwd=root)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    for noise in ("Traceback", "WARNING", "ERROR", "Timeout of", "Task run"):
        assert noise not in output, f"{noise!r} reached the terminal:\n{output}"
    assert "no network: 2 remote sources unreachable" in output
    [log] = re.findall(r"Run log: (\S+)", output)[-1:]
    logged = open(log, encoding="utf-8").read()
    assert "Finished in state" in logged and "no-such-host.invalid" in logged  # Prefect's and our lines, kept

    [report] = (tmp_path / "state" / "reports").glob("*.json")
    outcomes = {o.dataset_id: o for o in read_summary(report).outcomes}
    assert outcomes[local].status == "published"
    for failed in (dns, refused):
        assert outcomes[failed].status == "source_error" and outcomes[failed].error_kind == "unreachable"
        assert outcomes[failed].seconds < 10, outcomes[failed]  # no backoff: each fails on its first attempt
    assert "not retried" in outcomes[refused].message and "cannot resolve host" in outcomes[dns].message
