"""Turn the settings object into the plain connection values the connectors take."""

from __future__ import annotations

from connectors.kafka import KafkaConnection
from stream.config import Settings


def kafka_connection(settings: Settings) -> KafkaConnection:
    """Kafka client options for admin, replay and benchmarks."""
    password = settings.kafka_sasl_password
    return KafkaConnection(
        bootstrap_servers=settings.bootstrap_servers,
        security_protocol=settings.kafka_security_protocol,
        sasl_mechanism=settings.kafka_sasl_mechanism,
        sasl_username=settings.kafka_sasl_username,
        sasl_password=password.get_secret_value() if password else None,
        ssl_cafile=str(settings.kafka_ssl_cafile) if settings.kafka_ssl_cafile else None,
    )
