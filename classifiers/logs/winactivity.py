"""Ordinary Windows activity, as Winlogbeat ships it: the false-alarm side of the Windows figures.

A day on a few corporate workstations and a domain controller: interactive, network,
service, unlock and RDP logons (and the odd mistyped password), special-privilege logons of
administrators and services, Kerberos tickets, service state changes and vendor service
installs, scheduled maintenance tasks, process creation of Explorer, svchost, browsers,
Office, Teams, OneDrive, Defender and admin PowerShell scripts, their network connections
and DNS queries, image loads, file writes (downloads with their ``Zone.Identifier`` stream),
registry writes (UserAssist, the OneDrive Run key), browser and PowerShell named pipes,
Defender reading LSASS, benign PowerShell script blocks, and administrators' and domain
controllers' routine (:meth:`_Day.admin`: machine-account RC4 tickets, DC replication, GPO
audit policy, Defender configuration updates, admin commands, vendor service crashes,
anonymous null sessions, SMB to the file server). Nothing here is an attack, so
every alert on it is a false positive.

Evaluation-only: serving code never imports this module.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

SECURITY = "Security"
SYSTEM = "System"
SYSMON = "Microsoft-Windows-Sysmon/Operational"
POWERSHELL = "Microsoft-Windows-PowerShell/Operational"
DEFENDER = "Microsoft-Windows-Windows Defender/Operational"

_USERS = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy")
_ADMINS = ("adm-alice", "adm-ivan")
_HOSTS = ("WS-0101", "WS-0102", "WS-0107", "WS-0113", "LT-0204", "LT-0211")
_DC = "DC01"
_INTERNAL = "10.20.{}.{}"
_PUBLIC = ("142.250.74.{}", "20.190.160.{}", "52.113.194.{}", "13.107.42.{}", "104.16.{}.1")
_DOMAINS = (
    "www.google.com",
    "outlook.office365.com",
    "login.microsoftonline.com",
    "teams.microsoft.com",
    "clients2.google.com",
    "update.googleapis.com",
    "settings-win.data.microsoft.com",
    "wpad.corp.example",
    "fileserver.corp.example",
    "intranet.corp.example",
    "github.com",
    "slack.com",
    "zoom.us",
    "ctldl.windowsupdate.com",
    "ocsp.digicert.com",
)
_SERVICES = (
    "Windows Update",
    "Background Intelligent Transfer Service",
    "Print Spooler",
    "Windows Modules Installer",
    "Google Update Service (gupdate)",
    "Microsoft Edge Update",
    "Delivery Optimization",
    "Windows Error Reporting Service",
    "Software Protection",
)
_W = "C:\\Windows\\System32\\"
_PF = "C:\\Program Files\\"
_CHROME = _PF + "Google\\Chrome\\Application\\chrome.exe"
_WORD = _PF + "Microsoft Office\\root\\Office16\\WINWORD.EXE"
_EXCEL = _PF + "Microsoft Office\\root\\Office16\\EXCEL.EXE"
_OUTLOOK = _PF + "Microsoft Office\\root\\Office16\\OUTLOOK.EXE"
_PS = _W + "WindowsPowerShell\\v1.0\\powershell.exe"
_DEFENDER = "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090-11\\MsMpEng.exe"


def _user_dir(user: str) -> str:
    return f"C:\\Users\\{user}\\"


def _processes(user: str) -> list[tuple[str, str, str]]:
    """(image, command line, parent image) of what runs on a workstation during the day."""
    home = _user_dir(user)
    return [
        ("C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", _W + "userinit.exe"),
        (
            _W + "svchost.exe",
            "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule",
            _W + "services.exe",
        ),
        (
            _W + "svchost.exe",
            "C:\\Windows\\System32\\svchost.exe -k LocalService -p -s BthAvctpSvc",
            _W + "services.exe",
        ),
        (_CHROME, f'"{_CHROME}" --type=renderer --lang=en-US --renderer-client-id=7', _CHROME),
        (_CHROME, f'"{_CHROME}" ', "C:\\Windows\\explorer.exe"),
        (
            _WORD,
            f'"{_WORD}" /n "{home}Documents\\Quarterly report.docx" /o ""',
            "C:\\Windows\\explorer.exe",
        ),
        (_EXCEL, f'"{_EXCEL}" "{home}Downloads\\budget-2026.xlsx"', "C:\\Windows\\explorer.exe"),
        (_OUTLOOK, f'"{_OUTLOOK}" ', "C:\\Windows\\explorer.exe"),
        (
            home + "AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe",
            f'"{home}AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe" --system-initiated',
            home + "AppData\\Local\\Microsoft\\Teams\\Update.exe",
        ),
        (
            home + "AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe",
            f'"{home}AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe" /background',
            "C:\\Windows\\explorer.exe",
        ),
        (
            _W + "conhost.exe",
            "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1",
            _W + "cmd.exe",
        ),
        (_W + "taskhostw.exe", "taskhostw.exe Install $(Arg0)", _W + "svchost.exe"),
        (
            _W + "backgroundTaskHost.exe",
            '"C:\\Windows\\system32\\backgroundTaskHost.exe" -ServerName:App.AppXmtcan0h2t.mca',
            _W + "svchost.exe",
        ),
        (
            _W + "SearchProtocolHost.exe",
            '"C:\\Windows\\system32\\SearchProtocolHost.exe" Global\\UsGthrFltPipeMssGthrPipe1_',
            _W + "SearchIndexer.exe",
        ),
        (_W + "cmd.exe", '"C:\\Windows\\system32\\cmd.exe" ', "C:\\Windows\\explorer.exe"),
        (
            _W + "notepad.exe",
            f'"C:\\Windows\\system32\\notepad.exe" {home}notes.txt',
            "C:\\Windows\\explorer.exe",
        ),
        (_PS, f'"{_PS}" ', "C:\\Windows\\explorer.exe"),
        (
            _PS,
            f'"{_PS}" -NoLogo -NonInteractive -ExecutionPolicy Bypass -File '
            "C:\\Windows\\CCM\\SystemTemp\\inventory.ps1",
            "C:\\Windows\\CCM\\CcmExec.exe",
        ),
        (_W + "gpupdate.exe", "gpupdate.exe /target:computer", _W + "svchost.exe"),
        (
            _W + "wuauclt.exe",
            "wuauclt.exe /UpdateDeploymentProvider UpdateDeploymentProvider.dll"
            " /ClassId 8f0e6e6c-8d2e-4d2c-9c3a-0a7c3f1d2b11 /RunHandlerComServer",
            _W + "svchost.exe",
        ),
        (_W + "msiexec.exe", "C:\\Windows\\system32\\msiexec.exe /V", _W + "services.exe"),
        (
            _W + "rundll32.exe",
            "C:\\Windows\\system32\\rundll32.exe C:\\Windows\\system32\\PcaSvc.dll,PcaPatchSdbTask",
            _W + "svchost.exe",
        ),
        (
            _W + "WerFault.exe",
            "C:\\Windows\\system32\\WerFault.exe -u -p 7412 -s 1208",
            _W + "svchost.exe",
        ),
    ]


def _ip(rng: random.Random) -> str:
    return _INTERNAL.format(rng.randint(1, 40), rng.randint(2, 250))


def _public(rng: random.Random) -> str:
    return rng.choice(_PUBLIC).format(rng.randint(1, 250))


class _Day:
    """Builds one event of each kind; ``rng`` drives every choice."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def logon(self) -> tuple[str, int, dict[str, str]]:
        rng = self.rng
        kind = rng.choices(("2", "3", "5", "7", "10", "11"), (10, 40, 25, 15, 5, 5))[0]
        user = "SYSTEM" if kind == "5" else rng.choice(_USERS + _ADMINS)
        data = {
            "TargetUserName": user,
            "TargetDomainName": "CORP",
            "LogonType": kind,
            "LogonProcessName": "Kerberos" if kind == "3" else "User32",
            "AuthenticationPackageName": "Kerberos" if kind == "3" else "Negotiate",
            "IpAddress": _ip(rng) if kind in ("3", "10") else "-",
            "IpPort": str(rng.randint(49152, 65535)) if kind in ("3", "10") else "-",
            "WorkstationName": rng.choice(_HOSTS),
        }
        return SECURITY, rng.choice((4624, 4624, 4624, 4634)), data

    def failed_logon(self) -> tuple[str, int, dict[str, str]]:
        rng = self.rng
        data = {
            "TargetUserName": rng.choice(_USERS),
            "TargetDomainName": "CORP",
            "LogonType": rng.choice(("2", "7")),
            "Status": "0xc000006d",
            "SubStatus": "0xc000006a",
            "IpAddress": "-",
            "WorkstationName": rng.choice(_HOSTS),
        }
        return SECURITY, 4625, data

    def privileges(self) -> tuple[str, int, dict[str, str]]:
        rng = self.rng
        user = rng.choice((*_ADMINS, "SYSTEM", "LOCAL SERVICE", "NETWORK SERVICE"))
        code = rng.choice((4672, 4672, 4776, 4768, 4769, 4703, 4648))
        data = {
            "SubjectUserName": user,
            "SubjectDomainName": "CORP",
            "PrivilegeList": "SeSecurityPrivilege SeBackupPrivilege SeRestorePrivilege",
            "TargetUserName": rng.choice(_USERS),
            "Status": "0x0",
            "ServiceName": "krbtgt",
            "IpAddress": _ip(rng),
        }
        return SECURITY, code, data

    def service(self) -> tuple[str, int, dict[str, str]]:
        rng = self.rng
        if rng.random() < 0.02:
            path = rng.choice(
                (
                    f'"{_PF}Google\\Update\\GoogleUpdate.exe" /svc',
                    f'"{_PF}Mozilla Maintenance Service\\maintenanceservice.exe"',
                    f'"{_PF}Zoom\\bin\\CptService.exe" -user_path '
                    '"C:\\Users\\bob\\AppData\\Roaming\\Zoom"',
                )
            )
            return (
                SYSTEM,
                7045,
                {
                    "ServiceName": "vendor updater",
                    "ImagePath": path,
                    "ServiceType": "user mode service",
                    "StartType": "auto start",
                },
            )
        state = rng.choice(("running", "stopped"))
        return SYSTEM, 7036, {"param1": rng.choice(_SERVICES), "param2": state}

    def task(self) -> tuple[str, int, dict[str, str]]:
        rng = self.rng
        name, command = rng.choice(
            (
                (
                    "\\GoogleUpdateTaskMachineUA",
                    f"{_PF}Google\\Update\\GoogleUpdate.exe /ua /installsource",
                ),
                (
                    "\\Microsoft\\Windows\\Defrag\\ScheduledDefrag",
                    "%windir%\\system32\\defrag.exe -c -h -o -$",
                ),
                (
                    "\\MicrosoftEdgeUpdateTaskMachineCore",
                    f"{_PF}Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe /c",
                ),
                ("\\Backup\\Nightly", "C:\\Windows\\System32\\wbadmin.exe start backup -quiet"),
            )
        )
        content = f"<Task><Actions><Exec><Command>{command}</Command></Exec></Actions></Task>"
        field = "TaskContent" if rng.random() < 0.5 else "TaskContentNew"
        code = 4698 if field == "TaskContent" else 4702
        return SECURITY, code, {"TaskName": name, field: content, "SubjectUserName": "SYSTEM"}

    def account(self) -> tuple[str, int, dict[str, str]]:
        rng = self.rng
        user = f"{rng.choice(_USERS)}{rng.randint(2, 9)}"
        code = rng.choice((4720, 4722, 4738, 4724, 4732, 4728))
        data = {"TargetUserName": user, "SubjectUserName": "adm-alice", "SubjectDomainName": "CORP"}
        if code in (4732, 4728):
            data = {
                "TargetUserName": rng.choice(("Finance", "VPN Users", "Print Operators Site B")),
                "MemberName": f"CN={user},OU=Staff,DC=corp,DC=example",
                "SubjectUserName": "adm-alice",
            }
        return SECURITY, code, data

    def process(self) -> tuple[str, int, dict[str, str]]:
        rng = self.rng
        user = rng.choice(_USERS)
        image, command, parent = rng.choice(_processes(user))
        data = {
            "Image": image,
            "CommandLine": command,
            "ParentImage": parent,
            "User": f"CORP\\{user}",
            "ProcessId": str(rng.randint(500, 20000)),
            "IntegrityLevel": "Medium",
        }
        code = 1 if rng.random() < 0.8 else 4688
        if code == 4688:
            data = {
                "NewProcessName": image,
                "CommandLine": command,
                "ParentProcessName": parent,
                "SubjectUserName": user,
            }
        return (SYSMON if code == 1 else SECURITY), code, data

    def network(self) -> tuple[str, int, dict[str, str]]:
        rng = self.rng
        user = rng.choice(_USERS)
        image = rng.choice(
            (
                _CHROME,
                _OUTLOOK,
                _W + "svchost.exe",
                _user_dir(user) + "AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe",
            )
        )
        if rng.random() < 0.5:
            return (
                SYSMON,
                22,
                {"QueryName": rng.choice(_DOMAINS), "Image": image, "QueryStatus": "0"},
            )
        return (
            SYSMON,
            3,
            {
                "Image": image,
                "Protocol": "tcp",
                "SourceIp": _ip(rng),
                "SourcePort": str(rng.randint(49152, 65535)),
                "DestinationIp": _public(rng),
                "DestinationPort": rng.choice(("443", "443", "80")),
                "User": f"CORP\\{user}",
            },
        )

    def files(self) -> tuple[str, int, dict[str, str]]:
        rng = self.rng
        home = _user_dir(rng.choice(_USERS))
        name = rng.choice(("invoice-0412.pdf", "slides.pptx", "setup-7.4.1.msi", "photo.jpg"))
        choice = rng.randrange(4)
        if choice == 0:
            return (
                SYSMON,
                15,
                {"Image": _CHROME, "TargetFilename": f"{home}Downloads\\{name}:Zone.Identifier"},
            )
        if choice == 1:
            return SYSMON, 11, {"Image": _CHROME, "TargetFilename": f"{home}Downloads\\{name}"}
        if choice == 2:
            return (
                SYSMON,
                11,
                {
                    "Image": _WORD,
                    "TargetFilename": f"{home}AppData\\Local\\Temp\\~WRS{rng.randint(1, 9999)}.tmp",
                },
            )
        return (
            SYSMON,
            7,
            {
                "Image": _CHROME,
                "ImageLoaded": _W + "dwrite.dll",
                "Signed": "true",
                "SignatureStatus": "Valid",
                "Signature": "Microsoft Windows",
            },
        )

    def registry(self) -> tuple[str, int, dict[str, str]]:
        rng = self.rng
        user = rng.choice(_USERS)
        hive = f"HKU\\S-1-5-21-1004336348-1177238915-682003330-{rng.randint(1100, 1199)}"
        key, details = rng.choice(
            (
                (
                    hive + "\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\UserAssist\\"
                    "{CEBFF5CD-ACE2-4F4F-9178-9926F41749EA}\\Count\\HRZR_PGYFRFFVBA",
                    "Binary Data",
                ),
                (
                    hive + "\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\OneDrive",
                    f'"{_user_dir(user)}AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe"'
                    " /background",
                ),
                ("HKLM\\System\\CurrentControlSet\\Services\\BITS\\Start", "DWORD (0x00000003)"),
                (
                    "HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Signature Updates\\"
                    "SignaturesLastUpdated",
                    "QWORD (0x01db-0x2c5d1e8a)",
                ),
            )
        )
        return (
            SYSMON,
            13,
            {
                "EventType": "SetValue",
                "TargetObject": key,
                "Details": details,
                "Image": rng.choice((_W + "svchost.exe", "C:\\Windows\\explorer.exe")),
            },
        )

    def pipes_and_access(self) -> tuple[str, int, dict[str, str]]:
        rng = self.rng
        if rng.random() < 0.5:
            pipe = rng.choice(
                (
                    f"\\mojo.{rng.randint(1000, 9999)}.{rng.randint(1000, 9999)}."
                    f"{rng.getrandbits(60)}",
                    f"\\PSHost.{rng.getrandbits(50)}."
                    f"{rng.randint(500, 9000)}.DefaultAppDomain.powershell",
                    "\\LOCAL\\crashpad_4120_ABCDEFGHIJKLMNOP",
                )
            )
            return SYSMON, rng.choice((17, 18)), {"PipeName": pipe, "Image": _CHROME}
        if rng.random() < 0.2:
            starter = rng.choice((_W + "csrss.exe", _W + "winlogon.exe", _W + "dwm.exe"))
            return SYSMON, 8, {"SourceImage": starter, "TargetImage": _W + "conhost.exe",
                               "StartFunction": "CtrlRoutine"}  # fmt: skip
        source = rng.choice((_DEFENDER, _W + "wbem\\WmiPrvSE.exe", _W + "svchost.exe"))
        return (
            SYSMON,
            10,
            {
                "SourceImage": source,
                "TargetImage": _W + "lsass.exe",
                "GrantedAccess": rng.choice(("0x1010", "0x1400", "0x1000")),
            },
        )

    def admin(self) -> tuple[str, int, dict[str, str]]:
        """Administrators' and domain controllers' routine: Kerberos tickets of machine and
        service accounts, DC-to-DC replication, audit policy set by GPO, Defender updating
        its configuration, admin commands, vendor services and COM servers in the registry,
        a vendor service crashing, anonymous null-session logons, SMB to the file server."""
        rng = self.rng
        pick = rng.randrange(10)
        if pick == 0:
            account = rng.choice((*(f"{h}$" for h in _HOSTS), "svc-sql", "svc-web", "krbtgt"))
            rc4 = account.endswith("$") or account == "krbtgt"
            return (
                SECURITY,
                4769,
                {
                    "TargetUserName": f"{rng.choice(_USERS)}@CORP.EXAMPLE",
                    "ServiceName": account,
                    "TicketEncryptionType": "0x17" if rc4 and rng.random() < 0.3 else "0x12",
                    "TicketOptions": "0x40810000",
                    "Status": "0x0",
                    "IpAddress": f"::ffff:{_ip(rng)}",
                },
            )
        if pick == 1:
            return (
                SECURITY,
                4768,
                {
                    "TargetUserName": rng.choice(_USERS + _ADMINS),
                    "TargetDomainName": "CORP",
                    "ServiceName": "krbtgt",
                    "PreAuthType": rng.choice(("2", "15")),
                    "TicketEncryptionType": "0x12",
                    "Status": "0x0",
                    "IpAddress": f"::ffff:{_ip(rng)}",
                },
            )
        if pick == 2:
            return (
                SECURITY,
                4662,
                {
                    "SubjectUserName": rng.choice(("DC02$", "DC01$", "MSOL_4b1c2d")),
                    "SubjectDomainName": "CORP",
                    "ObjectServer": "DS",
                    "ObjectType": "%{19195a5b-6da0-11d0-afd3-00c04fd930c9}",
                    "AccessMask": "0x100",
                    "Properties": "%%7688 {1131f6aa-9c07-11d1-f79f-00c04fc2dcd2} "
                    "{19195a5b-6da0-11d0-afd3-00c04fd930c9}",
                },
            )
        if pick == 3:
            return (
                SECURITY,
                4719,
                {
                    "SubjectUserName": f"{rng.choice(_HOSTS)}$",
                    "CategoryId": "%%8274",
                    "SubcategoryId": "%%12544",
                    "AuditPolicyChanges": rng.choice(("%%8449", "%%8451", "%%8449, %%8451")),
                },
            )
        if pick == 4:
            return (
                DEFENDER,
                5007,
                {
                    "Old Value": "",
                    "New Value": "HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Signature "
                    f"Updates\\SignaturesLastUpdated = 0x{rng.getrandbits(32):x}",
                },
            )
        if pick == 5:
            image, command = rng.choice(
                (
                    (_W + "whoami.exe", "whoami /upn"),
                    (_W + "ipconfig.exe", "ipconfig /all"),
                    (_W + "net.exe", "net use Z: \\\\fileserver\\share /persistent:yes"),
                    (_W + "sc.exe", "sc query wuauserv"),
                    (_W + "gpresult.exe", "gpresult /r /scope:computer"),
                    (_W + "nltest.exe", "nltest /sc_query:CORP"),
                    (_W + "schtasks.exe", "schtasks /query /fo LIST /v"),
                    (_W + "tasklist.exe", "tasklist /svc"),
                )
            )
            return (
                SYSMON,
                1,
                {
                    "Image": image,
                    "CommandLine": command,
                    "ParentImage": _W + "cmd.exe",
                    "User": f"CORP\\{rng.choice(_ADMINS)}",
                    "IntegrityLevel": "High",
                },
            )
        if pick == 6:
            key, value = rng.choice((
                ("HKLM\\System\\CurrentControlSet\\Services\\gupdate\\ImagePath",
                 f'"{_PF}Google\\Update\\GoogleUpdate.exe" /svc'),
                ("HKU\\S-1-5-21-1-2-3-1104\\Software\\Classes\\CLSID\\"
                 "{CB3D0F55-BC2C-4C1A-85ED-23ED75B5106B}\\InprocServer32\\(Default)",
                 "C:\\Users\\bob\\AppData\\Local\\Microsoft\\OneDrive\\24.201\\"
                 "FileSyncShell64.dll"),
            ))  # fmt: skip
            image = _W + "services.exe" if "Services" in key else "C:\\Windows\\explorer.exe"
            return SYSMON, 13, {"EventType": "SetValue", "TargetObject": key,
                                "Details": value, "Image": image}  # fmt: skip
        if pick == 7:
            return (
                SYSTEM,
                rng.choice((7031, 7034)),
                {
                    "param1": rng.choice(
                        ("Google Update Service (gupdate)", "Zoom Sharing Service")
                    ),
                    "param2": "1",
                },
            )
        if pick == 8:
            return (
                SECURITY,
                4624,
                {
                    "TargetUserName": "ANONYMOUS LOGON",
                    "TargetDomainName": "NT AUTHORITY",
                    "LogonType": "3",
                    "LogonProcessName": "NtLmSsp",
                    "AuthenticationPackageName": "NTLM",
                    "IpAddress": _ip(rng),
                    "IpPort": str(rng.randint(49152, 65535)),
                    "WorkstationName": rng.choice(_HOSTS),
                },
            )
        return (
            SYSMON,
            3,
            {
                "Image": "C:\\Windows\\explorer.exe" if rng.random() < 0.5 else "System",
                "SourceIp": _ip(rng),
                "DestinationIp": "10.20.0.5",
                "DestinationPort": "445",
                "DestinationHostname": "fileserver.corp.example",
                "Protocol": "tcp",
                "Initiated": "true",
            },
        )

    def script(self) -> tuple[str, int, dict[str, str]]:
        text = self.rng.choice(
            (
                "Get-ChildItem -Path C:\\Logs -Filter *.log | Where-Object LastWriteTime -lt "
                "(Get-Date).AddDays(-30) | Remove-Item",
                "Import-Module ActiveDirectory; Get-ADUser -Filter * -SearchBase 'OU=Staff'",
                "[void][System.Reflection.Assembly]::LoadWithPartialName('System.Windows.Forms')",
                "Set-StrictMode -Version 1; $this.Exception.InnerException.PSMessageDetails",
                "Get-Service | Where-Object Status -eq 'Stopped' | Export-Csv C:\\Temp\\svc.csv",
            )
        )
        return POWERSHELL, 4104, {"ScriptBlockText": text, "MessageNumber": "1"}


#: Event kind -> share of a day's events (roughly a Sysmon + Security audit mix).
_MIX: tuple[tuple[str, float], ...] = (
    ("logon", 18),
    ("failed_logon", 0.3),
    ("privileges", 8),
    ("service", 4),
    ("task", 0.3),
    ("account", 0.1),
    ("process", 20),
    ("network", 25),
    ("files", 10),
    ("registry", 8),
    ("pipes_and_access", 5),
    ("script", 1.3),
    ("admin", 3),
)


def benign_windows_events(count: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """``count`` Winlogbeat-shaped documents of ordinary activity, deterministic per seed."""
    rng = random.Random(seed)
    day = _Day(rng)
    kinds, weights = zip(*_MIX, strict=True)
    makers: dict[str, Callable[[], tuple[str, int, dict[str, str]]]] = {
        kind: getattr(day, kind) for kind in kinds
    }
    clock = datetime(2026, 11, 2, 7, 30, tzinfo=UTC)
    for record in range(count):
        channel, code, data = makers[rng.choices(kinds, weights)[0]]()
        clock += timedelta(milliseconds=rng.randint(50, 1500))
        host = _DC if code in (4768, 4769, 4776) else rng.choice(_HOSTS)
        yield {
            "@timestamp": clock.isoformat().replace("+00:00", "Z"),
            "message": f"{channel} event {code}",
            "event": {"code": str(code), "kind": "event"},
            "host": {"name": host, "hostname": host},
            "winlog": {
                "channel": channel,
                "event_id": str(code),
                "record_id": str(record),
                "computer_name": host,
                "event_data": data,
            },
        }
