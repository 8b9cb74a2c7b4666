"""package_search over the Action API: the stored dataset JSON written into the response as it is.

Why: CKAN's package_search decodes every hit's stored JSON text into a dict (json.loads per hit),
and the API view then encodes the whole answer again with simplejson. With rows=1000 that is
3.5 MB decoded and encoded once more per call, most of the CPU such a call costs, to produce the very
text the search document table already holds. When nothing between the search and the response
reads the datasets, the texts are handed to simplejson as RawJSON, which writes them unchanged.

When it applies (otherwise CKAN's own package_search runs untouched): a top-level Action API call
of package_search, without `fl` (the caller wants whole datasets), and no installed plugin
implements `after_dataset_search` (one that does must see the datasets as dicts). The search is then
run with `fl=id`, so CKAN builds only `{"id": ...}` per hit, and our query hands over the page's
stored texts in the same statement (query.py); count, facets, search_facets and sort are CKAN's.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from ckan.lib.search.common import SearchError
from ckan.plugins import PluginImplementations, interfaces, toolkit
from simplejson import RawJSON


@dataclass
class WholeDatasetTexts:
    """What the chained action asks of the query: the stored field, and the texts read for the page."""

    field: str
    texts: list[str] | None = None


_pending: ContextVar[WholeDatasetTexts | None] = ContextVar("kalmar_whole_dataset_texts", default=None)


def pending() -> WholeDatasetTexts | None:
    """The request of an API package_search now running in this context, if any."""
    return _pending.get()


def _top_level_api_search(context: dict) -> bool:
    from flask import has_request_context, request

    if not context.get("api_version") or context.get("for_view") or not has_request_context():
        return False
    return request.endpoint == "api.action" and (request.view_args or {}).get("logic_function") == "package_search"


def _results_read_by_a_plugin() -> bool:
    base = interfaces.IPackageController.after_dataset_search
    return any(getattr(type(plugin), "after_dataset_search", base) is not base
               for plugin in PluginImplementations(interfaces.IPackageController))


@toolkit.chained_action
@toolkit.side_effect_free
def package_search(original, context, data_dict):
    if data_dict.get("fl") or not _top_level_api_search(context) or _results_read_by_a_plugin():
        return original(context, data_dict)
    wanted = WholeDatasetTexts(
        "data_dict" if toolkit.asbool(data_dict.get("use_default_schema", False)) else "validated_data_dict")
    token = _pending.set(wanted)
    try:
        result = original(context, {**data_dict, "fl": "id"})
    finally:
        _pending.reset(token)
    hits = result["results"]
    if wanted.texts is None:
        if hits:  # the query did not run as asked; never answer with ids where datasets were asked for
            raise SearchError("the search returned ids without their datasets")
        return result
    if len(wanted.texts) != len(hits):  # read in the same statement as the hits, in their order (query.py)
        raise SearchError(f"the search found {len(hits)} datasets but read {len(wanted.texts)}")
    result["results"] = [RawJSON(text) for text in wanted.texts]
    return result

