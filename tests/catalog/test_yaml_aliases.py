"""The cheap alias pre-check never hides an alias that ruamel.yaml's own parser finds.

catalog.yaml refuses aliases (a "billion laughs" document would hang the run);
`may_hold_alias` lets loading skip the second, alias-hunting parse when no `*`
can start one. Generated documents (YAML's indicators, comments, quotes, flow
and block collections) are the judges here, ruamel.yaml's events the truth.
"""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.reader import ReaderError

from pipelines.catalog.checks.yaml_tree import may_hold_alias, round_trip_yaml

PIECES = ["a", "b: ", "- ", "? ", ": ", "*a", "&a ", "*", "#", " #", "[", "]", "{", "}", ",", "'", '"', "|", ">",
          "\n", "\n  ", "\n- ", " ", "\t", "x*y", ":*a", "!!str ", "\\", "\r\n"]


def aliases_in(text: str) -> bool | None:
    """True/False as ruamel.yaml's parser sees it; None when the text is not YAML at all."""
    try:
        return any(isinstance(event, AliasEvent) for event in round_trip_yaml().parse(text))
    except (YAMLError, ReaderError, RecursionError, AssertionError):  # ruamel stops on `#⏎| #` with an assertion
        return None


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.lists(st.sampled_from(PIECES), max_size=25).map("".join))
def test_no_alias_is_missed(text):
    found = aliases_in(text)
    assume(found is not None)
    if found:
        assert may_hold_alias(text), text


def test_known_documents():
    assert may_hold_alias("catalog: *a9\n") and may_hold_alias('{"a":*x}') and may_hold_alias("a: [b, *c]")
    assert may_hold_alias("a:\n  - *c\n")
    # A `*` inside a word, or in a comment line (the committed catalog.yaml has one), needs no second parse.
    assert not may_hold_alias("title: 5*5 badplatser\n# aliases (&name, *name) are refused\n")
    assert aliases_in("title: 5*5 badplatser\n# aliases (&name, *name) are refused\n") is False


def test_an_alias_after_a_quoted_scalar_that_ends_on_a_comment_like_line_is_seen():
    # The `#` lines below are inside multi-line quoted scalars, so the aliases after them are real.
    for text in ('a: &a [lol]\nb: ["x\n#", *a, *a]\n', "a: &a lol\nc: ['y\n#', *a]\n"):
        assert aliases_in(text) is True
        assert may_hold_alias(text), text

