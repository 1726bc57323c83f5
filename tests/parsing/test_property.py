"""Property: whatever bytes arrive, parse() returns valid ECS or a typed failure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classifiers.parsing import ECS_VERSION, FailureType, ParseFailure, ParseOptions, parse

FAILURE_TYPES = {v for k, v in vars(FailureType).items() if k.isupper()}
OPTIONS = ParseOptions(max_bytes=4096)

# Prefixes that steer random tails into every parser, not only the fallback.
PREFIXES = [
    b"", b"{", b'{"@timestamp":', b"<13>", b"<165>1 ", b"Mar  3 10:15:08 ", b"CEF:0|",
    b"[Sun Dec 04 04:47:44 2005] ", b"127.0.0.1 - - [03/Mar/2024:10:15:01 +0000] \"",
    b"081109 203615 148 INFO ", b"- 1117838573 2005.06.03 ", b"2015-10-18 18:01:47,978 ",
    b"03-17 16:13:38.811  1702 ", b"20171223-22:15:29:606|", b"17/06/09 20:10:40 ",
    b"Mar  3 10:15:08 web1 sshd[1]: ", b"Mar  3 10:15:08 web1 sudo: ",
    b"LEEF:1.0|V|P|1|e|", b"LEEF:2.0|V|P|1|e|^|", b"Mar  3 10:15:08 fw kernel: [UFW BLOCK] IN=",
    b"03/03/2024-10:15:08.000001  [**] [1:2:3] ", b"03/03-10:15:08.000001  [Drop] [**] [",
    b'{"event_type":"alert","src_ip":', b'{"ecs":{},"winlog":{"channel":"Security","event_id":',
    b'{"ecs":{},"winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":"1",'
    b'"event_data":',
]  # fmt: skip


def _check_ecs(event: dict[str, Any]) -> None:
    """The invariants every stored document relies on."""
    stamp = event["@timestamp"]
    assert isinstance(stamp, str) and stamp.endswith("Z")
    assert datetime.fromisoformat(stamp).year >= 1970
    assert isinstance(event["message"], str)
    meta = event["event"]
    assert isinstance(meta["kind"], str)
    assert isinstance(meta["dataset"], str) and meta["dataset"]
    assert isinstance(meta["original"], str)
    assert event["ecs"]["version"] in (ECS_VERSION, event["ecs"]["version"])
    parse_info = event["logwarden"]["parse"]
    assert parse_info["status"] in ("parsed", "unparsed")
    assert isinstance(parse_info["format"], str)
    assert isinstance(event["logwarden"]["scrubbed"]["count"], int)
    for side in ("source", "destination"):
        if isinstance(event.get(side), dict) and "port" in event[side]:
            assert 0 <= event[side]["port"] <= 65535
    for ip in event.get("related", {}).get("ip", []):
        assert isinstance(ip, str) and ip


def _check(result: object) -> None:
    if isinstance(result, ParseFailure):
        assert result.type in FAILURE_TYPES
        assert result.type != FailureType.INTERNAL_ERROR, result.reason  # a parser bug
        assert result.reason
        assert isinstance(result.original, str)
    else:
        assert isinstance(result, dict)
        _check_ecs(result)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_random_bytes_never_raise(raw: bytes) -> None:
    _check(parse(raw, OPTIONS))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PREFIXES), st.text(max_size=300))
def test_format_prefixes_with_random_text_never_raise(prefix: bytes, tail: str) -> None:
    _check(parse(prefix + tail.encode("utf-8", "surrogatepass"), OPTIONS))


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
_ECS_KEYS = st.sampled_from([
    "@timestamp", "message", "event", "ecs", "logwarden", "related", "log.level", "host", "time",
    "level", "msg", "source", "user", "event.original", "ecs.version",
])  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_ECS_KEYS, _JSON_VALUES, max_size=8))
def test_json_with_hostile_field_types_never_raises(document: dict[str, Any]) -> None:
    import orjson

    _check(parse(orjson.dumps(document), OPTIONS))
