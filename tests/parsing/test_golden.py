"""Exact ECS documents for realistic lines of each format (the system.auth mapping of
Filebeat for the auth programs)."""

from __future__ import annotations

from typing import Any

import pytest

from classifiers.parsing import ParseFailure, ParseOptions, parse


def _common(original: str, fmt: str, dataset: str, **event: Any) -> dict[str, Any]:
    return {
        "ecs": {"version": "8.11.0"},
        "event": {"kind": "event", "dataset": dataset, "original": original, **event},
        "logwarden": {"parse": {"format": fmt, "status": "parsed"}, "scrubbed": {"count": 0}},
    }


def _parsed(line: str, options: ParseOptions) -> dict[str, Any]:
    result = parse(line.encode(), options)
    assert not isinstance(result, ParseFailure), result
    return result


def _auth_header(pid: int | None, program: str) -> dict[str, Any]:
    process: dict[str, Any] = {"name": program}
    if pid is not None:
        process["pid"] = pid
    return {"host": {"hostname": "web1"}, "process": process}


def test_sshd_accepted_publickey(options: ParseOptions) -> None:
    line = (
        "Mar  3 10:15:01 web1 sshd[2211]: Accepted publickey for alice from 203.0.113.7 "
        "port 50522 ssh2: RSA SHA256:Zm9vYmFyYmF6"
    )
    assert _parsed(line, options) == {
        **_common(line, "syslog", "system.auth", action="ssh_login",
                  category=["authentication", "session"], type=["info"], outcome="success"),
        **_auth_header(2211, "sshd"),
        "@timestamp": "2024-03-03T10:15:01.000Z",
        "message": line.split(": ", 1)[1],
        "source": {"address": "203.0.113.7", "ip": "203.0.113.7", "port": 50522},
        "user": {"name": "alice"},
        "related": {"ip": ["203.0.113.7"], "user": ["alice"]},
        "system": {"auth": {"ssh": {
            "event": "Accepted", "method": "publickey", "signature": "RSA SHA256:Zm9vYmFyYmF6",
        }}},
    }  # fmt: skip


def test_sshd_failed_password_invalid_user(options: ParseOptions) -> None:
    line = (
        "Mar  3 10:15:09 web1 sshd[2213]: Failed password for invalid user admin from "
        "198.51.100.23 port 41112 ssh2"
    )
    assert _parsed(line, options) == {
        **_common(line, "syslog", "system.auth", action="ssh_login",
                  category=["authentication"], type=["info"], outcome="failure"),
        **_auth_header(2213, "sshd"),
        "@timestamp": "2024-03-03T10:15:09.000Z",
        "message": line.split(": ", 1)[1],
        "source": {"address": "198.51.100.23", "ip": "198.51.100.23", "port": 41112},
        "user": {"name": "admin"},
        "related": {"ip": ["198.51.100.23"], "user": ["admin"]},
        "system": {"auth": {"ssh": {"event": "Failed", "method": "password"}}},
    }  # fmt: skip


def test_sshd_failed_password_from_ipv6(options: ParseOptions) -> None:
    line = (
        "Mar  3 10:15:10 web1 sshd[2213]: Failed password for root from 2001:DB8::17 port 22 ssh2"
    )
    event = _parsed(line, options)
    assert event["source"] == {"address": "2001:DB8::17", "ip": "2001:db8::17", "port": 22}
    assert event["user"] == {"name": "root"}
    assert event["event"]["outcome"] == "failure"


def test_sshd_invalid_user(options: ParseOptions) -> None:
    line = "Mar  3 10:15:08 web1 sshd[2213]: Invalid user admin from 198.51.100.23 port 41112"
    assert _parsed(line, options) == {
        **_common(line, "syslog", "system.auth", action="ssh_login",
                  category=["authentication"], type=["info"], outcome="failure"),
        **_auth_header(2213, "sshd"),
        "@timestamp": "2024-03-03T10:15:08.000Z",
        "message": "Invalid user admin from 198.51.100.23 port 41112",
        "source": {"address": "198.51.100.23", "ip": "198.51.100.23", "port": 41112},
        "user": {"name": "admin"},
        "related": {"ip": ["198.51.100.23"], "user": ["admin"]},
        "system": {"auth": {"ssh": {"event": "Invalid"}}},
    }  # fmt: skip


def test_sshd_break_in_attempt(options: ParseOptions) -> None:
    line = (
        "Dec 10 06:55:46 LabSZ sshd[24200]: reverse mapping checking getaddrinfo for "
        "ns.marryaldkfaczcz.com [173.234.31.186] failed - POSSIBLE BREAK-IN ATTEMPT!"
    )
    event = _parsed(line, options)
    assert event["source"] == {
        "address": "173.234.31.186", "ip": "173.234.31.186", "domain": "ns.marryaldkfaczcz.com",
    }  # fmt: skip
    assert event["event"]["category"] == ["intrusion_detection"]
    assert event["@timestamp"] == "2023-12-10T06:55:46.000Z"  # December is last year in June


def test_sudo_command(options: ParseOptions) -> None:
    line = (
        "Mar  3 10:16:00 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; "
        "COMMAND=/usr/bin/systemctl restart nginx"
    )
    assert _parsed(line, options) == {
        **_common(line, "syslog", "system.auth", category=["process"], type=["start"],
                  outcome="success"),
        **_auth_header(None, "sudo"),
        "@timestamp": "2024-03-03T10:16:00.000Z",
        "message": "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; "
                   "COMMAND=/usr/bin/systemctl restart nginx",
        "user": {"name": "alice", "effective": {"name": "root"}},
        "related": {"user": ["alice", "root"]},
        "system": {"auth": {"sudo": {
            "tty": "pts/0", "pwd": "/home/alice", "user": "root",
            "command": "/usr/bin/systemctl restart nginx",
        }}},
    }  # fmt: skip


def test_sudo_not_in_sudoers(options: ParseOptions) -> None:
    line = (
        "Mar  3 10:16:05 web1 sudo:      bob : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/bob ;"
        " USER=root ; COMMAND=/bin/cat /etc/shadow"
    )
    assert _parsed(line, options) == {
        **_common(line, "syslog", "system.auth", category=["process"], type=["start"],
                  outcome="failure"),
        **_auth_header(None, "sudo"),
        "@timestamp": "2024-03-03T10:16:05.000Z",
        "message": "bob : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; "
                   "COMMAND=/bin/cat /etc/shadow",
        "user": {"name": "bob", "effective": {"name": "root"}},
        "related": {"user": ["bob", "root"]},
        "system": {"auth": {"sudo": {
            "error": "user NOT in sudoers", "tty": "pts/1", "pwd": "/home/bob", "user": "root",
            "command": "/bin/cat /etc/shadow",
        }}},
    }  # fmt: skip


def test_useradd(options: ParseOptions) -> None:
    line = (
        "Mar  3 10:16:30 web1 useradd[3001]: new user: name=carol, UID=1001, GID=1001, "
        "home=/home/carol, shell=/bin/bash"
    )
    assert _parsed(line, options) == {
        **_common(line, "syslog", "system.auth", category=["iam"], type=["user", "creation"],
                  outcome="success"),
        **_auth_header(3001, "useradd"),
        "@timestamp": "2024-03-03T10:16:30.000Z",
        "message": line.split(": ", 1)[1],
        "user": {"name": "carol", "id": "1001", "target": {"name": "carol"}},
        "group": {"id": "1001"},
        "related": {"user": ["carol"]},
        "system": {"auth": {"useradd": {"home": "/home/carol", "shell": "/bin/bash"}}},
    }  # fmt: skip


def test_groupadd(options: ParseOptions) -> None:
    event = _parsed("Mar  3 10:16:31 web1 groupadd[3002]: new group: name=ops, GID=1002", options)
    assert event["group"] == {"name": "ops", "id": "1002"}
    assert event["event"]["category"] == ["iam"]
    assert event["event"]["type"] == ["group", "creation"]


def test_pam_session_and_auth_failure(options: ParseOptions) -> None:
    opened = _parsed(
        "Jun 14 15:16:01 combo su(pam_unix)[21416]: session opened for user cyrus by (uid=0)",
        options,
    )
    assert opened["user"] == {"name": "cyrus", "id": "0"}
    assert opened["event"]["category"] == ["session"]
    assert opened["event"]["action"] == "logged-on"
    failed = _parsed(
        "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 "
        "euid=0 tty=NODEVssh ruser= rhost=218.188.2.4  user=root",
        options,
    )
    assert failed["event"]["outcome"] == "failure"
    assert failed["event"]["action"] == "authentication_failure"
    assert failed["source"]["ip"] == "218.188.2.4"
    assert failed["user"] == {"name": "root"}
    assert failed["event"]["dataset"] == "system.auth"


def test_su_and_cron_and_kernel_firewall(options: ParseOptions) -> None:
    su = _parsed("Mar  3 11:00:00 web1 su[4000]: FAILED su for root by mallory", options)
    assert su["user"] == {"name": "mallory", "effective": {"name": "root"}}
    assert su["event"]["outcome"] == "failure"
    cron = _parsed(
        "Mar  3 11:00:01 web1 CRON[4001]: (root) CMD (run-parts /etc/cron.hourly)", options
    )
    assert cron["user"] == {"name": "root"}
    assert cron["process"]["command_line"] == "run-parts /etc/cron.hourly"
    assert cron["event"]["dataset"] == "system.syslog"
    ufw = _parsed(
        "Mar  3 11:00:02 web1 kernel: [UFW BLOCK] IN=eth0 OUT= MAC=00:00 SRC=198.51.100.9 "
        "DST=10.0.0.5 LEN=40 PROTO=TCP SPT=51000 DPT=23 WINDOW=1024",
        options,
    )
    assert ufw["source"]["ip"] == "198.51.100.9" and ufw["source"]["port"] == 51000
    assert ufw["destination"]["port"] == 23
    assert ufw["network"] == {"transport": "tcp"}
    assert ufw["event"]["type"] == ["connection", "denied"]


def test_systemd_session(options: ParseOptions) -> None:
    event = _parsed(
        "Mar  3 11:05:00 web1 systemd-logind[700]: New session 42 of user alice.", options
    )
    assert event["user"] == {"name": "alice"}
    assert event["event"]["category"] == ["session"] and event["event"]["type"] == ["start"]


def test_nginx_access_combined(options: ParseOptions) -> None:
    line = (
        '203.0.113.7 - alice [03/Mar/2024:10:15:01 +0100] "POST /login?next=%2F HTTP/1.1" 401 512 '
        '"https://example.com/" "curl/8.5.0"'
    )
    assert _parsed(line, options) == {
        **_common(line, "nginx", "nginx.access", category=["web"], type=["access"],
                  outcome="failure"),
        "@timestamp": "2024-03-03T09:15:01.000Z",
        "message": line,
        "source": {"address": "203.0.113.7", "ip": "203.0.113.7"},
        "user": {"name": "alice"},
        "http": {
            "version": "1.1",
            "request": {"method": "POST", "referrer": "https://example.com/"},
            "response": {"status_code": 401, "body": {"bytes": 512}},
        },
        "url": {"original": "/login?next=%2F", "path": "/login", "query": "next=%2F"},
        "user_agent": {"original": "curl/8.5.0"},
        "related": {"ip": ["203.0.113.7"], "user": ["alice"]},
    }  # fmt: skip


def test_apache_forced_format_names_the_dataset(options: ParseOptions) -> None:
    line = b'::1 - - [03/Mar/2024:10:15:01 +0000] "GET / HTTP/1.1" 200 45'
    event = parse(line, ParseOptions(format="apache", now=options.now))
    assert not isinstance(event, ParseFailure)
    assert event["event"]["dataset"] == "apache.access"
    assert event["source"]["ip"] == "::1"


def test_apache_and_nginx_error_logs(options: ParseOptions) -> None:
    apache = _parsed(
        "[Wed Oct 11 14:32:52.123456 2023] [core:error] [pid 35708:tid 4328636416] "
        "[client 72.15.99.187:57162] AH00037: Symbolic link not allowed",
        options,
    )
    assert apache["log"] == {"level": "error", "logger": "core"}
    assert apache["process"] == {"pid": 35708, "thread": {"id": 4328636416}}
    assert apache["source"]["ip"] == "72.15.99.187" and apache["source"]["port"] == 57162
    assert apache["@timestamp"] == "2023-10-11T14:32:52.123Z"
    nginx = _parsed(
        '2024/03/03 10:15:01 [error] 1234#1234: *56 open() "/var/www/x" failed (2: No such file '
        'or directory), client: 203.0.113.7, server: example.com, request: "GET /x HTTP/1.1"',
        options,
    )
    assert nginx["event"]["dataset"] == "nginx.error"
    assert nginx["source"]["ip"] == "203.0.113.7"
    assert nginx["url"]["path"] == "/x"


def test_cef(options: ParseOptions) -> None:
    line = (
        "CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 "
        "dst=2.1.2.2 spt=1232 dpt=445 proto=TCP act=blocked rt=1709460901000 "
        "msg=Worm stopped\\=done suser=bob"
    )
    assert _parsed(line, options) == {
        **_common(line, "cef", "cef", action="blocked", code="100", severity=99,
                  category=["network"], type=["denied"]),
        "@timestamp": "2024-03-03T10:15:01.000Z",
        "message": "Worm stopped=done",
        "observer": {"vendor": "Security", "product": "threatmanager", "version": "1.0"},
        "source": {"address": "10.0.0.1", "ip": "10.0.0.1", "port": 1232, "user": {"name": "bob"}},
        "destination": {"address": "2.1.2.2", "ip": "2.1.2.2", "port": 445},
        "network": {"transport": "tcp"},
        "user": {"name": "bob"},
        "related": {"ip": ["10.0.0.1", "2.1.2.2"], "user": ["bob"]},
        "logwarden": {
            "parse": {"format": "cef", "status": "parsed"},
            "scrubbed": {"count": 0},
            # a block is a signal; the vendor's severity 10 makes it an alert
            "parser": {"label": "intrusion_attempt", "alert": True, "reason": "firewall block"},
            "cef": {
                "version": "0", "name": "worm successfully stopped", "severity": "10",
                "extensions": {
                    "src": "10.0.0.1", "dst": "2.1.2.2", "spt": "1232", "dpt": "445",
                    "proto": "TCP", "act": "blocked", "rt": "1709460901000",
                    "msg": "Worm stopped=done", "suser": "bob",
                },
            },
        },
    }  # fmt: skip


def test_cef_inside_syslog(options: ParseOptions) -> None:
    line = b"<134>Mar  3 10:15:01 fw1 CEF:0|Vendor|FW|2|7|Blocked|High|src=192.0.2.1 dst=192.0.2.2"
    event = parse(line, options)
    assert not isinstance(event, ParseFailure)
    assert event["event"]["dataset"] == "cef"
    assert event["event"]["severity"] == 73
    assert event["host"] == {"hostname": "fw1"}
    assert event["source"]["ip"] == "192.0.2.1"


def test_rfc5424_with_structured_data(options: ParseOptions) -> None:
    line = (
        "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473"
        ' iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="hi\\"gh"]'
        " An application event log entry"
    )
    assert _parsed(line, options) == {
        **_common(line, "syslog", "system.syslog"),
        "@timestamp": "2003-10-11T22:14:15.003Z",
        "message": "An application event log entry",
        "host": {"hostname": "mymachine.example.com"},
        "process": {"name": "evntslog"},
        "log": {
            "level": "notice",
            "syslog": {
                "priority": 165, "version": "1",
                "facility": {"code": 20, "name": "local4"},
                "severity": {"code": 5, "name": "notice"},
                "hostname": "mymachine.example.com", "appname": "evntslog", "msgid": "ID47",
                "structured_data": {
                    "exampleSDID@32473": {"iut": "3", "eventSource": "Application",
                                          "eventID": "1011"},
                    "examplePriority@32473": {"class": 'hi"gh'},
                },
            },
        },
    }  # fmt: skip


def test_rfc5424_offset_and_pid(options: ParseOptions) -> None:
    event = _parsed(
        "<38>1 2024-03-03T12:00:00.5+02:00 h sshd 99 - - Invalid user x from ::1", options
    )
    assert event["@timestamp"] == "2024-03-03T10:00:00.500Z"
    assert event["process"] == {"name": "sshd", "pid": 99}
    assert event["source"]["ip"] == "::1"
    assert event["event"]["dataset"] == "system.auth"


def test_rfc3164_year_inference_and_timezone() -> None:
    from tests.parsing.conftest import NOW

    paris = ParseOptions(now=NOW, timezone="Europe/Paris")
    event = parse(b"<13>May 31 23:30:00 host app: hello", paris)
    assert not isinstance(event, ParseFailure)
    assert event["@timestamp"] == "2024-05-31T21:30:00.000Z"
    assert event["log"]["syslog"]["facility"]["name"] == "user"
    # a date later than "now" belongs to the previous year
    event = parse(b"Dec 31 23:59:59 host app: old", ParseOptions(now=NOW))
    assert not isinstance(event, ParseFailure)
    assert event["@timestamp"] == "2023-12-31T23:59:59.000Z"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b'{"@timestamp":"2024-03-03T10:15:01Z","log.level":"info","message":"hi",'
         b'"ecs.version":"1.6.0","service.name":"api"}',
         {"log": {"level": "info"}, "service": {"name": "api"}, "ecs": {"version": "1.6.0"},
          "message": "hi", "@timestamp": "2024-03-03T10:15:01.000Z"}),
        (b'{"time":1709460901,"level":"WARN","msg":"slow","host":"db1","ms":812}',
         {"log": {"level": "warn"}, "message": "slow", "host": {"hostname": "db1"},
          "@timestamp": "2024-03-03T10:15:01.000Z",
          "logwarden": {"json": {"time": 1709460901, "level": "WARN", "msg": "slow",
                                 "host": "db1", "ms": 812}}}),
    ],
)  # fmt: skip
def test_json(line: bytes, expected: dict[str, Any], options: ParseOptions) -> None:
    event = parse(line, options)
    assert not isinstance(event, ParseFailure)
    for key, value in expected.items():
        if key == "logwarden":
            assert event["logwarden"]["json"] == value["json"]
        else:
            assert event[key] == value
    assert event["event"]["dataset"] == "json"
    assert event["logwarden"]["parse"] == {"format": "json", "status": "parsed"}


def test_unparsed_line_is_kept_whole(options: ParseOptions) -> None:
    event = parse(b"something nobody can parse at all", options)
    assert not isinstance(event, ParseFailure)
    assert event["message"] == "something nobody can parse at all"
    assert event["event"]["original"] == "something nobody can parse at all"
    assert event["logwarden"]["parse"] == {"format": "unparsed", "status": "unparsed"}
    assert event["@timestamp"] == "2024-06-01T00:00:00.000Z"  # ingest time


def test_store_original_none_drops_it(options: ParseOptions) -> None:
    event = parse(
        b"Mar  3 10:15:08 web1 sshd[1]: hello", ParseOptions(store_original="none", now=options.now)
    )
    assert not isinstance(event, ParseFailure)
    assert "original" not in event["event"]


def test_forced_format_mismatch_is_a_typed_failure(options: ParseOptions) -> None:
    result = parse(
        b"Mar  3 10:15:08 web1 sshd[1]: hello", ParseOptions(format="cef", now=options.now)
    )
    assert isinstance(result, ParseFailure)
    assert result.type == "format_mismatch"
    assert result.original == "Mar  3 10:15:08 web1 sshd[1]: hello"


def test_unknown_format_or_zone_is_rejected_when_building_options() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        ParseOptions(format="xml")
    with pytest.raises(ValueError, match="unknown time zone"):
        ParseOptions(timezone="Mars/Olympus")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("sshd[5]: Connection closed by 173.234.31.186 [preauth]",
         {"source.ip": "173.234.31.186", "event.action": "ssh_disconnect"}),
        ("sshd[5]: Received disconnect from 10.1.2.3 port 2222:11: Bye Bye [preauth]",
         {"source.ip": "10.1.2.3", "source.port": 2222, "event.action": "ssh_disconnect"}),
        ("sshd[5]: Disconnected from invalid user guest 10.1.2.3 port 2222 [preauth]",
         {"user.name": "guest", "source.ip": "10.1.2.3"}),
        ("sshd[5]: Disconnecting: Too many authentication failures for root [preauth]",
         {"user.name": "root", "event.outcome": "failure"}),
        ("sshd[5]: Did not receive identification string from 10.9.8.7 port 4000",
         {"source.ip": "10.9.8.7", "system.auth.ssh.dropped_ip": "10.9.8.7"}),
        ("sshd[5]: pam_unix(sshd:auth): check pass; user unknown",
         {"event.outcome": "failure", "event.category": ["authentication"]}),
        ("sudo: pam_unix(sudo:auth): authentication failure; logname=bob uid=1000 euid=0 "
         "tty=/dev/pts/1 ruser=bob rhost=  user=bob",
         {"user.name": "bob", "event.outcome": "failure",
          "event.action": "authentication_failure"}),
        ("sudo: bob : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; "
         "COMMAND=/bin/ls",
         {"system.auth.sudo.error": "3 incorrect password attempts", "event.outcome": "failure"}),
        ("sudo: pam_unix(sudo:session): session opened for user root by alice(uid=1000)",
         {"user.name": "alice", "user.effective.name": "root", "event.action": "logged-on"}),
        ("passwd[9]: pam_unix(passwd:chauthtok): password changed for alice",
         {"user.target.name": "alice", "event.category": ["iam"], "event.outcome": "success",
          "event.action": "password-changed"}),
        ("usermod[9]: add 'alice' to group 'sudo'",
         {"user.name": "alice", "group.name": "sudo", "event.type": ["user", "change"],
          "event.action": "group-member-added"}),
        ("userdel[9]: delete user 'mallory'",
         {"user.target.name": "mallory", "event.type": ["user", "deletion"]}),
        ("su[9]: (to root) alice on pts/0",
         {"user.name": "alice", "user.effective.name": "root", "event.outcome": "success"}),
        ("systemd[1]: Started Session 3 of user bob.",
         {"user.name": "bob", "event.action": "logged-on", "event.dataset": "system.syslog"}),
        ("systemd[1]: Failed to start Apache HTTP Server.",
         {"event.outcome": "failure", "event.category": ["process"]}),
    ],
)  # fmt: skip
def test_more_auth_lines(line: str, expected: dict[str, Any], options: ParseOptions) -> None:
    event = _parsed(f"Mar  3 10:00:00 web1 {line}", options)
    for dotted, value in expected.items():
        node: Any = event
        for part in dotted.split("."):
            node = node[part]
        assert node == value, dotted


@pytest.mark.parametrize(
    ("line", "stamp"),
    [
        (b'1.2.3.4 - - [03/Mar/2024:00:30:00 +0100] "GET / HTTP/1.1" 200 1',
         "2024-03-02T23:30:00.000Z"),
        (b'1.2.3.4 - - [31/Dec/2023:23:30:00.250 -0130] "GET / HTTP/1.1" 200 1',
         "2024-01-01T01:00:00.250Z"),
        (b"Feb 29 12:00:00 host app: leap day seen in 2024", "2024-02-29T12:00:00.000Z"),
        (b"<13>1 2024-03-03T12:00:00.123456+05:30 h a - - - x", "2024-03-03T06:30:00.123Z"),
        (b'{"@timestamp": 1709460901123, "message": "epoch ms"}', "2024-03-03T10:15:01.123Z"),
    ],
)  # fmt: skip
def test_timestamps_are_utc(line: bytes, stamp: str, options: ParseOptions) -> None:
    event = parse(line, options)
    assert not isinstance(event, ParseFailure), event
    assert event["@timestamp"] == stamp


def test_ecs_json_keeps_foreign_keys_under_logwarden_json(options: ParseOptions) -> None:
    line = (
        b'{"@timestamp": "2024-03-03T10:00:00Z", "level": "error", "host": "api-1", '
        b'"message": "payment failed", "user": {"name": "alice"}, "extra": {"attempt": 3}}'
    )
    event = parse(line, options)
    assert not isinstance(event, ParseFailure)
    assert event["user"] == {"name": "alice"}
    assert event["host"] == {"hostname": "api-1"}
    assert event["log"] == {"level": "error"}
    foreign = {"level": "error", "host": "api-1", "extra": {"attempt": 3}}
    assert event["logwarden"]["json"] == foreign
    assert "extra" not in event and "level" not in event
