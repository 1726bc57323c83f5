"""Elasticsearch assets of logwarden: field mappings, templates, lifecycle, install.

``fields`` is the one description of every field logwarden writes; ``templates`` turns it
into component/composable templates and the ILM policy; ``install`` puts them on a cluster
idempotently. Kibana saved objects are generated from the same field names.
"""
