"""Kibana assets of logwarden: data views, Lens dashboards and saved searches.

``panels`` defines the building blocks, ``description`` says what the dashboards show,
``saved_objects`` renders them to the NDJSON Kibana imports (shipped as
``saved_objects.ndjson`` next to this file), ``importer`` sends it to Kibana.
"""
