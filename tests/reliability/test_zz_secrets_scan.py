"""The last scenario of the suite (the file name sorts last): no token anywhere the suite left text.

Scanned: every log record emitted during the suite (DEBUG included), every
outcome message, exception and problem text the scenarios handed in, every
file under the project/state directories they wrote (run reports, validation
reports, work files) and the second stack's service logs, and — when the
nightly flow ran — every Prefect artifact, log line and flow-run state message
on the harness. Tokens: the shared portal's sysadmin token, the second stack's,
those of users created by the scenarios and the source API key the security
scenarios use (test_security_findings.py: a token with a line break, a key in
a redirect, error texts quoting both, hostile portals' download folders); also
their URL-encoded forms. Also checked: the loopback-only guard never had to
block a connection (test_hostile_urls.py's thousands of refusals included).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from .conftest import LEDGER, NETWORK, prefect_texts

pytestmark = [pytest.mark.reliability, pytest.mark.ckan]


def _forms(secret: str) -> set[bytes]:
    return {f.encode() for f in (secret, quote(secret, safe=""), quote_plus(secret))}


def test_no_token_in_any_log_report_artifact_or_exception(ckan_portal, scenario):
    LEDGER.secrets.add(ckan_portal.token)
    secrets = {s for s in LEDGER.secrets if s and len(s) >= 16}
    assert secrets, "no token to look for"
    forms = set().union(*(_forms(s) for s in secrets))
    found: list[str] = []
    scanned = {"texts": 0, "files": 0, "prefect": 0}

    for label, text in list(LEDGER.texts):
        scanned["texts"] += 1
        data = text.encode("utf-8", "replace")
        if any(f in data for f in forms):
            found.append(label)
    for folder in LEDGER.dirs:
        for path in Path(folder).rglob("*") if Path(folder).exists() else []:
            if path.is_file() and not path.is_symlink():
                scanned["files"] += 1
                data = path.read_bytes()
                if any(f in data for f in forms):
                    found.append(str(path))
    if LEDGER.prefect_flow_runs:
        text = prefect_texts().encode("utf-8", "replace")
        scanned["prefect"] = len(text)
        if any(f in text for f in forms):
            found.append("Prefect artifacts/logs")

    # The scan must have looked at something real: the suite's logs and its reports.
    assert scanned["texts"] > 0
    assert not found, f"a token appears in: {found[:20]}"
    assert NETWORK["blocked"] == [], f"connections outside loopback were attempted: {NETWORK['blocked']}"
    print(f"secrets scan: {len(secrets)} tokens, {scanned['texts']} texts/log lines, {scanned['files']} files, "
          f"{scanned['prefect']} bytes of Prefect artifacts/logs: no token found")


def test_the_scan_finds_a_token_where_there_is_one(tmp_path, ckan_portal, scenario):
    """The control: the same scan over a file that holds the token (URL-encoded) reports it."""
    leak = tmp_path / "leak.log"
    leak.write_text(f"GET /x?key={quote(ckan_portal.token, safe='')}\n")
    assert any(f in leak.read_bytes() for f in _forms(ckan_portal.token))
