"""Elasticsearch connector, assets and test-double tests."""
