"""Kibana saved-object tests."""
