"""Telling the stewards: a Swedish digest per organization when a dataset starts failing, goes stale or recovers.

Modules: `conditions` (which changes of condition are news tonight),
`portal_rules` (the portal's freshness rule and frequency labels), `digest`
(the mail), `smtp` (sending it), `notifier` (mail, then record in CKAN) and
`portal_state` (what CKAN holds about a dataset after its attempt).
"""

from .conditions import Condition, Notice, NoticeKind, notices
from .notifier import MailReport, notify_stewards
from .portal_state import with_portal_state

__all__ = ["Condition", "MailReport", "Notice", "NoticeKind", "notices", "notify_stewards", "with_portal_state"]
