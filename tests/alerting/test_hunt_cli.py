"""``logwarden hunt``: the shipped model and the engine over real files, and the --json
contract (stdout carries exactly one ECS alert document per line, nothing else)."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from classifiers.shared_data import shared_data_dir

ATTACKER = "198.51.100.23"
USERS = ["root", "admin", "oracle", "test", "guest", "ubuntu"]


def _auth_log(failures: int) -> bytes:
    lines = [
        f"Dec 10 07:{i // 60:02d}:{i % 60:02d} gate sshd[{4000 + i}]: Failed password for "
        f"invalid user {USERS[i % len(USERS)]} from {ATTACKER} port {40000 + i} ssh2"
        for i in range(failures)
    ]
    lines.append("Dec 10 07:30:00 gate sshd[5000]: Accepted publickey for deploy from 10.0.0.7 "
                 "port 51822 ssh2")  # fmt: skip
    lines.append("Dec 10 07:31:00 gate CRON[5001]: (root) CMD (run-parts /etc/cron.hourly)")
    return ("\n".join(lines) + "\n").encode()


def _hunt(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "stream.cli", "hunt", *args],
        capture_output=True,
        timeout=300,
        check=False,
    )


def test_hunt_json_prints_only_alert_documents(tmp_path: Path) -> None:
    plain = tmp_path / "auth.log"
    plain.write_bytes(_auth_log(30))
    zipped = tmp_path / "auth-older.log.gz"
    zipped.write_bytes(gzip.compress(_auth_log(5)))
    done = _hunt(str(tmp_path), "--json")
    assert done.returncode == 0, done.stderr.decode()
    documents = [orjson.loads(line) for line in done.stdout.splitlines()]
    assert documents, done.stderr.decode()
    for document in documents:
        assert document["event"]["kind"] == "alert"
        assert document["rule"]["id"].startswith("logwarden-")
    brute = [d for d in documents if d["rule"]["id"] == "logwarden-brute-force-source"]
    assert len(brute) == 1 and brute[0]["source"]["ip"] == ATTACKER
    assert brute[0]["logwarden"]["alert"]["count"] == 35  # both files, in event-time order
    assert b"35 failed logins for 6 users" in brute[0]["message"].encode()
    assert b"2 files" in done.stderr


def test_hunt_reports_a_missing_path_clearly(tmp_path: Path) -> None:
    done = _hunt(str(tmp_path / "nope.log"), "--json")
    assert done.returncode == 2 and done.stdout == b""
    assert b"no such file or directory" in b" ".join(done.stderr.split())


@pytest.mark.data
def test_hunt_on_the_shared_openssh_sample_names_every_heavy_source() -> None:
    data = shared_data_dir()
    if data is None or not (data / "loghub/OpenSSH/OpenSSH_2k.log").is_file():
        pytest.skip("shared Loghub data absent (../shared/data/loghub/OpenSSH)")
    done = _hunt(str(data / "loghub/OpenSSH/OpenSSH_2k.log"), "--json")
    documents = [orjson.loads(line) for line in done.stdout.splitlines()]
    assert 0 < len(documents) <= 30
    named = {d["source"]["ip"] for d in documents if "source" in d}
    # The six sources with 20 or more failed logins in this sample (counted from the parser).
    heavy = {"187.141.143.180", "183.62.140.253", "103.99.0.122", "112.95.230.3",
             "5.188.10.180", "185.190.58.151"}  # fmt: skip
    assert heavy <= named
