"""Firewalls and IDS: kernel firewall lines, CEF and LEEF from PAN-OS, FortiGate and Check Point,
Suricata and Snort fast.log and Suricata EVE JSON (lines written after the vendors' docs)."""

from __future__ import annotations

from typing import Any

import pytest

from classifiers.parsing import ParseFailure, ParseOptions, parse


def _parsed(line: str, options: ParseOptions) -> dict[str, Any]:
    result = parse(line.encode(), options)
    assert not isinstance(result, ParseFailure), result
    return result


def _verdict(event: dict[str, Any]) -> tuple[str | None, bool, int | None]:
    parser = event["logwarden"].get("parser") or {}
    return parser.get("label"), parser.get("alert", False), event["event"].get("severity")


def _ends(event: dict[str, Any]) -> tuple[str, str, int, str]:
    """What the port-scan and host-sweep correlation rules read."""
    return (
        event["source"]["ip"], event["destination"]["ip"], event["destination"]["port"],
        event["network"]["transport"],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("line", "action"),
    [
        ("Dec  4 10:11:12 fw1 kernel: [12345.678901] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34"
         ":56:52:54:00:65:43:21:08:00 SRC=203.0.113.50 DST=10.0.0.5 LEN=44 TOS=0x00 PREC=0x00 "
         "TTL=54 ID=54321 PROTO=TCP SPT=51234 DPT=3389 WINDOW=1024 RES=0x00 SYN URGP=0", "block"),
        ("Dec  4 10:11:12 fw1 kernel: iptables-drop: IN=eth0 OUT= MAC=00:11 SRC=203.0.113.50 "
         "DST=10.0.0.5 LEN=60 TOS=0x00 TTL=49 ID=0 DF PROTO=TCP SPT=40001 DPT=3389 SYN", "drop"),
        ("Dec  4 10:11:12 fw1 kernel: nft input REJECT IN=ens3 OUT= SRC=203.0.113.50 "
         "DST=10.0.0.5 LEN=60 PROTO=TCP SPT=40002 DPT=3389 WINDOW=64240 SYN", "reject"),
    ],
)  # fmt: skip
def test_kernel_firewall_blocks_are_signals(line: str, action: str, options: ParseOptions) -> None:
    event = _parsed(line, options)
    assert event["event"]["action"] == action
    assert event["event"]["category"] == ["network"]
    assert event["event"]["type"] == ["connection", "denied"]
    assert _ends(event) == ("203.0.113.50", "10.0.0.5", 3389, "tcp")
    assert event["iptables"] == {"tcp": {"flags": ["SYN"]}}
    assert _verdict(event) == ("intrusion_attempt", False, 21)


def test_ufw_allow_is_pinned_benign(options: ParseOptions) -> None:
    event = _parsed(
        "Dec  4 10:11:12 fw1 kernel: [UFW ALLOW] IN=eth0 OUT= SRC=10.0.0.7 DST=10.0.0.5 "
        "LEN=60 PROTO=UDP SPT=5353 DPT=53", options,
    )  # fmt: skip
    assert event["event"]["type"] == ["connection", "allowed"]
    assert _verdict(event) == ("benign", False, 21)


def test_pan_os_cef_threat_is_an_alert_at_the_vendor_severity(options: ParseOptions) -> None:
    line = (
        "<14>Dec  4 10:11:12 pa-fw1 CEF:0|Palo Alto Networks|PAN-OS|10.1.0|spyware|THREAT|8|"
        "rt=Dec 04 2026 10:11:12 GMT deviceExternalId=0123 src=10.0.0.7 dst=198.51.100.9 "
        "spt=50123 dpt=443 proto=tcp act=reset-both cs1Label=Rule cs1=outbound-web "
        "cat=C2 beacon(86001) suser=corp\\\\bob"
    )
    event = _parsed(line, options)
    assert _verdict(event) == ("malware", True, 73)
    assert event["event"]["action"] == "reset-both"
    assert event["event"]["type"] == ["denied"]
    assert event["rule"] == {"name": "outbound-web", "category": "C2 beacon(86001)"}
    assert event["threat"]["tactic"]["name"] == ["Command and Control"]
    assert _ends(event) == ("10.0.0.7", "198.51.100.9", 443, "tcp")


def test_fortigate_and_check_point_cef(options: ParseOptions) -> None:
    ips = _parsed(
        "CEF:0|Fortinet|Fortigate|v6.0.3|16384|utm:ips signature|4|src=198.51.100.9 "
        "dst=10.0.0.8 spt=4444 dpt=80 proto=TCP act=dropped cs4Label=attack "
        "cs4=Apache.Struts.Jakarta.Multipart.Parser.Code.Execution", options,
    )  # fmt: skip
    drop = _parsed(
        "CEF:0|Check Point|VPN-1 & FireWall-1|Check Point|Drop|https|Unknown|act=Drop "
        "src=10.1.1.1 dst=10.2.2.2 dpt=443 proto=6", options,
    )  # fmt: skip
    bot = _parsed(
        "CEF:0|Check Point|Anti-Bot|Check Point|Prevent|Emotet C&C|High|act=Prevent "
        "src=10.0.0.12 dst=198.51.100.77 dpt=443 proto=6", options,
    )  # fmt: skip
    assert _verdict(ips) == ("intrusion_attempt", True, 47)
    assert ips["rule"]["name"] == "Apache.Struts.Jakarta.Multipart.Parser.Code.Execution"
    assert ips["threat"]["technique"]["id"] == ["T1190"]
    assert _verdict(drop) == ("intrusion_attempt", False, 21)
    assert drop["event"]["action"] == "drop" and drop["network"]["transport"] == "tcp"
    assert _verdict(bot) == ("malware", True, 73)


def test_unknown_vendor_cef_keeps_its_severity_without_a_label(options: ParseOptions) -> None:
    event = _parsed("CEF:0|Acme|Sensor|1|42|Odd thing|9|src=10.0.0.1 msg=odd", options)
    assert _verdict(event) == (None, True, 99)


@pytest.mark.parametrize(
    "line",
    [
        "LEEF:1.0|Palo Alto Networks|PAN-OS Syslog Integration|10.1|deny|cat=TRAFFIC|"
        "src=198.51.100.20|dst=10.0.0.9|srcPort=51515|dstPort=445|proto=tcp|RuleName=block-smb|sev=3",
        "<134>Dec  4 10:11:12 fw2 LEEF:1.0|Fortinet|FortiGate|7.0|traffic|src=198.51.100.20\t"
        "dst=10.0.0.9\tsrcPort=51515\tdstPort=445\tproto=6\taction=deny\tsev=2",
    ],
)  # fmt: skip
def test_leef_firewall_denies(line: str, options: ParseOptions) -> None:
    event = _parsed(line, options)
    assert event["event"]["dataset"] == "leef"
    assert event["event"]["action"] == "deny" and event["event"]["type"] == ["denied"]
    assert _ends(event) == ("198.51.100.20", "10.0.0.9", 445, "tcp")
    assert _verdict(event) == ("intrusion_attempt", False, 21)


def test_leef_2_threat_with_its_own_delimiter(options: ParseOptions) -> None:
    event = _parsed(
        "LEEF:2.0|Fortinet|FortiGate|7.0|ips|^|cat=utm:ips^src=203.0.113.4^dst=10.0.0.8^"
        "srcPort=4444^dstPort=80^proto=6^action=dropped^sev=8^attack=Apache.Struts.OGNL",
        options,
    )  # fmt: skip
    assert _verdict(event) == ("intrusion_attempt", True, 73)
    assert event["rule"] == {"category": "utm:ips", "name": "Apache.Struts.OGNL"}
    assert event["logwarden"]["leef"]["attributes"]["sev"] == "8"


def test_suricata_fast_log(options: ParseOptions) -> None:
    event = _parsed(
        "03/04/2024-10:11:12.123456  [**] [1:2010935:3] ET SCAN Suspicious inbound to MSSQL "
        "port 1433 [**] [Classification: Potentially Bad Traffic] [Priority: 2] {TCP} "
        "203.0.113.9:53422 -> 10.0.0.5:1433", options,
    )  # fmt: skip
    assert event["@timestamp"] == "2024-03-04T10:11:12.123Z"
    assert event["event"]["dataset"] == "ids.fast"
    assert event["rule"] == {
        "id": "2010935", "name": "ET SCAN Suspicious inbound to MSSQL port 1433", "version": "3",
        "ruleset": "gid 1", "category": "Potentially Bad Traffic",
    }  # fmt: skip
    assert _ends(event) == ("203.0.113.9", "10.0.0.5", 1433, "tcp")
    assert _verdict(event) == ("intrusion_attempt", True, 47)
    assert event["threat"]["tactic"]["name"] == ["Discovery"]


def test_snort_fast_alert_without_year_and_low_priority(options: ParseOptions) -> None:
    trojan = _parsed(
        "03/03-10:15:01.000001  [**] [1:1000001:1] MALWARE-CNC Win.Trojan.Emotet outbound "
        "[**] [Classification: A Network Trojan was detected] [Priority: 1] {TCP} "
        "10.0.0.7:50000 -> 198.51.100.66:8080", options,
    )  # fmt: skip
    info = _parsed(
        "03/03-10:15:02.000001  [**] [1:2100498:7] GPL ATTACK_RESPONSE id check returned "
        "root [**] [Classification: Misc activity] [Priority: 3] {ICMP} 10.0.0.7 -> 10.0.0.8",
        options,
    )  # fmt: skip
    assert trojan["@timestamp"] == "2024-03-03T10:15:01.000Z"
    assert _verdict(trojan) == ("malware", True, 73)
    assert _verdict(info) == ("intrusion_attempt", False, 21)  # priority 3: a signal
    assert info["source"]["ip"] == "10.0.0.7" and "port" not in info["source"]


def test_suricata_eve_alert_and_other_records(options: ParseOptions) -> None:
    alert = _parsed(
        '{"timestamp":"2024-03-04T10:11:12.123456+0000","flow_id":1234,"in_iface":"eth0",'
        '"event_type":"alert","src_ip":"203.0.113.9","src_port":44123,"dest_ip":"10.0.0.5",'
        '"dest_port":80,"proto":"TCP","app_proto":"http","alert":{"action":"blocked","gid":1,'
        '"signature_id":2024217,"rev":3,"signature":"ET EXPLOIT Apache Struts RCE",'
        '"category":"Web Application Attack","severity":1}}', options,
    )  # fmt: skip
    dns = _parsed(
        '{"timestamp":"2024-03-04T10:11:12.1+0000","event_type":"dns","src_ip":"10.0.0.5",'
        '"src_port":5353,"dest_ip":"10.0.0.1","dest_port":53,"proto":"UDP",'
        '"dns":{"type":"query","rrname":"example.com"}}', options,
    )  # fmt: skip
    assert alert["event"]["dataset"] == "suricata.eve"
    assert alert["event"]["action"] == "blocked" and alert["event"]["type"] == ["denied"]
    assert alert["rule"]["id"] == "2024217" and alert["message"] == "ET EXPLOIT Apache Struts RCE"
    assert _ends(alert) == ("203.0.113.9", "10.0.0.5", 80, "tcp")
    assert _verdict(alert) == ("intrusion_attempt", True, 73)
    assert "intrusion_detection" in alert["event"]["category"]
    assert "parser" not in dns["logwarden"]
    assert dns["suricata"]["eve"]["dns"]["rrname"] == "example.com"
