"""Two pages CKAN does not have: the stewards' /publicering overview and a dataset's validation report.

Both read through CKAN's actions with the visitor's own rights (package_search, package_show), so a
private dataset appears only to those who may see it.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from datetime import datetime, timezone

from flask import Blueprint, request
from ckan.plugins import toolkit

from . import publication, stored_files, validation_report

log = logging.getLogger(__name__)
pages = Blueprint("kalmar_pages", __name__)

SEARCH_ROWS = 1000


def _context() -> dict:
    return {"user": toolkit.current_user.name if toolkit.current_user else "", "auth_user_obj": toolkit.current_user}


@pages.route("/publicering")
def overview():
    """Every dataset by organization with status, last change, freshness, MQA and validation."""
    chosen = request.args.get("organisation", "")
    query = {"rows": SEARCH_ROWS, "sort": "title_string asc", "include_private": True}
    if chosen:
        query["fq"] = f'organization:"{chosen}"'
    found = toolkit.get_action("package_search")(_context(), query)
    now = datetime.now(timezone.utc)
    groups: "OrderedDict[str, dict]" = OrderedDict()
    for pkg in sorted(found["results"], key=lambda p: ((p.get("organization") or {}).get("title") or "", p.get("title") or "")):
        org = pkg.get("organization") or {"name": "", "title": "Utan organisation"}
        group = groups.setdefault(org["name"], {"name": org["name"], "title": org["title"], "rows": []})
        group["rows"].append({"pkg": pkg, "pub": publication.publication(pkg, now)})
    organizations = toolkit.get_action("organization_list")(_context(), {"all_fields": True, "limit": 1000})
    return toolkit.render("kalmar/publicering.html", {
        "groups": list(groups.values()),
        "organizations": sorted(organizations, key=lambda o: o.get("title") or ""),
        "chosen": chosen,
        "total": found["count"],
        "shown": len(found["results"]),
    })


@pages.route("/dataset/<id>/validering")
def report(id: str):
    """The latest validation report of a dataset, grouped by error type, in Swedish."""
    try:
        pkg = toolkit.get_action("package_show")(_context(), {"id": id})
    except toolkit.ObjectNotFound:
        return toolkit.abort(404, "Datamängden finns inte.")
    except toolkit.NotAuthorized:
        return toolkit.abort(403, "Du har inte behörighet att se datamängden.")
    report_res = publication.find_resource(pkg, "report")
    if report_res is None:
        return toolkit.abort(404, "Datamängden har ingen valideringsrapport.")
    try:
        body = validation_report.load(report_res)
    except (stored_files.StoredFileMissing, ValueError) as exc:
        log.error("validation report of %s unreadable: %s", pkg["name"], exc)
        return toolkit.abort(500, "Valideringsrapporten kunde inte läsas. Felet är loggat på servern.")
    schema_res = publication.find_resource(pkg, "schema")
    schema = stored_files.read_json(schema_res) if schema_res else None
    return toolkit.render("kalmar/validation_report.html", {
        "pkg": pkg,
        "pkg_dict": pkg,
        "report_resource": report_res,
        "schema_resource": schema_res,
        "summary": validation_report.summary(body),
        "groups": validation_report.grouped(body, schema),
        "report": body,
        "publication": publication.publication(pkg),
    })
