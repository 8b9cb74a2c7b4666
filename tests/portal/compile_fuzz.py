"""Run generated q/fq/sort strings through the search's parser and SQL compiler, in the portal's venv.

Run by tests/portal/test_search_limits.py with the portal's Python (CKAN is importable only there):

    <portal venv>/bin/python tests/portal/compile_fuzz.py SEED COUNT

Prints one JSON object: how many cases compiled, how many were refused with a SearchQueryError,
and every other exception (type, message, the case) — which must be none.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
import traceback
from pathlib import Path

sys.setrecursionlimit(1000)  # CPython's default: a parser that relies on a raised limit fails here too


def main(seed: int, count: int) -> None:
    from ckan.lib.search.common import SearchQueryError
    from ckanext.kalmar.search import fields, sorting
    from ckanext.kalmar.search.compile import Compiler
    from ckanext.kalmar.search.syntax import parse

    # By path: CKAN's venv has packages of its own named `tests`.
    spec = importlib.util.spec_from_file_location("solr_fuzz", Path(__file__).with_name("solr_fuzz.py"))
    solr_fuzz = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(solr_fuzz)
    cases = solr_fuzz.cases

    compiled = refused = 0
    crashes = []
    started = time.perf_counter()
    for case in cases(seed, count):
        try:
            params = fields.Params()
            for name in ("fq", "q"):
                if name in case:
                    Compiler(params, name).compile(parse(case[name], name))
            sorting.order_by(case.get("sort"))
            compiled += 1
        except SearchQueryError:
            refused += 1
        except BaseException as exc:  # noqa: BLE001 - any other exception is what this looks for
            crashes.append({"case": {k: v[:200] for k, v in case.items()}, "error": type(exc).__name__,
                            "message": str(exc)[:300], "where": traceback.format_exc(limit=-2)[-600:]})
    print(json.dumps({"cases": count, "compiled": compiled, "refused": refused, "crashes": crashes,
                      "seconds": round(time.perf_counter() - started, 2)}))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
