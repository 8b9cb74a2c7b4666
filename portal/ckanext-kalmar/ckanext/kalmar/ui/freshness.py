"""Is a dataset's data as fresh as its declared update frequency promises?

Pure (dates in, a verdict out, no CKAN imports), so the rule can be tested against every frequency
code the catalog allows. The rule: the data is late when it has not changed for longer than the
frequency's interval plus a tenth of it (at least one day, for nightly runs and time zones).
Frequencies that promise nothing (irregular, unknown, never, other) are never late.
"""

from __future__ import annotations

from datetime import datetime, timedelta

# The longest expected interval between two changes, in days, per EU frequency code.
FREQUENCY_DAYS = {
    "CONT": 1, "UPDATE_CONT": 1, "DAILY_2": 1, "DAILY": 1,
    "WEEKLY_3": 7, "WEEKLY_2": 7, "WEEKLY": 7, "BIWEEKLY": 14,
    "MONTHLY_3": 31, "MONTHLY_2": 31, "MONTHLY": 31, "BIMONTHLY": 62, "QUARTERLY": 92,
    "ANNUAL_3": 122, "ANNUAL_2": 183, "ANNUAL": 366, "BIENNIAL": 731, "TRIENNIAL": 1096,
}
NO_PROMISE = frozenset({"IRREG", "UNKNOWN", "NEVER", "OTHER"})


def allowed_age(code: str) -> timedelta | None:
    """How old the data may be before it is late; None when the frequency promises nothing."""
    days = FREQUENCY_DAYS.get(code)
    if days is None:
        return None
    return timedelta(days=days) + timedelta(days=max(1.0, days * 0.1))


def verdict(code: str | None, changed: datetime | None, now: datetime) -> dict:
    """{"state": current|stale|no_promise|unknown, "text": Swedish, "days": whole days since the change}."""
    limit = allowed_age(code) if code else None
    if limit is None:
        return {"state": "no_promise", "text": "Ingen fast uppdateringsfrekvens", "days": None}
    if changed is None:
        return {"state": "unknown", "text": "Okänd (ingen publicerad fil)", "days": None}
    age = now - changed
    if age > limit:
        return {"state": "stale", "text": f"Försenad: oförändrad i {age.days} dagar", "days": age.days}
    return {"state": "current", "text": "Aktuell", "days": age.days}
