"""Turn the settings object into the plain connection values the connectors take (only here)."""

from __future__ import annotations

from pathlib import Path

from connectors.elasticsearch import ElasticsearchConnection
from connectors.kafka_connection import KafkaConnection
from stream.config import Settings


def kafka_connection(settings: Settings) -> KafkaConnection:
    """How to reach Kafka, built once from the settings; every client takes its options from it."""
    password = settings.kafka_sasl_password
    return KafkaConnection(
        bootstrap_servers=settings.bootstrap_servers,
        security_protocol=settings.kafka_security_protocol,
        sasl_mechanism=settings.kafka_sasl_mechanism,
        sasl_username=settings.kafka_sasl_username,
        sasl_password=password.get_secret_value() if password else None,
        ssl_cafile=_path(settings.kafka_ssl_cafile),
        ssl_certfile=_path(settings.kafka_ssl_certfile),
        ssl_keyfile=_path(settings.kafka_ssl_keyfile),
        session_timeout_s=settings.kafka_session_timeout_s,
    )


def _path(value: Path | None) -> str | None:
    return str(value) if value else None


def elasticsearch_connection(settings: Settings) -> ElasticsearchConnection:
    """How to reach Elasticsearch (URL given or derived from the cloud id): sink, setup, export."""
    assert settings.elasticsearch_url is not None
    api_key = settings.elasticsearch_api_key
    password = settings.elasticsearch_password
    return ElasticsearchConnection(
        url=settings.elasticsearch_url,
        api_key=api_key.get_secret_value() if api_key else None,
        username=settings.elasticsearch_username,
        password=password.get_secret_value() if password else None,
        ca_file=_path(settings.elasticsearch_ca_file),
        verify_certs=settings.elasticsearch_verify_certs,
    )
