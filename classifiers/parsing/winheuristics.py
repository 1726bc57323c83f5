"""Content heuristics for Windows events: when a signal row of :mod:`.winevents` is an attack.

Sigma-style rules over ``winlog.event_data``: encoded or hidden PowerShell, download
cradles, credential-theft tools, LOLBins used to fetch or run remote code, LSASS memory
access, Office or web servers spawning shells, UAC-bypass and persistence registry keys,
known offensive named pipes, privileged group changes, fake machine accounts, audit
tampering. Each rule returns a :class:`~classifiers.parsing.verdict.Verdict` with its ATT&CK
tactic and technique; the first rule that fires wins (rules are ordered gravest first).

Labels are the existing taxonomy's (the model's label set must not change without training
data for it): execution, injection, evasion and persistence implants -> ``malware``;
credential access and privilege escalation -> ``privilege_escalation``; lateral movement ->
``intrusion_attempt``; account and group changes -> ``account_change``. The ATT&CK tactic
carries the finer meaning.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from classifiers.parsing.verdict import CRITICAL, HIGH, MEDIUM, Verdict

Data = Mapping[str, str]
Rule = Callable[[Data], Verdict | None]

_EXEC, _DE, _CA, _PE, _P, _LM, _C2 = (
    "Execution", "Defense Evasion", "Credential Access", "Privilege Escalation",
    "Persistence", "Lateral Movement", "Command and Control",
)  # fmt: skip

_PS_TECH = "T1059.001 PowerShell"
_UAC = "T1548.002 Bypass User Account Control"
_USER_DIRS = re.compile(
    r"\\(?:appdata\\local\\temp|windows\\temp|temp|downloads|users\\public|programdata"
    r"|temporary internet files)\\",
    re.I,
)


# --- command lines (Sysmon 1, Security 4688, PowerShell host applications, task actions) -----
_ENCODED = re.compile(r"\s[-/]e(?:nc(?:odedcommand)?|c)?\s+[A-Za-z0-9+/=]{20,}", re.I)
_HIDDEN = re.compile(r"\s[-/]w(?:indowstyle|in)?\s+h(?:idden)?\b", re.I)
_CRADLE = re.compile(
    r"downloadstring|downloadfile|downloaddata|invoke-webrequest|\biwr\b.*http|"
    r"net\.webclient|start-bitstransfer|invoke-restmethod|\birm\b\s+http|"
    r"\biex\b|invoke-expression",
    re.I,
)
_CRED_TOOLS = re.compile(
    r"mimikatz|sekurlsa|lsadump|kerberos::|invoke-mimikatz|dumpert|procdump.*lsass|"
    r"comsvcs(?:\.dll)?[\s,]+#?\+?(?:minidump|24)|get-keepassdatabasekey|keethief|keefarce|"
    r"invoke-kerberoast|rubeus|safetykatz|out-minidump|\bntds\.dit\b|reg\s+save\s+hklm\\s(?:am|ystem|ecurity)",
    re.I,
)
_OFFENSIVE_PS = re.compile(
    r"amsiutils|amsiinitfailed|invoke-shellcode|invoke-reflectivepeinjection|powersploit|"
    r"invoke-userhunter|invoke-sharefinder|get-netsession|powerview|empire|invoke-psinject|"
    r"assembly\]::load\(\s*\[convert\]::frombase64string|virtualalloc|"
    r"frombase64string.*(?:\biex\b|invoke-expression)|"
    r"invoke-tokenmanipulation|invoke-dcom|powercat|invoke-thehash|invoke-smbexec|"
    r"invoke-wmiexec|new-object\s+system\.net\.sockets\.tcpclient",
    re.I,
)
_LOLBIN_CMD = re.compile(
    r"certutil(?:\.exe)?\b.*(?:-urlcache|-decode|-encode|/urlcache|verifyctl)|"
    r"regsvr32(?:\.exe)?\b.*(?:/i:|-i:)\s*(?:https?|ftp|\\\\)|regsvr32(?:\.exe)?\b.*scrobj|"
    r"rundll32(?:\.exe)?\b.*(?:javascript:|vbscript:|shdocvw.*openurl|url\.dll|"
    r"zipfldr.*routethecall|advpack.*launchinfsection|pcwutl|ieadvpack|shell32.*shellexec_rundll)|"
    r"mshta(?:\.exe)?\b.*(?:https?:|javascript:|vbscript:|\.hta)|"
    r"bitsadmin(?:\.exe)?\b.*(?:/transfer|/addfile|/setnotifycmdline)|"
    r"msiexec(?:\.exe)?\b.*(?:/i|-i)\s*https?:|msxsl(?:\.exe)?\s|"
    r"wmic(?:\.exe)?\b.*(?:process\s+call\s+create|/format:\s*\S*(?:https?:|\.xsl))|"
    r"installutil(?:\.exe)?\b.*/u|msbuild(?:\.exe)?\b.*\.(?:xml|csproj)|"
    r"cmstp(?:\.exe)?\b.*/s|odbcconf(?:\.exe)?\b.*/a|forfiles(?:\.exe)?\b.*/c|"
    r"pcalua(?:\.exe)?\b.*-a|"
    r"wuauclt(?:\.exe)?\b.*/updatedeploymentprovider\s+(?!\S*updatedeploymentprovider\.dll)|"
    r"netsh(?:\.exe)?\b.*(?:portproxy|helper\s)|vssadmin(?:\.exe)?\b.*delete\s+shadows|"
    r"wevtutil(?:\.exe)?\b.*\s(?:cl|clear-log)\s|bcdedit(?:\.exe)?\b.*(?:recoveryenabled|"
    r"testsigning|debug\s+on)",
    re.I,
)
_BYPASS_EXEC = re.compile(
    r"-(?:exec|ep|executionpolicy)\s+bypass.*(?:\biex\b|invoke-expression|frombase64string)|"
    r"(?:\biex\b|invoke-expression).*(?:frombase64string|\.getstring\(|-join|\[char\])",
    re.I,
)
_UAC_CMD = re.compile(r"wusa(?:\.exe)?\b.*/extract:|\\windows \\", re.I)
#: Offensive tools known by name (privilege escalation, UAC bypass, AD reconnaissance).
_HACKTOOLS = re.compile(
    r"printspoofer|roguewinrm|juicypotato|roguepotato|sweetpotato|godpotato|badpotato|"
    r"\\akagi(?:32|64)?(?:_\w+)?\.exe|\buacme\b|winpwnage|sharpup|powerup\.ps1|"
    r"sharphound|seatbelt\.exe|invoke-bloodhound|lazagne|winpeas|ppldump",
    re.I,
)
_ACCOUNT_CMD = re.compile(
    r"net1?(?:\.exe)?\s+(?:user\s+\S+\s+\S+\s+/add|localgroup\s+administrators\s+\S+\s+/add|"
    r"group\s+\"?domain admins\"?\s+\S+\s+/add)",
    re.I,
)
_SHELLS = frozenset({
    "cmd.exe", "powershell.exe", "pwsh.exe", "wscript.exe", "cscript.exe", "mshta.exe",
    "rundll32.exe", "regsvr32.exe", "bitsadmin.exe", "certutil.exe",
})  # fmt: skip
#: Parents that should not start shells: Office, web and database servers, WinRM, browsers'
#: document viewers, the print spooler.
_SHELL_PARENTS = {
    "winword.exe": (_EXEC, "T1204.002 Malicious File"),
    "excel.exe": (_EXEC, "T1204.002 Malicious File"),
    "powerpnt.exe": (_EXEC, "T1204.002 Malicious File"),
    "outlook.exe": (_EXEC, "T1204.002 Malicious File"),
    "mspub.exe": (_EXEC, "T1204.002 Malicious File"),
    "w3wp.exe": (_P, "T1505.003 Web Shell"),
    "httpd.exe": (_P, "T1505.003 Web Shell"),
    "tomcat.exe": (_P, "T1505.003 Web Shell"),
    "sqlservr.exe": (_EXEC, "T1059.003 Windows Command Shell"),
    "wsmprovhost.exe": (_LM, "T1021.006 Windows Remote Management"),
    "spoolsv.exe": (_PE, "T1068 Exploitation for Privilege Escalation"),
    "wmiprvse.exe": (_EXEC, "T1047 Windows Management Instrumentation"),
    "mmc.exe": (_LM, "T1021.003 Distributed Component Object Model"),
    "iexplore.exe": (_EXEC, "T1189 Drive-by Compromise"),
    "wuauclt.exe": (_DE, "T1218 System Binary Proxy Execution"),
    "werfault.exe": (_PE, _UAC),
    "taskmgr.exe": (_PE, _UAC),
}
#: Auto-elevating binaries abused for UAC bypass: a shell child of them is an elevation.
_UAC_PARENTS = frozenset({
    "eventvwr.exe", "sdclt.exe", "fodhelper.exe", "computerdefaults.exe",
    "compmgmtlauncher.exe", "slui.exe", "cliconfg.exe", "mcx2prov.exe", "migwiz.exe",
    "wsreset.exe", "changepk.exe", "dccw.exe", "consent.exe", "winsat.exe", "msconfig.exe",
})  # fmt: skip
_SCRIPT_HOSTS = frozenset({"wscript.exe", "cscript.exe", "mshta.exe"})


def basename(path: str) -> str:
    """The lower-cased file name of a Windows path."""
    return path.replace("/", "\\").rsplit("\\", 1)[-1].strip('"').lower()


def command_verdict(command: str) -> Verdict | None:
    """A verdict for a command line (any process creation, task action or host application)."""
    if not command:
        return None
    if _CRED_TOOLS.search(command):
        return Verdict("privilege_escalation", True, CRITICAL, "credential theft tool", _CA,
                       "T1003 OS Credential Dumping")  # fmt: skip
    if _ENCODED.search(command) or (_HIDDEN.search(command) and _CRADLE.search(command)):
        return Verdict("malware", True, HIGH, "encoded or hidden PowerShell", _EXEC, _PS_TECH)
    if _BYPASS_EXEC.search(command):
        return Verdict("malware", True, HIGH, "obfuscated PowerShell", _EXEC, _PS_TECH)
    if _UAC_CMD.search(command):
        return Verdict("privilege_escalation", True, HIGH, "UAC bypass staging", _PE, _UAC)
    if _HACKTOOLS.search(command):
        return Verdict("privilege_escalation", True, HIGH, "known offensive tool", _PE,
                       "T1068 Exploitation for Privilege Escalation")  # fmt: skip
    if _CRADLE.search(command) and "http" in command.lower():
        return Verdict("malware", True, HIGH, "download cradle", _EXEC, _PS_TECH)
    if _OFFENSIVE_PS.search(command):
        return Verdict("malware", True, HIGH, "offensive PowerShell", _EXEC, _PS_TECH)
    if _LOLBIN_CMD.search(command):
        return Verdict("malware", True, HIGH, "LOLBin proxy execution", _DE,
                       "T1218 System Binary Proxy Execution")  # fmt: skip
    if _ACCOUNT_CMD.search(command):
        return Verdict("account_change", True, HIGH, "account added from the command line", _P,
                       "T1136.001 Local Account")  # fmt: skip
    return None


_SMSS_CHILDREN = frozenset({"smss.exe", "csrss.exe", "wininit.exe", "winlogon.exe", "autochk.exe"})


def _odd_extension(name: str, executable: tuple[str, ...]) -> bool:
    return "." in name and not name.endswith(executable)


def process_verdict(data: Data) -> Verdict | None:
    """Sysmon 1 / Security 4688: the command line, then the parent-child pair."""
    path = data.get("Image") or data.get("NewProcessName", "")
    parent_path = data.get("ParentImage") or data.get("ParentProcessName", "")
    found = command_verdict(f"{data.get('CommandLine', '')} {path} {parent_path}")
    if found is not None:
        return found
    image, parent = basename(path), basename(parent_path)
    if (
        parent in _SCRIPT_HOSTS | {"powershell.exe", "cmd.exe"}
        and _USER_DIRS.search(path)
        and image.endswith(".exe")
    ):
        return Verdict("malware", True, HIGH, f"{parent} ran a binary from a user folder",
                       _EXEC, "T1204.002 Malicious File")  # fmt: skip
    if image in _SCRIPT_HOSTS and _USER_DIRS.search(data.get("CommandLine", "")):
        return Verdict("malware", True, HIGH, f"{image} ran a script from a user folder", _EXEC,
                       "T1059.005 Visual Basic")  # fmt: skip
    if _odd_extension(parent, (".exe", ".com")) or _odd_extension(image, (".exe", ".com", ".scr")):
        return Verdict("malware", True, HIGH, "executable with a non-executable extension", _DE,
                       "T1036 Masquerading")  # fmt: skip
    if image == "mshta.exe" and parent == "svchost.exe":
        return Verdict("intrusion_attempt", True, HIGH, "mshta started over DCOM", _LM,
                       "T1021.003 Distributed Component Object Model")  # fmt: skip
    if parent == "smss.exe" and image not in _SMSS_CHILDREN:
        return Verdict("malware", True, HIGH, f"smss.exe started {image}", _P,
                       "T1547.001 Registry Run Keys / Startup Folder")  # fmt: skip
    if "\\tsclient\\" in path.lower():
        return Verdict("intrusion_attempt", True, MEDIUM, "program run from an RDP client drive",
                       _LM, "T1570 Lateral Tool Transfer")  # fmt: skip
    if image in _SHELLS and parent in _SHELL_PARENTS:
        tactic, technique = _SHELL_PARENTS[parent]
        return Verdict("malware", True, HIGH, f"{parent} started {image}", tactic, technique)
    if image in _SHELLS and parent in _UAC_PARENTS:
        return Verdict("privilege_escalation", True, HIGH, f"UAC bypass via {parent}", _PE,
                       "T1548.002 Bypass User Account Control")  # fmt: skip
    if parent in _SCRIPT_HOSTS and image in _SHELLS:
        return Verdict("malware", True, HIGH, f"script host {parent} started {image}", _EXEC,
                       "T1059.005 Visual Basic")  # fmt: skip
    return None


# --- Sysmon 10: process access --------------------------------------------------------------
#: GrantedAccess masks that can read LSASS memory (PROCESS_VM_READ with query rights).
_LSASS_MASKS = frozenset({
    "0x1010", "0x1410", "0x1438", "0x143a", "0x1fffff", "0x1f0fff", "0x1f1fff", "0x1f3fff",
    "0x40", "0x1418", "0x147a", "0x10", "0x1f2fff",
})  # fmt: skip
#: Processes that read LSASS as part of their job.
_LSASS_READERS = frozenset({
    "wininit.exe", "csrss.exe", "services.exe", "msmpeng.exe", "svchost.exe", "wmiprvse.exe",
    "lsm.exe", "taskmgr.exe", "vmtoolsd.exe", "mrt.exe", "sense.exe", "msiexec.exe",
})  # fmt: skip


def access_verdict(data: Data) -> Verdict | None:
    target = basename(data.get("TargetImage", ""))
    source = basename(data.get("SourceImage", ""))
    mask = data.get("GrantedAccess", "").lower()
    trace = data.get("CallTrace", "")
    if target == "lsass.exe" and mask in _LSASS_MASKS and source not in _LSASS_READERS:
        return Verdict("privilege_escalation", True, CRITICAL, f"{source} read LSASS ({mask})",
                       _CA, "T1003.001 LSASS Memory")  # fmt: skip
    source_path = data.get("SourceImage", "")
    if (
        mask == "0x1fffff"
        and _USER_DIRS.search(source_path)
        and re.search(r"^c:\\windows", data.get("TargetImage", ""), re.I)
    ):
        return Verdict("malware", True, HIGH, f"{source} opened {target} for all access", _DE,
                       "T1055 Process Injection")  # fmt: skip
    if "UNKNOWN(" in trace.upper() and source != target:
        return Verdict("malware", True, HIGH, "process access from unbacked memory", _DE,
                       "T1055 Process Injection")  # fmt: skip
    return None


# --- Sysmon 7: image loads --------------------------------------------------------------------
def image_verdict(data: Data) -> Verdict | None:
    image = basename(data.get("Image", ""))
    loaded = basename(data.get("ImageLoaded", ""))
    if loaded == "system.management.automation.dll" and image not in _PS_HOSTS:
        return Verdict("malware", True, HIGH, f"PowerShell engine loaded by {image}", _EXEC,
                       "T1059.001 PowerShell")  # fmt: skip
    if data.get("Signed", "").lower() == "false" and (
        basename(path := data.get("Image", "")) in _UAC_PARENTS
        or re.search(r"^c:\\windows\\", path, re.I)
        or _USER_DIRS.search(data.get("ImageLoaded", ""))
    ):
        if image in _UAC_PARENTS:
            return Verdict("privilege_escalation", True, HIGH, f"unsigned {loaded} in {image}",
                           _PE, _UAC)  # fmt: skip
        return Verdict("malware", True, HIGH, f"unsigned {loaded} loaded by {image}", _DE,
                       "T1574.002 DLL Side-Loading")  # fmt: skip
    if loaded in ("dbghelp.dll", "dbgcore.dll") and image in _SHELLS | {"rundll32.exe"}:
        return Verdict("privilege_escalation", True, HIGH, f"{image} loaded {loaded}", _CA,
                       "T1003.001 LSASS Memory")  # fmt: skip
    return None


_PS_HOSTS = frozenset({
    "powershell.exe", "pwsh.exe", "powershell_ise.exe", "wsmprovhost.exe", "sdiagnhost.exe",
    "msmpeng.exe", "mscorsvw.exe", "devenv.exe",
})  # fmt: skip


# --- Sysmon 12/13: registry -----------------------------------------------------------------
#: (key pattern, label, tactic, technique, alert only when the value looks hostile). Run keys
#: are written by every updater (OneDrive, Teams): only values that start a shell, a LOLBin
#: or a binary in a world-writable folder are alerts there.
_REGISTRY = (
    (re.compile(r"\\(?:ms-settings|mscfile|exefile|folder|launcher\.systemsettings)\\shell\\"
                r"(?:open|runas)\\command|\\app paths\\control\.exe|\\environment\\windir",
                re.I),
     "privilege_escalation", _PE, _UAC, False),
    (re.compile(r"\\currentversion\\(?:run|runonce|runservices|policies\\explorer\\run)\\|"
                r"\\winlogon\\(?:userinit|shell)$|\\currentversion\\windows\\appinit_dlls|"
                r"\\session manager\\bootexecute", re.I),
     "malware", _P, "T1547.001 Registry Run Keys / Startup Folder", True),
    (re.compile(r"\\image file execution options\\[^\\]+\\(?:debugger|globalflag)$|"
                r"\\silentprocessexit\\[^\\]+\\monitorprocess$", re.I),
     "malware", _P, "T1546.012 Image File Execution Options Injection", False),
    (re.compile(r"\\terminal server\\(?:fdenytsconnections|.*\\portnumber$|.*shadow$)|"
                r"\\services\\portproxy\\", re.I),
     "malware", _DE, "T1112 Modify Registry", False),
    (re.compile(r"__pslockdownpolicy|\\control\\lsa\\(?:security|notification) packages|"
                r"\\windows defender\\(?:disableantispyware|real-time protection)", re.I),
     "malware", _DE, "T1562.001 Disable or Modify Tools", False),
    (re.compile(r"\\sam\\domains\\account\\users\\names\\[^\\]+\$", re.I),
     "account_change", _P, "T1564.002 Hidden Users", False),
    (re.compile(r"\\lanmanserver\\shares\\", re.I),
     "intrusion_attempt", _LM, "T1021.002 SMB/Windows Admin Shares", False),
)  # fmt: skip
_HOSTILE_VALUE = re.compile(
    r"powershell|cmd(?:\.exe)?\s+/[ck]|wscript|cscript|mshta|rundll32|regsvr32|"
    r"\\(?:temp|users\\public|programdata)\\",
    re.I,
)


_TRACES = re.compile(r"\\explorer\\(?:runmru|typedpaths|recentdocs|comdlg32)", re.I)


def registry_verdict(data: Data) -> Verdict | None:
    key = data.get("TargetObject", "")
    if data.get("EventType", "").startswith("Delete") and _TRACES.search(key):
        return Verdict("malware", True, MEDIUM, "usage traces deleted", _DE,
                       "T1070 Indicator Removal")  # fmt: skip
    for pattern, label, tactic, technique, value_decides in _REGISTRY:
        if pattern.search(key):
            if value_decides and not _HOSTILE_VALUE.search(data.get("Details", "")):
                return None
            return Verdict(label, True, HIGH, f"registry {technique.split(' ', 1)[1]}", tactic,
                           technique)  # fmt: skip
    return None


# --- Sysmon 17/18: named pipes -------------------------------------------------------------
_PIPES = re.compile(
    r"\\(?:msagent_|postex_|status_|msse-\d+-server|mojo\.5688\.8052|interprocess_|lsadump|cachedump|"
    r"wceservicepipe|psexesvc|paexec|remcom|csexec|isapi_|roguepotato|jaccdpqnvbrrxlaf|"
    r"winsock2\\catalogchangelistener|gruntsvc|win_svc|ntsvcs|scerpc|atctl|userpipe|"
    r"iehelper|sdlrpc|comnap|dce_)|^\\[^\\]+\\pipe\\",
    re.I,
)


def pipe_verdict(data: Data) -> Verdict | None:
    pipe = data.get("PipeName", "")
    if _PIPES.search(pipe):
        return Verdict("privilege_escalation", True, HIGH, f"offensive named pipe {pipe}", _PE,
                       "T1134.001 Token Impersonation/Theft")  # fmt: skip
    return None


# --- Sysmon 3 / 11 / 22 ---------------------------------------------------------------------
_CALLERS = frozenset({
    "mshta.exe", "rundll32.exe", "regsvr32.exe", "certutil.exe", "msxsl.exe", "msbuild.exe",
    "wscript.exe", "cscript.exe", "installutil.exe", "notepad.exe", "cmstp.exe",
})  # fmt: skip
_PRIVATE = re.compile(r"^(?:10\.|127\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|169\.254\.|::1|fe80)")


def connection_verdict(data: Data) -> Verdict | None:
    image = basename(data.get("Image", ""))
    destination = data.get("DestinationIp", "")
    if image in _CALLERS and destination and not _PRIVATE.match(destination):
        return Verdict("malware", True, MEDIUM, f"{image} connected out", _C2,
                       "T1105 Ingress Tool Transfer")  # fmt: skip
    return None


_DUMP_FILE = re.compile(
    r"lsass[^\\]*\.dmp$|\\(?:sam|system|security|ntds)\.(?:save|dit|hiv)$", re.I
)
#: An alternate data stream holding code ("AppData:x.vbs"); browsers' ":Zone.Identifier"
#: streams on every download are not.
_HIDDEN_STREAM = re.compile(r":[^\\:]+\.(?:exe|dll|vbs|vbe|js|jse|ps1|bat|cmd|hta|wsf|scr)\Z", re.I)
_STARTUP = re.compile(r"\\start menu\\programs\\startup\\", re.I)


def file_verdict(data: Data) -> Verdict | None:
    target = data.get("TargetFilename", "")
    if _DUMP_FILE.search(target):
        return Verdict("privilege_escalation", True, CRITICAL, "credential dump written", _CA,
                       "T1003 OS Credential Dumping")  # fmt: skip
    if _HIDDEN_STREAM.search(target[2:]) or _UAC_CMD.search(target):
        return Verdict("malware", True, HIGH, "alternate data stream or mock folder", _DE,
                       "T1564.004 NTFS File Attributes")  # fmt: skip
    if _STARTUP.search(target):
        return Verdict("malware", True, HIGH, "file dropped in a Startup folder", _P,
                       "T1547.001 Registry Run Keys / Startup Folder")  # fmt: skip
    return None


def script_verdict(data: Data) -> Verdict | None:
    """PowerShell 4103/4104/800: script block text, payload or host application."""
    text = " ".join(
        data.get(key, "") for key in ("ScriptBlockText", "Payload", "HostApplication",
                                      "ContextInfo", "param1", "param2", "param3")
    )  # fmt: skip
    return command_verdict(text)


# --- Security log ---------------------------------------------------------------------------
_PRIVILEGED_GROUPS = frozenset({
    "administrators", "domain admins", "enterprise admins", "schema admins",
    "backup operators", "account operators", "server operators", "dnsadmins",
    "remote desktop users", "group policy creator owners",
})  # fmt: skip


def group_verdict(data: Data) -> Verdict | None:
    group = data.get("TargetUserName", "").lower()
    if group in _PRIVILEGED_GROUPS or data.get("TargetSid", "") == "S-1-5-32-544":
        member = data.get("MemberName") or data.get("MemberSid", "")
        return Verdict("account_change", True, HIGH, f"{member} added to {group}", _P,
                       "T1098 Account Manipulation")  # fmt: skip
    return None


def account_verdict(data: Data) -> Verdict | None:
    """4720: a user account whose name ends in ``$`` hides among machine accounts."""
    if data.get("TargetUserName", "").endswith("$"):
        return Verdict("account_change", True, HIGH, "user account named like a computer", _DE,
                       "T1564.002 Hidden Users")  # fmt: skip
    return None


def rename_verdict(data: Data) -> Verdict | None:
    """4781: a computer account renamed to a name without ``$`` (sAMAccountName spoofing)."""
    old, new = data.get("OldTargetUserName", ""), data.get("NewTargetUserName", "")
    if old.endswith("$") and new and not new.endswith("$"):
        return Verdict("privilege_escalation", True, CRITICAL, "machine account renamed", _PE,
                       "T1068 Exploitation for Privilege Escalation")  # fmt: skip
    return None


def logon_verdict(data: Data) -> Verdict | None:
    """4624 type 9 through ``seclogo``: ``sekurlsa::pth`` and ``runas /netonly``-style logons."""
    if data.get("LogonType") == "9" and data.get("LogonProcessName", "").strip() == "seclogo":
        return Verdict("intrusion_attempt", True, HIGH, "new-credentials logon", _LM,
                       "T1550.002 Pass the Hash")  # fmt: skip
    return None


def lsass_handle_verdict(data: Data) -> Verdict | None:
    """4656/4663: a handle to LSASS's process object from a tool that does not need one."""
    if basename(data.get("ObjectName", "")) != "lsass.exe":
        return None
    if basename(data.get("ProcessName", "")) in _LSASS_READERS:
        return None
    return Verdict("privilege_escalation", True, CRITICAL, "handle to LSASS", _CA,
                   "T1003.001 LSASS Memory")  # fmt: skip


_SERVICE_COMMAND = re.compile(
    r"%comspec%|cmd(?:\.exe)?\s+/[ckr]|powershell|\\\\\.\\pipe|\becho\s|\\admin\$\\", re.I
)
_WRITABLE = re.compile(r"\\(?:temp|appdata|users\\public|downloads)\\", re.I)


def _binary(command: str) -> str:
    """The executable of a command line: the quoted part, else up to the first space."""
    command = command.strip()
    if command.startswith('"'):
        return command[1:].split('"', 1)[0]
    return command.split(" ", 1)[0]


def service_verdict(data: Data) -> Verdict | None:
    """7045/4697: a service that runs a shell or a script, or a binary in a user folder."""
    path = data.get("ImagePath") or data.get("ServiceFileName", "")
    if (
        command_verdict(path) is not None
        or _SERVICE_COMMAND.search(path)
        or _WRITABLE.search(_binary(path))
    ):
        return Verdict("malware", True, HIGH, "suspicious service binary", _P,
                       "T1543.003 Windows Service")  # fmt: skip
    return None


def task_verdict(data: Data) -> Verdict | None:
    """4698/4702: the task XML's action runs something a maintenance task does not."""
    content = data.get("TaskContent") or data.get("TaskContentNew", "")
    found = command_verdict(content)
    if found is None and re.search(r"\\(?:temp|appdata|users\\public)\\|https?://", content, re.I):
        found = Verdict("malware", True, HIGH, "task runs from a user folder", _P,
                        "T1053.005 Scheduled Task")  # fmt: skip
    return found


def boot_verdict(data: Data) -> Verdict | None:
    """4826: boot configuration with kernel debugging or test signing enabled."""
    flags = (data.get(key, "").lower() for key in ("KernelDebug", "TestSigning"))
    if any(flag in ("yes", "%%1843") for flag in flags):
        return Verdict("malware", True, HIGH, "kernel debugging or test signing on", _DE,
                       "T1553.006 Code Signing Policy Modification")  # fmt: skip
    return None


def eventlog_service_verdict(data: Data) -> Verdict | None:
    """7036: the Windows Event Log service stopped."""
    if (
        data.get("param1", "").lower() == "windows event log"
        and "stop" in data.get("param2", "").lower()
    ):
        return Verdict("malware", True, HIGH, "event log service stopped", _DE,
                       "T1562.002 Disable Windows Event Logging")  # fmt: skip
    return None


_DEFENDER_SEVERITY = {"severe": CRITICAL, "high": HIGH, "moderate": MEDIUM, "medium": MEDIUM}


def defender_verdict(data: Data) -> Verdict:
    """1116: a Defender detection, at Defender's own severity (``Severity Name``)."""
    level = _DEFENDER_SEVERITY.get(data.get("Severity Name", "").strip().lower(), HIGH)
    name = data.get("Threat Name", "unnamed threat")
    return Verdict("malware", True, level, f"Defender: {name}"[:120], _EXEC, "T1204 User Execution")


_REMOTE_PIPES = {
    "svcctl": ("T1569.002 Service Execution", "remote service control"),
    "atsvc": ("T1053.002 At", "remote task creation"),
}


def share_verdict(data: Data) -> Verdict | None:
    """5145: a remote client opening the service-control or task-scheduler pipe over IPC$
    (PsExec-style remote services, ``at``/``schtasks /s``)."""
    pipe = data.get("RelativeTargetName", "").strip().lower()
    address = data.get("IpAddress", "")
    if pipe in _REMOTE_PIPES and "ipc$" in data.get("ShareName", "").lower() and address not in (
        "", "-", "::1", "127.0.0.1",
    ):  # fmt: skip
        technique, reason = _REMOTE_PIPES[pipe]
        return Verdict("intrusion_attempt", True, HIGH, reason, _LM, technique)
    return None


def sql_verdict(data: Data) -> Verdict | None:
    """SQL Server 15457/33205/15281: ``xp_cmdshell`` enabled, run or attempted."""
    text = " ".join(data.values()).lower()
    if "xp_cmdshell" in text:
        return Verdict("malware", True, HIGH, "xp_cmdshell", _EXEC,
                       "T1505.001 SQL Stored Procedures")  # fmt: skip
    return None


def driver_verdict(data: Data) -> Verdict | None:
    """Sysmon 6: a kernel driver without a valid signature."""
    if data.get("Signed", "").lower() == "false" or data.get("SignatureStatus", "Valid") != "Valid":
        return Verdict("malware", True, HIGH, "unsigned driver loaded", _DE,
                       "T1014 Rootkit")  # fmt: skip
    return None


_IP_URL = re.compile(r"^[a-z]+://\d{1,3}(?:\.\d{1,3}){3}[:/]", re.I)


def bits_verdict(data: Data) -> Verdict | None:
    """BITS 59: a transfer job fetching straight from an IP address."""
    if _IP_URL.search(data.get("url", "")):
        return Verdict("malware", True, MEDIUM, "BITS job from an IP address", _C2,
                       "T1197 BITS Jobs")  # fmt: skip
    return None


#: System processes that start threads in others as part of their job (console, session and
#: service management, Defender, VM tools).
_THREAD_STARTERS = frozenset({
    "csrss.exe", "wininit.exe", "winlogon.exe", "services.exe", "dwm.exe", "msmpeng.exe",
    "vmtoolsd.exe", "lsass.exe",
})  # fmt: skip


def remote_thread_verdict(data: Data) -> Verdict | None:
    """Sysmon 8: a thread started in another process by anything but a system process."""
    source = data.get("SourceImage", "")
    if basename(source) in _THREAD_STARTERS and source.lower().startswith(
        ("c:\\windows\\", "c:\\programdata\\microsoft\\windows defender\\", "c:\\program files")
    ):
        return None
    return Verdict("malware", True, HIGH, f"{basename(source)} started a remote thread", _DE,
                   "T1055 Process Injection")  # fmt: skip


#: (family, event id) -> the heuristic that can raise the row to an alert.
HEURISTICS: dict[tuple[str, int], Rule] = {
    ("sysmon", 1): process_verdict,
    ("security", 4688): process_verdict,
    ("sysmon", 3): connection_verdict,
    ("sysmon", 7): image_verdict,
    ("sysmon", 8): remote_thread_verdict,
    ("sysmon", 10): access_verdict,
    ("sysmon", 11): file_verdict,
    ("sysmon", 15): file_verdict,
    ("sysmon", 12): registry_verdict,
    ("sysmon", 13): registry_verdict,
    ("sysmon", 17): pipe_verdict,
    ("sysmon", 18): pipe_verdict,
    ("powershell", 4103): script_verdict,
    ("powershell", 4104): script_verdict,
    ("powershell", 400): script_verdict,
    ("powershell", 800): script_verdict,
    ("security", 4624): logon_verdict,
    ("security", 4720): account_verdict,
    ("security", 4728): group_verdict,
    ("security", 4732): group_verdict,
    ("security", 4756): group_verdict,
    ("security", 4781): rename_verdict,
    ("security", 4656): lsass_handle_verdict,
    ("security", 4663): lsass_handle_verdict,
    ("security", 4697): service_verdict,
    ("system", 7045): service_verdict,
    ("security", 4698): task_verdict,
    ("security", 4702): task_verdict,
    ("security", 4826): boot_verdict,
    ("system", 7036): eventlog_service_verdict,
    ("defender", 1116): defender_verdict,
    ("security", 5145): share_verdict,
    ("application", 15457): sql_verdict,
    ("application", 33205): sql_verdict,
    ("application", 15281): sql_verdict,
    ("sysmon", 6): driver_verdict,
    ("bits", 59): bits_verdict,
}
