"""Wire-level test doubles of Elasticsearch and Kibana (never shipped in the wheel)."""
