"""One mail per organization and night, in Swedish: what changed, why, and where to read more.

Plain text (UTF-8; the headers RFC 2047-encoded by the standard library), so
every mail client shows it as written. The reason of a failure is the
pipeline's own one-line message, the same the run report and the portal's
"Publicering" block show; the links go to the dataset, its validation report
and the portal's overview of every dataset.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from typing import Sequence
from zoneinfo import ZoneInfo

from ...model import Catalog, Organization
from ...outcome import Status
from . import portal_rules
from .conditions import Notice, NoticeKind

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SITE_NAME = "Öppna data Kalmar län"

STATUS_TEXT = {
    Status.INVALID: "Ogiltiga data: den senaste versionen från källan klarade inte valideringen",
    Status.SOURCE_ERROR: "Källfel: källan kunde inte hämtas",
    Status.PUBLISH_ERROR: "Publiceringsfel: portalen kunde inte ta emot den senaste versionen",
}
SECTIONS = (
    (NoticeKind.FAILING, "Fel i natt – den senaste giltiga versionen ligger kvar på portalen"),
    (NoticeKind.STALE, "Försenade – oförändrade längre än den utlovade uppdateringsfrekvensen"),
    (NoticeKind.RECOVERED, "Åter i ordning"),
)


def recipients(catalog: Catalog, organization: Organization, notices: Sequence[Notice]) -> list[str]:
    """The organization's address and the contact of every dataset in the digest, each once, in that order."""
    found: list[str] = []
    for address in [organization.email, *(n.dataset.contact.email for n in notices)]:
        if address and address.lower() not in {a.lower() for a in found}:
            found.append(address)
    return found


def _subject(organization: Organization, notices: Sequence[Notice], night: datetime) -> str:
    counts = {kind: sum(n.kind == kind for n in notices) for kind, _ in SECTIONS}
    parts = []
    if counts[NoticeKind.FAILING]:
        parts.append(f"{counts[NoticeKind.FAILING]} med fel")
    if counts[NoticeKind.STALE]:
        parts.append(f"{counts[NoticeKind.STALE]} försenade")
    if counts[NoticeKind.RECOVERED]:
        parts.append(f"{counts[NoticeKind.RECOVERED]} åter i ordning")
    return f"{SITE_NAME} {night:%Y-%m-%d}: {', '.join(parts)} – {organization.title}"


def _entry(notice: Notice, portal_url: str) -> list[str]:
    dataset, outcome = notice.dataset, notice.outcome
    page = f"{portal_url}/dataset/{dataset.id}"
    lines = [f"• {dataset.title} ({dataset.id})"]
    if notice.kind == NoticeKind.FAILING:
        lines.append(f"  {STATUS_TEXT.get(outcome.status, outcome.status.label)}.")
        lines.append(f"  Orsak: {outcome.message}")
        if outcome.status == Status.INVALID:
            lines.append(f"  Valideringsrapport: {page}/validering")
    elif notice.kind == NoticeKind.STALE:
        days = f"{notice.days_unchanged} dagar" if notice.days_unchanged is not None else "okänt antal dagar"
        lines.append(f"  Oförändrat i {days}; utlovad uppdateringsfrekvens: "
                     f"{portal_rules.frequency_label(dataset.frequency).lower()}.")
    else:
        was = "felet" if notice.previous.value == "failing" else "förseningen"
        lines.append(f"  Publiceras som vanligt igen ({was} är åtgärdat).")
    lines.append(f"  Datasetet: {page}")
    return lines


def compose(catalog: Catalog, organization: Organization, notices: Sequence[Notice], *, sender: str,
            portal_url: str, night: datetime, run_url: str | None = None) -> EmailMessage:
    """The digest for one organization; `night` is when the run started (shown in Stockholm time)."""
    local = night.astimezone(STOCKHOLM)
    body = [
        "Hej!",
        "",
        f"Nattens publicering av {SITE_NAME} ({local:%Y-%m-%d %H:%M}) har ändrat läge för "
        f"{len(notices)} dataset från {organization.title}.",
    ]
    for kind, heading in SECTIONS:
        chosen = [n for n in notices if n.kind == kind]
        if not chosen:
            continue
        body += ["", f"{heading}:", ""]
        for notice in chosen:
            body += _entry(notice, portal_url) + [""]
        body.pop()
    body += ["", f"Alla dataset och deras status: {portal_url}/publicering"]
    if run_url:
        body.append(f"Nattens körning: {run_url}")
    body += [
        "",
        "Du får det här brevet som kontakt för datasetet eller som organisationens adress i katalogen. "
        "Så länge läget är detsamma kommer inget nytt brev.",
        "",
        f"/ {SITE_NAME}",
    ]
    message = EmailMessage()
    message["Subject"] = _subject(organization, notices, local)
    message["From"] = formataddr((SITE_NAME, sender))
    message["To"] = ", ".join(recipients(catalog, organization, notices))
    message["Date"] = format_datetime(datetime.now(STOCKHOLM))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Content-Language"] = "sv"
    message.set_content("\n".join(body) + "\n", charset="utf-8")
    return message
