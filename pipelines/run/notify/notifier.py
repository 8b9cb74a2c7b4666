"""After the datasets: mail each organization's digest, then record in CKAN what was told.

The order matters: the condition is stored only once its mail was accepted by
the server, so a mail that fails is tried again the next night, and one that
went out is never repeated. Nothing here fails the run: a mail or a CKAN
write that fails is written into the run report (`MailReport.error`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from itertools import groupby
from typing import Any, Iterable

from ...ckan import CountingCKAN, describe_error, record_notified
from ...config import Settings
from ...model import Catalog
from ...outcome import DatasetOutcome
from .conditions import notices
from .digest import compose, recipients
from .smtp import MailError, send

NO_MAIL_SERVER = "no mail server configured (OPPNADATA_SMTP_HOST): not sent, tried again next run"


@dataclass(frozen=True)
class MailReport:
    """One organization's digest of one run, as the run report keeps it."""

    organization: str
    recipients: tuple[str, ...]
    datasets: tuple[str, ...]  # "<id>: <kind>"
    sent: bool
    error: str = ""  # why it was not sent, or what went wrong after (never a credential)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "recipients": list(self.recipients), "datasets": list(self.datasets)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "MailReport":
        return cls(data["organization"], tuple(data["recipients"]), tuple(data["datasets"]), data["sent"], data.get("error", ""))

    def line(self) -> str:
        what = f"{len(self.datasets)} dataset(s) to {', '.join(self.recipients) or 'nobody'}"
        if self.sent:
            return f"mail to {self.organization}: {what}" + (f" ({self.error})" if self.error else "")
        return f"mail to {self.organization} NOT sent: {what}: {self.error}"


def notify_stewards(settings: Settings, catalog: Catalog, client: CountingCKAN, outcomes: Iterable[DatasetOutcome],
                    *, night: datetime, run_url: str | None = None) -> tuple[MailReport, ...]:
    """Send tonight's digests (one per organization with changes) and record what was told; never raises."""
    found = sorted(notices(catalog, outcomes, night), key=lambda n: n.dataset.organization)
    reports = []
    for org_id, group in groupby(found, key=lambda n: n.dataset.organization):
        group = list(group)
        organization = catalog.organization(org_id)
        to = tuple(recipients(catalog, organization, group))
        datasets = tuple(f"{n.dataset.id}: {n.kind}" for n in group)
        if settings.smtp is None:
            reports.append(MailReport(org_id, to, datasets, sent=False, error=NO_MAIL_SERVER))
            continue
        try:
            message = compose(catalog, organization, group, sender=settings.smtp.sender,
                              portal_url=settings.ckan_url, night=night, run_url=run_url)
            refused = send(message, settings.smtp)
        except MailError as exc:
            reports.append(MailReport(org_id, to, datasets, sent=False, error=str(exc)))
            continue
        except Exception as exc:  # a broken message or settings: reported, never fatal
            reports.append(MailReport(org_id, to, datasets, sent=False, error=f"{type(exc).__name__}: {exc}"))
            continue
        problems = [f"refused by the server: {', '.join(refused)}"] if refused else []
        for notice in group:
            try:
                record_notified(client, notice.dataset.id, notice.condition.value)
            except Exception as exc:  # the next run mails again: better twice than never
                problems.append(f"{notice.dataset.id}: state not recorded in CKAN ({describe_error(exc)})")
        reports.append(MailReport(org_id, to, datasets, sent=True, error="; ".join(problems)))
    return tuple(reports)
