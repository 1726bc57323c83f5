"""The one Kafka edge: one connection, options for kafka-python, aiokafka and Faust."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from pathlib import Path

import faust
import pytest

from connectors.kafka_connection import KafkaConnection
from stream.config import Settings
from stream.connections import kafka_connection

needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI absent")


def _pki(folder: Path) -> dict[str, Path]:
    """A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by it."""

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "1", "-subj", "/CN=test-ca")  # fmt: skip
    (folder / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    for name in ("server", "client"):
        run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out",
            f"{name}.csr", "-subj", f"/CN={name}")  # fmt: skip
        run("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", f"{name}.pem", "-days", "1",
            "-extfile", "san.ext")  # fmt: skip
    return {
        n: folder / n for n in ("ca.pem", "server.pem", "server.key", "client.pem", "client.key")
    }


def _mtls_server(pki: dict[str, Path]) -> tuple[int, list[str]]:
    """A one-shot TLS server that requires a client certificate; records the client's CN."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(pki["ca.pem"]))
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_cert_chain(pki["server.pem"], pki["server.key"])
    listener = socket.create_server(("127.0.0.1", 0))
    seen: list[str] = []

    def serve() -> None:
        with listener:
            conn, _ = listener.accept()
            try:
                with context.wrap_socket(conn, server_side=True) as tls:
                    subject = dict(item[0] for item in tls.getpeercert()["subject"])
                    seen.append(subject["commonName"])
            except ssl.SSLError as error:
                seen.append(f"refused: {error.reason}")

    threading.Thread(target=serve, daemon=True).start()
    return listener.getsockname()[1], seen


def _wait_for(seen: list[str]) -> None:
    for _ in range(100):
        if seen:
            return
        threading.Event().wait(0.05)


@needs_openssl
def test_client_certificate_reaches_every_client(tmp_path: Path) -> None:
    pki = _pki(tmp_path)
    settings = Settings(
        broker_url="kafka://127.0.0.1:9093",
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="svc",
        kafka_sasl_password="secret",
        kafka_ssl_cafile=pki["ca.pem"],
        kafka_ssl_certfile=pki["client.pem"],
        kafka_ssl_keyfile=pki["client.key"],
        kafka_session_timeout_s=12.0,
    )
    connection = kafka_connection(settings)
    faust_options = connection.faust_options()
    credentials = faust_options["broker_credentials"]
    assert isinstance(credentials, faust.SASLCredentials)
    assert (credentials.username, credentials.password) == ("svc", "secret")
    contexts = {
        "kafka-python": connection.client_options()["ssl_context"],
        "aiokafka": connection.aiokafka_options()["ssl_context"],
        "faust": credentials.ssl_context,
    }
    for client, context in contexts.items():
        port, seen = _mtls_server(pki)
        with socket.create_connection(("127.0.0.1", port)) as raw:
            context.wrap_socket(raw, server_hostname="127.0.0.1").close()
        _wait_for(seen)
        assert seen == ["client"], client
    aiokafka = connection.aiokafka_options()
    assert aiokafka["sasl_plain_username"] == "svc"
    assert aiokafka["security_protocol"] == "SASL_SSL"
    assert aiokafka["session_timeout_ms"] == 12_000
    assert faust_options["broker_session_timeout"] == 12.0


@needs_openssl
def test_without_the_client_certificate_the_server_refuses(tmp_path: Path) -> None:
    pki = _pki(tmp_path)
    connection = KafkaConnection(["127.0.0.1:9093"], "SSL", ssl_cafile=str(pki["ca.pem"]))
    port, seen = _mtls_server(pki)
    context = connection.client_options()["ssl_context"]
    with (
        socket.create_connection(("127.0.0.1", port)) as raw,
        pytest.raises((ssl.SSLError, OSError)),
    ):
        tls = context.wrap_socket(raw, server_hostname="127.0.0.1")
        tls.recv(1)  # TLS 1.3 reports the refused certificate on the first read
    _wait_for(seen)
    assert seen[0].startswith("refused")


@pytest.mark.parametrize(("session_s", "heartbeat_ms"), [(1.0, 300), (12.0, 1200), (60.0, 3000)])
def test_one_heartbeat_formula_for_aiokafka_and_faust(session_s: float, heartbeat_ms: int) -> None:
    connection = KafkaConnection(["127.0.0.1:9092"], session_timeout_s=session_s)
    assert connection.aiokafka_options()["heartbeat_interval_ms"] == heartbeat_ms
    assert connection.faust_options()["broker_heartbeat_interval"] * 1000 == heartbeat_ms


def test_plaintext_has_no_credentials_or_tls() -> None:
    connection = KafkaConnection(["127.0.0.1:9092"])
    assert connection.faust_options()["broker_credentials"] is None
    assert "ssl_context" not in connection.client_options()
    assert "sasl_mechanism" not in connection.aiokafka_options()
