"""Windows detection rules of issue 16 item 2: each fires on an event written after the public
documentation (Microsoft's event reference, SigmaHQ's rule ideas, ATT&CK) and stays silent on
its benign twin, with the right ATT&CK tactic and technique."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from classifiers.parsing import ParseFailure, ParseOptions, parse

SYSMON = "Microsoft-Windows-Sysmon/Operational"
DEFENDER = "Microsoft-Windows-Windows Defender/Operational"
WMI = "Microsoft-Windows-WMI-Activity/Operational"
W = "C:\\Windows\\System32\\"
PS = W + "WindowsPowerShell\\v1.0\\powershell.exe"


def _parse(channel: str, code: int, data: dict[str, str]) -> dict[str, Any]:
    document = {
        "@timestamp": "2026-12-04T10:11:12.123Z",
        "event": {"code": str(code), "kind": "event"},
        "host": {"name": "WS1"},
        "winlog": {"channel": channel, "event_id": str(code), "event_data": data},
    }
    result = parse(orjson.dumps(document), ParseOptions())
    assert not isinstance(result, ParseFailure), result
    return result


def _alert(event: dict[str, Any]) -> tuple[str, str] | None:
    if not event["logwarden"].get("parser", {}).get("alert"):
        return None
    threat = event["threat"]
    return threat["tactic"]["name"][0], threat["technique"]["id"][0]


def _proc(
    command: str, image: str = "", parent: str = W + "cmd.exe", **more: str
) -> dict[str, str]:
    image = image or W + command.split(" ", 1)[0]
    return {"Image": image, "CommandLine": command, "ParentImage": parent, **more}


#: (name, channel, code, attack data, benign twin data, tactic, technique)
CASES: list[tuple[str, str, int, dict[str, str], dict[str, str], str, str]] = [
    (
        "kerberoasting",
        "Security",
        4769,
        {
            "ServiceName": "svc-sql",
            "TicketEncryptionType": "0x17",
            "Status": "0x0",
            "TargetUserName": "eve@CORP.EXAMPLE",
        },
        {
            "ServiceName": "svc-sql",
            "TicketEncryptionType": "0x12",
            "Status": "0x0",
            "TargetUserName": "eve@CORP.EXAMPLE",
        },
        "Credential Access",
        "T1558.003",
    ),
    (
        "kerberoasting machine account is routine",
        "Security",
        4769,
        {"ServiceName": "svc-web", "TicketEncryptionType": "0x17", "Status": "0x0"},
        {"ServiceName": "WS-0101$", "TicketEncryptionType": "0x17", "Status": "0x0"},
        "Credential Access",
        "T1558.003",
    ),
    (
        "as-rep roasting",
        "Security",
        4768,
        {
            "TargetUserName": "bob",
            "PreAuthType": "0",
            "Status": "0x0",
            "TicketEncryptionType": "0x17",
        },
        {
            "TargetUserName": "bob",
            "PreAuthType": "2",
            "Status": "0x0",
            "TicketEncryptionType": "0x12",
        },
        "Credential Access",
        "T1558.004",
    ),
    (
        "dcsync",
        "Security",
        4662,
        {
            "SubjectUserName": "eve",
            "AccessMask": "0x100",
            "Properties": "%%7688 {1131f6ad-9c07-11d1-f79f-00c04fc2dcd2}",
        },
        {
            "SubjectUserName": "DC02$",
            "AccessMask": "0x100",
            "Properties": "%%7688 {1131f6ad-9c07-11d1-f79f-00c04fc2dcd2}",
        },
        "Credential Access",
        "T1003.006",
    ),
    (
        "privileged group reconnaissance",
        "Security",
        4661,
        {"SubjectUserName": "eve", "ObjectType": "SAM_GROUP", "ObjectName": "S-1-5-21-1-2-3-512"},
        {"SubjectUserName": "eve", "ObjectType": "SAM_GROUP", "ObjectName": "S-1-5-21-1-2-3-1107"},
        "Discovery",
        "T1069.002",
    ),
    (
        "audit policy removed",
        "Security",
        4719,
        {"SubjectUserName": "eve", "AuditPolicyChanges": "%%8448, %%8450"},
        {"SubjectUserName": "WS1$", "AuditPolicyChanges": "%%8449"},
        "Defense Evasion",
        "T1562.002",
    ),
    (
        "shadow credentials",
        "Security",
        5136,
        {
            "SubjectUserName": "eve",
            "AttributeLDAPDisplayName": "msDS-KeyCredentialLink",
            "ObjectClass": "user",
        },
        {
            "SubjectUserName": "eve",
            "AttributeLDAPDisplayName": "description",
            "ObjectClass": "user",
        },
        "Credential Access",
        "T1556",
    ),
    (
        "anonymous logon from loopback",
        "Security",
        4624,
        {
            "TargetUserName": "ANONYMOUS LOGON",
            "LogonType": "3",
            "IpAddress": "127.0.0.1",
            "AuthenticationPackageName": "NTLM",
        },
        {
            "TargetUserName": "ANONYMOUS LOGON",
            "LogonType": "3",
            "IpAddress": "10.20.1.7",
            "AuthenticationPackageName": "NTLM",
        },
        "Privilege Escalation",
        "T1134.001",
    ),
    (
        "psexec service",
        "System",
        7045,
        {"ServiceName": "PSEXESVC", "ImagePath": "%SystemRoot%\\PSEXESVC.exe"},
        {
            "ServiceName": "gupdate",
            "ImagePath": '"C:\\Program Files\\Google\\Update\\GoogleUpdate.exe" /svc',
        },
        "Lateral Movement",
        "T1569.002",
    ),
    (
        "psexec pipes over IPC$",
        "Security",
        5145,
        {
            "ShareName": "\\\\*\\IPC$",
            "RelativeTargetName": "PSEXESVC-WS2-4242-stdin",
            "IpAddress": "10.20.1.7",
        },
        {"ShareName": "\\\\*\\IPC$", "RelativeTargetName": "srvsvc", "IpAddress": "10.20.1.7"},
        "Lateral Movement",
        "T1569.002",
    ),
    (
        "code written to ADMIN$",
        "Security",
        5145,
        {
            "ShareName": "\\\\*\\ADMIN$",
            "RelativeTargetName": "Temp\\payload.exe",
            "IpAddress": "10.20.1.7",
            "AccessList": "%%4417",
        },
        {
            "ShareName": "\\\\*\\ADMIN$",
            "RelativeTargetName": "Temp\\payload.exe",
            "IpAddress": "10.20.1.7",
            "AccessList": "%%4416",
        },
        "Lateral Movement",
        "T1570",
    ),
    (
        "event log service crashed",
        "System",
        7034,
        {"param1": "Windows Event Log", "param2": "1"},
        {"param1": "Google Update Service (gupdate)", "param2": "1"},
        "Defense Evasion",
        "T1562.002",
    ),
    (
        "defender exclusion added",
        DEFENDER,
        5007,
        {
            "New Value": "HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Exclusions\\Paths"
            "\\C:\\x = 0x0"
        },
        {"New Value": "HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Signature Updates\\X = 0x1"},
        "Defense Evasion",
        "T1562.001",
    ),
    (
        "wmi permanent consumer",
        WMI,
        5861,
        {
            "Namespace": "//./root/subscription",
            "ESS": "Evil",
            "CONSUMER": 'CommandLineEventConsumer="Evil"',
            "PossibleCause": "Binding EventFilter: ... CommandLineEventConsumer",
        },
        {
            "Namespace": "//./root/subscription",
            "ESS": "SCM Event Log Filter",
            "CONSUMER": 'NTEventLogEventConsumer="SCM Event Log Consumer"',
            "PossibleCause": "Binding EventFilter: ... NTEventLogEventConsumer",
        },
        "Persistence",
        "T1546.003",
    ),
    # -- command lines (Sysmon 1)
    (
        "ntdsutil ifm",
        SYSMON,
        1,
        _proc('ntdsutil.exe "ac i ntds" "ifm" "create full c:\\temp\\x" q q'),
        _proc("ntdsutil.exe /?"),
        "Credential Access",
        "T1003",
    ),
    (
        "reg save of SAM",
        SYSMON,
        1,
        _proc("reg.exe save HKLM\\SAM C:\\Users\\Public\\sam.save"),
        _proc("reg.exe query HKLM\\Software\\Microsoft\\Windows\\CurrentVersion"),
        "Credential Access",
        "T1003",
    ),
    (
        "shadow copies deleted",
        SYSMON,
        1,
        _proc("vssadmin.exe delete shadows /all /quiet"),
        _proc("vssadmin.exe list shadows"),
        "Impact",
        "T1490",
    ),
    (
        "defender turned off",
        SYSMON,
        1,
        _proc(f"{PS} Set-MpPreference -DisableRealtimeMonitoring $true", PS),
        _proc(f"{PS} Get-MpPreference", PS),
        "Defense Evasion",
        "T1562.001",
    ),
    (
        "firewall turned off",
        SYSMON,
        1,
        _proc("netsh.exe advfirewall set allprofiles state off"),
        _proc("netsh.exe advfirewall show allprofiles"),
        "Defense Evasion",
        "T1562.001",
    ),
    (
        "remote wmic process",
        SYSMON,
        1,
        _proc('wmic.exe /node:10.20.1.9 process call create "cmd /c whoami"'),
        _proc("wmic.exe /node:10.20.1.9 os get caption"),
        "Lateral Movement",
        "T1021.002",
    ),
    (
        "rdp hijack",
        SYSMON,
        1,
        _proc("tscon.exe 2 /dest:rdp-tcp#14"),
        _proc("tscon.exe /?"),
        "Lateral Movement",
        "T1563.002",
    ),
    (
        "reverse tunnel",
        SYSMON,
        1,
        _proc(
            "C:\\Tools\\plink.exe -R 3389:127.0.0.1:3389 user@198.51.100.7", "C:\\Tools\\plink.exe"
        ),
        _proc("C:\\Tools\\plink.exe user@198.51.100.7", "C:\\Tools\\plink.exe"),
        "Command and Control",
        "T1572",
    ),
    (
        "domain trust discovery",
        SYSMON,
        1,
        _proc("nltest.exe /domain_trusts /all_trusts"),
        _proc("nltest.exe /sc_query:CORP"),
        "Discovery",
        "T1482",
    ),
    (
        "domain admins enumerated",
        SYSMON,
        1,
        _proc('net.exe group "domain admins" /domain'),
        _proc("net.exe use Z: \\\\fs\\share"),
        "Discovery",
        "T1087.002",
    ),
    (
        "scheduled task running powershell",
        SYSMON,
        1,
        _proc('schtasks.exe /create /tn upd /sc onlogon /tr "powershell -nop -f C:\\x.ps1"'),
        _proc("schtasks.exe /query /fo LIST /v"),
        "Persistence",
        "T1053.005",
    ),
    (
        "named pipe impersonation",
        SYSMON,
        1,
        _proc("cmd.exe /c echo abcdef > \\\\.\\pipe\\abcdef", parent=W + "services.exe"),
        _proc("cmd.exe /c echo done > C:\\Temp\\log.txt", parent=W + "services.exe"),
        "Privilege Escalation",
        "T1134.001",
    ),
    (
        "explorer process tree break",
        SYSMON,
        1,
        _proc('explorer.exe /root,"C:\\Users\\Public\\x.exe"', "C:\\Windows\\explorer.exe"),
        _proc("explorer.exe /root,C:\\Users\\alice\\Documents", "C:\\Windows\\explorer.exe"),
        "Defense Evasion",
        "T1202",
    ),
    (
        "renamed cmd",
        SYSMON,
        1,
        _proc("i.exe /c dir", "C:\\Tools\\i.exe", OriginalFileName="Cmd.Exe"),
        _proc("cmd.exe /c dir", W + "cmd.exe", OriginalFileName="Cmd.Exe"),
        "Defense Evasion",
        "T1036.003",
    ),
    (
        "svchost outside System32",
        SYSMON,
        1,
        _proc("svchost.exe -k netsvcs", "C:\\Users\\Public\\svchost.exe", W + "services.exe"),
        _proc("svchost.exe -k netsvcs", W + "svchost.exe", W + "services.exe"),
        "Defense Evasion",
        "T1036.005",
    ),
    (
        "whoami as SYSTEM",
        SYSMON,
        1,
        _proc("whoami.exe", User="NT AUTHORITY\\SYSTEM"),
        _proc("whoami.exe", User="CORP\\alice"),
        "Discovery",
        "T1033",
    ),
    (
        "web server runs recon",
        SYSMON,
        1,
        _proc("whoami.exe /priv", parent="C:\\Windows\\System32\\inetsrv\\w3wp.exe"),
        _proc("whoami.exe /priv", parent=W + "cmd.exe"),
        "Persistence",
        "T1505.003",
    ),
    # -- other Sysmon events
    (
        "rdp from a non-rdp client",
        SYSMON,
        3,
        {
            "Image": "C:\\Users\\Public\\SharpRDP.exe",
            "DestinationIp": "10.20.1.9",
            "DestinationPort": "3389",
            "Initiated": "true",
            "Protocol": "tcp",
        },
        {
            "Image": W + "mstsc.exe",
            "DestinationIp": "10.20.1.9",
            "DestinationPort": "3389",
            "Initiated": "true",
            "Protocol": "tcp",
        },
        "Lateral Movement",
        "T1021.001",
    ),
    (
        "powershell to a non-standard port",
        SYSMON,
        3,
        {
            "Image": PS,
            "DestinationIp": "198.51.100.7",
            "DestinationPort": "4444",
            "Initiated": "true",
            "Protocol": "tcp",
        },
        {
            "Image": PS,
            "DestinationIp": "198.51.100.7",
            "DestinationPort": "443",
            "Initiated": "true",
            "Protocol": "tcp",
        },
        "Command and Control",
        "T1571",
    ),
    (
        "tunnel domain lookup",
        SYSMON,
        22,
        {"Image": "C:\\Users\\Public\\agent.exe", "QueryName": "4f2a-198-51-100-7.ngrok.io"},
        {"Image": "C:\\Users\\Public\\agent.exe", "QueryName": "www.google.com"},
        "Command and Control",
        "T1102",
    ),
    (
        "accessibility binary replaced",
        SYSMON,
        11,
        {"Image": W + "cmd.exe", "TargetFilename": W + "sethc.exe"},
        {"Image": W + "cmd.exe", "TargetFilename": W + "sethc.exe.log"},
        "Persistence",
        "T1546.008",
    ),
    (
        "office drops a script",
        SYSMON,
        11,
        {
            "Image": "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
            "TargetFilename": "C:\\Users\\alice\\AppData\\Local\\Temp\\x.vbs",
        },
        {
            "Image": "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
            "TargetFilename": "C:\\Users\\alice\\AppData\\Local\\Temp\\~WRS0001.tmp",
        },
        "Execution",
        "T1204.002",
    ),
    (
        "binary dropped over SMB",
        SYSMON,
        11,
        {"Image": "System", "TargetFilename": "C:\\Windows\\xYzAbC.exe"},
        {"Image": "System", "TargetFilename": "C:\\Windows\\Logs\\CBS\\CBS.log"},
        "Lateral Movement",
        "T1570",
    ),
    (
        "CLR in a script host",
        SYSMON,
        7,
        {
            "Image": W + "wscript.exe",
            "ImageLoaded": "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\clr.dll",
            "Signed": "true",
        },
        {
            "Image": PS,
            "ImageLoaded": "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\clr.dll",
            "Signed": "true",
        },
        "Defense Evasion",
        "T1218",
    ),
    (
        "service ImagePath runs a shell",
        SYSMON,
        13,
        {
            "EventType": "SetValue",
            "Image": W + "services.exe",
            "TargetObject": "HKLM\\System\\CurrentControlSet\\Services\\upd\\ImagePath",
            "Details": "cmd.exe /c powershell -nop -f C:\\Users\\Public\\x.ps1",
        },
        {
            "EventType": "SetValue",
            "Image": W + "services.exe",
            "TargetObject": "HKLM\\System\\CurrentControlSet\\Services\\gupdate\\ImagePath",
            "Details": '"C:\\Program Files\\Google\\Update\\GoogleUpdate.exe" /svc',
        },
        "Persistence",
        "T1543.003",
    ),
    (
        "COM hijack",
        SYSMON,
        13,
        {
            "EventType": "SetValue",
            "Image": "C:\\Users\\Public\\x.exe",
            "TargetObject": "HKU\\S-1-5-21-1\\Software\\Classes\\CLSID\\{B5F8350B-0548-48B1-A6EE-"
            "88BD00B4A5E7}\\InprocServer32\\(Default)",
            "Details": "C:\\Users\\Public\\x.dll",
        },
        {
            "EventType": "SetValue",
            "Image": "C:\\Windows\\explorer.exe",
            "TargetObject": "HKU\\S-1-5-21-1\\Software\\Classes\\CLSID\\{CB3D0F55-BC2C-4C1A-85ED-"
            "23ED75B5106B}\\InprocServer32\\(Default)",
            "Details": "C:\\Users\\bob\\AppData\\Local\\Microsoft\\OneDrive\\FileSyncShell64.dll",
        },
        "Persistence",
        "T1546.015",
    ),
    (
        "administrators alias written in the SAM",
        SYSMON,
        13,
        {
            "EventType": "SetValue",
            "Image": W + "lsass.exe",
            "TargetObject": "HKLM\\SAM\\SAM\\Domains\\Builtin\\Aliases\\00000220\\C",
            "Details": "Binary Data",
        },
        {
            "EventType": "SetValue",
            "Image": W + "lsass.exe",
            "TargetObject": "HKLM\\SAM\\SAM\\Domains\\Builtin\\Aliases\\00000221\\C",
            "Details": "Binary Data",
        },
        "Persistence",
        "T1098",
    ),
    (
        "machine account secret written outside LSASS",
        SYSMON,
        13,
        {
            "EventType": "SetValue",
            "Image": "C:\\Users\\Public\\x.exe",
            "TargetObject": "HKLM\\SECURITY\\Policy\\Secrets\\$MACHINE.ACC\\CurrVal\\(Default)",
            "Details": "Binary Data",
        },
        {
            "EventType": "SetValue",
            "Image": W + "lsass.exe",
            "TargetObject": "HKLM\\SECURITY\\Policy\\Secrets\\$MACHINE.ACC\\CurrVal\\(Default)",
            "Details": "Binary Data",
        },
        "Credential Access",
        "T1003.004",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_rule_fires_on_the_attack_and_not_on_its_benign_twin(
    case: tuple[str, str, int, dict[str, str], dict[str, str], str, str],
) -> None:
    _, channel, code, attack, benign, tactic, technique = case
    assert _alert(_parse(channel, code, attack)) == (tactic, technique)
    assert _alert(_parse(channel, code, benign)) is None


def test_defender_protection_turned_off_alerts_and_turned_on_does_not() -> None:
    data = {"Product Name": "Microsoft Defender Antivirus"}
    assert _alert(_parse(DEFENDER, 5001, data)) == ("Defense Evasion", "T1562.001")
    assert _alert(_parse(DEFENDER, 5000, data)) is None  # real-time protection enabled


def test_defender_configuration_update_is_not_an_alert() -> None:
    event = _parse(
        DEFENDER,
        5007,
        {
            "New Value": "HKLM\\SOFTWARE\\Microsoft\\Windows Defender"
            "\\Real-Time Protection\\DisableRealtimeMonitoring = 0x0"
        },
    )
    assert _alert(event) is None


def test_sql_failed_logon_names_the_login_and_the_client() -> None:
    event = _parse("Application", 18456, {
        "param1": "sa", "param2": " Reason: Password did not match that for the login provided.",
        "param3": " [CLIENT: 10.0.2.17]",
    })  # fmt: skip
    assert event["user"]["name"] == "sa"
    assert event["source"]["ip"] == "10.0.2.17"
    assert event["logwarden"]["parser"]["label"] == "auth_failure"
