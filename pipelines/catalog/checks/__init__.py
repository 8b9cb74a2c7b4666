"""The checks behind `pipelines.catalog`: one module per kind of check.

`pipelines.catalog.loading` orchestrates them; each module here takes the parsed
catalog (or a file) and returns a list of located `Problem`s, never raising on
bad input, so that `oppnadata check` can report every mistake at once.
"""
