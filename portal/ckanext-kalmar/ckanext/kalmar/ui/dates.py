"""Dates the way a Swedish reader writes them ("1 januari 2024", "1 december 2026 kl. 23:20").

Why not CKAN's h.render_datetime: the stored values come in three shapes (ISO dates in extras, ISO
timestamps with an offset in `kalmar_last_checked`, naive UTC timestamps in CKAN's own columns) and the
publication block needs them compared and shown in one time zone, the portal's display zone.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytz
from babel.dates import format_date, format_datetime
from ckan.plugins import toolkit

LOCALE = "sv_SE"


def display_zone():
    return pytz.timezone(toolkit.config.get("ckan.display_timezone") or "UTC")


def parse_timestamp(value: str | datetime | None) -> datetime | None:
    """An aware UTC datetime; CKAN's naive timestamps are UTC. None for an empty value."""
    if not value:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def long_date(value: str | date) -> str:
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return format_date(day, "d MMMM y", locale=LOCALE)


def date_time(value: str | datetime | None) -> str:
    moment = parse_timestamp(value)
    if moment is None:
        return ""
    return format_datetime(moment, "d MMMM y 'kl.' HH:mm", tzinfo=display_zone(), locale=LOCALE)


def period(start: str | None, end: str | None) -> str | None:
    """A temporal coverage as one phrase: "1 januari 2020 – 31 december 2024", "från 1 januari 2024"."""
    if start and end:
        return f"{long_date(start)} – {long_date(end)}"
    if start:
        return f"från {long_date(start)}"
    if end:
        return f"till {long_date(end)}"
    return None
