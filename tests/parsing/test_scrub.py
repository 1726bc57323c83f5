"""Every secret shape is masked, the rest of the line is left exactly as it was."""

from __future__ import annotations

import orjson
import pytest

from classifiers.parsing import MASK, ParseFailure, ParseOptions, parse, scrub

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("fetch https://deploy:s3cr3tP4ss@git.example.com/repo.git failed",
         f"fetch https://deploy:{MASK}@git.example.com/repo.git failed"),
        ("db connect postgres://app:hunter2@10.0.0.5:5432/prod ok",
         f"db connect postgres://app:{MASK}@10.0.0.5:5432/prod ok"),
        ("login user=bob password=hunter2 from 10.0.0.1",
         f"login user=bob password={MASK} from 10.0.0.1"),
        ("config db_password: 'p@ss w0rd' loaded", f"config db_password: '{MASK}' loaded"),
        ("passdb user=bob password={PLAIN}hunter2 ok", f"passdb user=bob password={MASK} ok"),
        ('{"user": "bob", "client_secret": "abc\\"def", "n": 1}',
         f'{{"user": "bob", "client_secret": "{MASK}", "n": 1}}'),
        ("GET /api?api_key=AbC123xyz&page=2 HTTP/1.1", f"GET /api?api_key={MASK}&page=2 HTTP/1.1"),
        ("Authorization: Bearer abcdef0123456789.ghijkl", f"Authorization: Bearer {MASK}"),
        ("Authorization: Basic dXNlcjpwYXNzd29yZA== sent", f"Authorization: Basic {MASK} sent"),
        ("aws key AKIAIOSFODNN7EXAMPLE used", f"aws key {MASK} used"),
        (f"session cookie {JWT} expired", f"session cookie {MASK} expired"),
        ("token ghp_0123456789abcdefghijABCDEFGHIJ012345 pushed", f"token {MASK} pushed"),
        ("slack xoxb-1234567890-abcdefghij sent", f"slack {MASK} sent"),
        ("stripe sk_live_0123456789abcdefABCD charge", f"stripe {MASK} charge"),
        ("google AIzaSyA-0123456789abcdefghijklmnopqrstu map", f"google {MASK} map"),
        ("key -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabc\n"
         "-----END RSA PRIVATE KEY----- end",
         f"key -----BEGIN RSA PRIVATE KEY-----{MASK}-----END RSA PRIVATE KEY----- end"),
    ],
)  # fmt: skip
def test_each_secret_shape_is_masked_and_the_rest_kept(line: str, expected: str) -> None:
    masked, count = scrub(line)
    assert masked == expected
    assert count == 1


@pytest.mark.parametrize(
    "line",
    [
        "Mar  3 10:16:00 web1 sudo: alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=ls",
        "Failed password for root from 10.0.0.1 port 22 ssh2",
        "author=bob keyboard=us tokens: 5",
        "check pass; user unknown",
        "pam_unix(passwd:chauthtok): password changed for alice",
    ],
)
def test_ordinary_lines_are_untouched(line: str) -> None:
    assert scrub(line) == (line, 0)


def test_a_secret_keys_json_object_stays_json() -> None:
    """external-secrets names objects after secrets: their pairs are scanned, the JSON kept
    (masking the opening brace made the record invalid JSON, dead-lettered)."""
    line = '{"msg":"ok","ExternalSecret":{"name":"db","token":"abc"},"secretRefs":[],"n":1}'
    masked, count = scrub(line)
    assert masked == line.replace('"abc"', f'"{MASK}"') and count == 1
    assert orjson.loads(masked)["ExternalSecret"]["name"] == "db"


@pytest.mark.parametrize(
    "line", ["password=hunter2", "https://u:pw@h/", "Authorization: Bearer abcdefghijklmnop"]
)
def test_masking_twice_counts_once(line: str) -> None:
    once, count = scrub(line)
    assert count == 1
    assert scrub(once) == (once, 0)


def test_secrets_never_reach_any_field_and_are_counted() -> None:
    line = (
        b'10.0.0.1 - - [03/Mar/2024:10:15:01 +0000] "GET https://u:hunter2@h/x?token=t0k3nvalue '
        b'HTTP/1.1" 200 1 "-" "curl"'
    )
    event = parse(line)
    assert not isinstance(event, ParseFailure)
    assert b"hunter2" not in repr(event).encode()
    assert b"t0k3nvalue" not in repr(event).encode()
    assert event["logwarden"]["scrubbed"]["count"] == 2
    assert event["url"]["original"] == f"https://u:{MASK}@h/x?token={MASK}"


def test_scrubbing_can_be_switched_off() -> None:
    event = parse(
        b"Mar  3 10:15:08 web1 app[1]: password=hunter2", ParseOptions(scrub_secrets=False)
    )
    assert not isinstance(event, ParseFailure)
    assert event["message"] == "password=hunter2"
    assert event["logwarden"]["scrubbed"]["count"] == 0


def test_failures_carry_a_scrubbed_original() -> None:
    result = parse(b'{"password": "hunter2", ', ParseOptions())
    assert isinstance(result, ParseFailure)
    assert "hunter2" not in result.original
