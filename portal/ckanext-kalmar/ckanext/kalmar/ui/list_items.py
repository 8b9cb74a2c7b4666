"""Dataset list items (CKAN's snippets/package_item.html), rendered once per dataset revision.

Why: most of the CPU of a /dataset search page went into its twenty list items — each renders the
description through a newly built Markdown parser, builds URLs and looks up translations — although
an item only changes when its dataset does. Rendered items are kept in Redis, so every CKAN process
shares them, under a key made of all an item's HTML depends on: the site, the dataset's id and
metadata_modified (every change of a dataset moves it), its state and visibility, the language, the
application root, the item template's source and CKAN's version, and the list's arguments. Entries
expire a day after they were rendered, so revisions no longer shown disappear by themselves.

When Redis does not answer, items are rendered as before (the same HTML, only slower) and the
failure is logged.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import ckan
from ckan.lib.redis import connect_to_redis
from ckan.plugins import toolkit
from markupsafe import Markup
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

ITEM_TEMPLATE = "snippets/package_item.html"
EXPIRES_S = 24 * 3600
_template_digest: str | None = None


def _template_version() -> str:
    """A digest of the item template as this process's Jinja loader finds it, and CKAN's version."""
    global _template_digest
    if _template_digest is None:
        from flask import current_app

        env = current_app.jinja_env
        source, filename, _ = env.loader.get_source(env, ITEM_TEMPLATE)
        _template_digest = hashlib.sha256(f"{ckan.__version__}|{filename}|{source}".encode()).hexdigest()[:16]
    return _template_digest


def item_key(package: dict[str, Any], item_class: Any, hide_resources: Any) -> str:
    from flask import request

    parts = [toolkit.config.get("ckan.site_id") or "", _template_version(), toolkit.h.lang() or "",
             request.script_root, package.get("id"), package.get("metadata_modified"), package.get("state"),
             bool(package.get("private")), item_class or "", bool(hide_resources)]
    return "kalmar:list-item:" + hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def package_items(packages: list[dict[str, Any]], item_class: Any = None, hide_resources: Any = False) -> Markup:
    """The list items of `packages`, from the cache where present, rendered (and cached) otherwise."""
    keys = [item_key(pkg, item_class, hide_resources) for pkg in packages]
    redis = connect_to_redis()
    try:
        cached = redis.mget(keys) if keys else []
    except RedisError as exc:
        log.warning("rendered list items not read from Redis (%s); rendering them", exc)
        redis, cached = None, [None] * len(keys)
    html, fresh = [], {}
    for pkg, key, hit in zip(packages, keys, cached):
        if hit is None:
            item = str(toolkit.h.snippet(ITEM_TEMPLATE, package=pkg, item_class=item_class,
                                         hide_resources=hide_resources))
            fresh[key] = item
        else:
            item = hit.decode("utf-8")
        html.append(item)
    if fresh and redis is not None:
        try:
            with redis.pipeline(transaction=False) as pipe:
                for key, item in fresh.items():
                    pipe.set(key, item.encode("utf-8"), ex=EXPIRES_S)
                pipe.execute()
        except RedisError as exc:
            log.warning("rendered list items not stored in Redis (%s)", exc)
    return Markup("".join(html))
