"""The one Kafka edge: how to reach a cluster, as options for each client logwarden runs.

Three clients talk to Kafka: kafka-python (admin, replay, the bulk producer: short synchronous
jobs), aiokafka (the worker's batch input consumer) and Faust (detections, outputs). Security
protocol, SASL, TLS (CA, client certificate and key) and the group timeouts are turned into
each client's options here, and only here.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Any

import faust


@dataclass(frozen=True)
class KafkaConnection:
    """How to reach a Kafka cluster, as plain values (no dependency on the settings object)."""

    bootstrap_servers: list[str]
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: str | None = None
    #: CA bundle that signed the brokers' certificates (the system store when unset).
    ssl_cafile: str | None = None
    #: Client certificate and unencrypted key (PEM, as Strimzi and cert-manager write them) for
    #: clusters that authenticate clients by TLS (mTLS).
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None
    #: Consumer group session timeout; heartbeats and rebalances are derived from it.
    session_timeout_s: float = 30.0

    @property
    def uses_sasl(self) -> bool:
        return self.security_protocol.startswith("SASL")

    @property
    def uses_tls(self) -> bool:
        return self.security_protocol.endswith("SSL")

    @property
    def heartbeat_interval_s(self) -> float:
        """A tenth of the session (Kafka's advice is at most a third), within 0.3 to 3 s."""
        return max(0.3, min(3.0, self.session_timeout_s / 10))

    def ssl_context(self) -> ssl.SSLContext | None:
        """The TLS context every client uses, with the client certificate when one is set."""
        if not self.uses_tls:
            return None
        context = ssl.create_default_context(cafile=self.ssl_cafile)
        if self.ssl_certfile:
            context.load_cert_chain(self.ssl_certfile, self.ssl_keyfile)
        return context

    def _sasl(self) -> dict[str, Any]:
        if not self.uses_sasl:
            return {}
        return {
            "sasl_mechanism": self.sasl_mechanism,
            "sasl_plain_username": self.sasl_username,
            "sasl_plain_password": self.sasl_password,
        }

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments of kafka-python's admin client, producer and consumer."""
        options: dict[str, Any] = {
            "bootstrap_servers": self.bootstrap_servers,
            "security_protocol": self.security_protocol,
            **self._sasl(),
        }
        context = self.ssl_context()
        if context is not None:
            options["ssl_context"] = context
        return options

    def aiokafka_options(self) -> dict[str, Any]:
        """Keyword arguments of an aiokafka group consumer: the connection and its timeouts."""
        session_ms = int(self.session_timeout_s * 1000)
        return {
            "bootstrap_servers": self.bootstrap_servers,
            "security_protocol": self.security_protocol,
            "ssl_context": self.ssl_context(),
            **self._sasl(),
            "session_timeout_ms": session_ms,
            "heartbeat_interval_ms": int(self.heartbeat_interval_s * 1000),
            "rebalance_timeout_ms": session_ms,
            "request_timeout_ms": int(max(40.0, self.session_timeout_s + 5) * 1000),
        }

    def faust_options(self) -> dict[str, Any]:
        """Keyword arguments of ``faust.App``: credentials and the group timeouts."""
        return {
            "broker_credentials": self._faust_credentials(),
            "broker_session_timeout": self.session_timeout_s,
            "broker_heartbeat_interval": self.heartbeat_interval_s,
            "broker_rebalance_timeout": self.session_timeout_s,
        }

    def _faust_credentials(self) -> faust.SASLCredentials | faust.SSLCredentials | None:
        context = self.ssl_context()
        if self.uses_sasl:
            return faust.SASLCredentials(
                username=self.sasl_username,
                password=self.sasl_password,
                mechanism=self.sasl_mechanism,
                ssl_context=context,
            )
        return faust.SSLCredentials(context) if context is not None else None
