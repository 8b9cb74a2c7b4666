"""The data.europa.eu Metadata Quality Assessment (MQA), computed from our own metadata.

Split by job: `vocabularies` (the closed lists the indicators compare against),
`facts` (what is known about a dataset at publish time), `indicators` (the 23
indicators and their points), `scoring` (dataset and catalog scores) and
`render` (a text report). `pipelines.quality` is the public entry point.
"""
