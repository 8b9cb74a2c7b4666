"""The stewards' mails, end to end: nightly runs against the real CKAN, mails to a real SMTP server (aiosmtpd).

One organization, two datasets, five nights:
1. both publish: nobody is told anything (nothing changed for the worse);
2. A's source answers 503 and B's data is made ten days old (DAILY promises two):
   the mail server is down, so the run records the failed mail in its report,
   still judges the datasets only, and records nothing as told;
3. the server is up: one digest, in Swedish, to the organization and A's contact,
   with A's reason and links and B's age; CKAN now holds what was told;
4. nothing changed: no mail and no CKAN write (no repeat while a condition persists);
5. A's source is back: one digest saying A recovered, and nothing about B (still stale).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.run import latest_summary, read_summary

from .project import VALID_CSV

pytestmark = [pytest.mark.ckan, pytest.mark.prefect]

CONTACT = "asa.oberg@kalmar.se"
ORG_ADDRESS = "kommun@kalmar.se"  # FlowProject's organization email


def _night(project_state, expected_exit: int):
    result = CliRunner().invoke(main, ["run", "--retries", "0"], catch_exceptions=False)
    assert result.exit_code == expected_exit, result.output
    return read_summary(latest_summary(project_state / "reports")), result.output


def _told(ckan_portal, dataset_id: str) -> str | None:
    extras = {e["key"]: e["value"] for e in ckan_portal.api().action.package_show(id=dataset_id)["extras"]}
    return extras.get("kalmar_notified_state")


def test_one_swedish_digest_per_change_never_a_repeat_and_a_failed_mail_is_tried_again(
    flow_project, fixture_server, unique_name, ckan_portal, smtp_server, monkeypatch, tmp_path
):
    state = tmp_path / "state"
    tok = unique_name.token
    a, b = unique_name("badplatser-a"), unique_name("badplatser-b")
    paths = {a: f"/notify/{tok}/a.csv", b: f"/notify/{tok}/b.csv"}
    for dataset_id, path in paths.items():
        fixture_server.set(path, VALID_CSV, content_type="text/csv")
        letter = "a" if dataset_id == a else "b"
        flow_project.add_http(dataset_id, fixture_server.url(path), title=f"Badplatser i Kalmar ({letter})")
    flow_project.datasets[a]["contact"] = {"name": "Åsa Öberg", "email": CONTACT}
    flow_project.write()
    for name, value in smtp_server.env().items():
        monkeypatch.setenv(name, value)
    smtp_server.clear()

    # 1. everything publishes: no news ------------------------------------------------
    first, _ = _night(state, 0)
    assert {o.status for o in first.outcomes} == {"published"}
    assert first.notifications == () and smtp_server.messages == []

    # 2. A fails, B is ten days old; the mail server is unreachable ---------------------
    fixture_server.set(paths[a], "underhåll", status=503)
    admin = ckan_portal.api()
    data = next(r for r in admin.action.package_show(id=b)["resources"] if r.get("kalmar_role") == "data")
    old = (datetime.now(timezone.utc) - timedelta(days=10)).replace(tzinfo=None).isoformat()
    admin.action.resource_patch(id=data["id"], last_modified=old)
    for name, value in smtp_server.closed_port_env().items():
        monkeypatch.setenv(name, value)
    second, output = _night(state, 1)  # 1: A failed; the failed mail does not change the exit code
    [mail] = second.notifications
    assert not mail.sent and "ConnectionRefusedError" in mail.error
    assert sorted(mail.datasets) == sorted([f"{a}: failing", f"{b}: stale"])
    assert "NOT sent" in output and smtp_server.messages == []
    assert second.run_errors == ()  # a mail failure is not a run error
    assert _told(ckan_portal, a) is None and _told(ckan_portal, b) is None  # nothing recorded as told

    # 3. the mail server is up: one digest, in Swedish ----------------------------------------
    for name, value in smtp_server.env().items():
        monkeypatch.setenv(name, value)
    third, _ = _night(state, 1)
    [mail] = third.notifications
    assert mail.sent and mail.error == ""
    [received] = smtp_server.messages
    assert received.tls and received.authenticated
    message = received.message
    assert sorted(received.rcpt_tos) == sorted([ORG_ADDRESS, CONTACT])
    subject = message["Subject"]
    assert subject.startswith("Öppna data Kalmar län ") and "1 med fel, 1 försenade – Kalmar kommun (test)" in subject
    assert message["From"].addresses[0].display_name == "Öppna data Kalmar län"
    body = message.get_content()
    reason = next(o for o in third.outcomes if o.dataset_id == a).message
    assert "Fel i natt – den senaste giltiga versionen ligger kvar på portalen" in body
    assert f"• Badplatser i Kalmar (a) ({a})" in body and "Källfel: källan kunde inte hämtas." in body
    assert f"Orsak: {reason}" in body and "503" in reason
    assert f"Datasetet: {ckan_portal.url}/dataset/{a}" in body
    assert "Försenade" in body and "Oförändrat i 10 dagar; utlovad uppdateringsfrekvens: dagligen." in body
    assert f"{ckan_portal.url}/publicering" in body
    assert _told(ckan_portal, a) == "failing" and _told(ckan_portal, b) == "stale"

    # 4. nothing changed: no repeat, no write --------------------------------------------------
    smtp_server.clear()
    fourth, _ = _night(state, 1)
    assert fourth.notifications == () and smtp_server.messages == []
    assert fourth.write_calls == next(o for o in fourth.outcomes if o.dataset_id == a).write_calls  # only A's failure record

    # 5. A is back: it recovered; B is still stale and not mentioned again -----------------------
    fixture_server.set(paths[a], VALID_CSV, content_type="text/csv")
    fifth, _ = _night(state, 0)
    [mail] = fifth.notifications
    assert mail.sent and mail.datasets == (f"{a}: recovered",)
    [received] = smtp_server.messages
    body = received.message.get_content()
    assert "1 åter i ordning" in received.message["Subject"]
    assert "Åter i ordning:" in body and "Publiceras som vanligt igen (felet är åtgärdat)." in body
    assert b not in body and "Försenade" not in body
    assert _told(ckan_portal, a) == "ok" and _told(ckan_portal, b) == "stale"
