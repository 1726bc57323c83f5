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

_EXEC, _DE, _CA, _PE, _P, _LM, _C2, _DI = (
    "Execution", "Defense Evasion", "Credential Access", "Privilege Escalation",
    "Persistence", "Lateral Movement", "Command and Control", "Discovery",
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
    r"invoke-kerberoast|rubeus|safetykatz|out-minidump|\bntds\.dit\b|"
    r"\breg(?:\.exe)?\s+(?:save|export)\s+(?:hklm|hkey_local_machine)\\(?:sam|system|security)\b|"
    r"pypykatz|nanodump|handlekatz|lsassy|secretsdump|"
    r"ntdsutil(?:\.exe)?\b.*\b(?:ifm|create\s+full)\b|esentutl(?:\.exe)?\b.*/vss|"
    r"harddiskvolumeshadowcopy\d*\\(?:windows\\ntds|windows\\system32\\config\\(?:sam|security|system))|"
    r"rdrleakdiag(?:\.exe)?\b.*/fullmemdmp|vaultcmd(?:\.exe)?\b.*/listcreds",
    re.I,
)
#: Inhibiting recovery (ransomware's first step): shadow copies, backups, boot recovery.
_IMPACT_CMD = re.compile(
    r"vssadmin(?:\.exe)?\b.*delete\s+shadows|wmic(?:\.exe)?\b.*shadowcopy\s+delete|"
    r"wbadmin(?:\.exe)?\b.*delete\s+(?:catalog|systemstatebackup|backup)|"
    r"bcdedit(?:\.exe)?\b.*(?:recoveryenabled\s+no|bootstatuspolicy\s+ignoreallfailures)|"
    r"get-wmiobject\s+win32_shadowcopy.*delete\(\)",
    re.I,
)
#: Turning off defences: Defender, the firewall, auditing, Sysmon, event logs, the journal.
_DEFENSE_OFF = re.compile(
    r"set-mppreference\b.*-disable(?:realtimemonitoring|behaviormonitoring|ioavprotection|"
    r"scriptscanning|intrusionpreventionsystem|blockatfirstseen)\s+(?:\$true|1)|"
    r"add-mppreference\b.*-exclusion(?:path|process|extension)|"
    r"\bsc(?:\.exe)?\s+(?:stop|delete|config)\s+(?:windefend|sense|wdboot|wdfilter|wdnissvc|"
    r"sysmon\w*|eventlog)\b|"
    r"netsh(?:\.exe)?\b.*(?:advfirewall\s+set\s+\w+\s+state\s+off|"
    r"firewall\s+set\s+opmode\s+(?:mode=)?disable)|"
    r"auditpol(?:\.exe)?\b.*(?:/clear|/remove|(?:/success|/failure):disable)|"
    r"fltmc(?:\.exe)?\s+unload|wevtutil(?:\.exe)?\b.*\ssl\s.*/e:false|"
    r"\b(?:clear|remove|limit)-eventlog\b|fsutil(?:\.exe)?\b.*usn\s+deletejournal|"
    r"reg(?:\.exe)?\s+add\b.*\\windows defender\b.*\bdisable\w*\b.*/d\s+1",
    re.I,
)
#: Running code on another host: remote services, tasks, WMI, WinRM shells, RDP hijacking.
_REMOTE_EXEC = re.compile(
    r"\bpsexec(?:64)?(?:\.exe)?\s.*\\\\|\bpaexec(?:\.exe)?\s|\bcsexec(?:\.exe)?\s|"
    r"wmic(?:\.exe)?\b.*/node:\s*\S+.*process\s+call\s+create|"
    r"\bwinrs(?:\.exe)?\s.*-r(?:emote)?:|"
    r"schtasks(?:\.exe)?\b.*/create\b.*\s/s\s+\S+|"
    r"\bsc(?:\.exe)?\s+\\\\\S+\s+(?:create|config|start)\b|"
    r"invoke-(?:wmimethod|cimmethod)\b.*-computername\b.*\bcreate\b",
    re.I,
)
_RDP_HIJACK = re.compile(r"\btscon(?:\.exe)?\s+\d+\s+/dest:", re.I)
#: Tunnels and reverse port forwards out of the network.
_TUNNEL = re.compile(
    r"\bplink(?:\.exe)?\b.*\s-[RLD]\s|\bssh(?:\.exe)?\b.*\s-[RD]\s+\d|"
    r"\bchisel(?:\.exe)?\s+(?:client|server)\b|\bngrok(?:\.exe)?\s+(?:tcp|http|tls)\b",
    re.I,
)
#: Domain and privileged-group reconnaissance (what ``net``/``nltest``/PowerView/AdFind do
#: first); a local ``whoami`` or ``ipconfig`` is not.
_RECON_CMD = re.compile(
    r"nltest(?:\.exe)?\b.*/(?:dclist|domain_trusts|all_trusts|trusted_domains|dsgetdc)|"
    r"\bnet1?(?:\.exe)?\s+group\s+\"?(?:domain admins|enterprise admins|domain controllers|"
    r"schema admins)\"?.*/do|"
    r"\bnet1?(?:\.exe)?\s+(?:user|group|accounts)\s+/do(?:main)?\b|"
    r"\badfind(?:\.exe)?\b|\bdsquery(?:\.exe)?\s+(?:\*|user|group|computer|trust)|"
    r"get-(?:net|domain)(?:user|group|groupmember|computer|trust|controller|session|"
    r"localgroup|share|ou|gpo)\b|invoke-(?:userhunter|sharefinder|enumeratelocaladmin|"
    r"bloodhound|mapdomaintrust)|sharphound|\bseatbelt(?:\.exe)?\b|"
    r"directoryservices\.activedirectory\.(?:domain|forest)\]::getcurrent",
    re.I,
)
_SCHTASK_CREATE = re.compile(
    r"schtasks(?:\.exe)?\b.*/create\b.*(?:powershell|pwsh|cmd(?:\.exe)?\s+/[ck]|mshta|"
    r"rundll32|regsvr32|wscript|cscript|https?://|\\appdata\\|\\temp\\|\\users\\public\\)",
    re.I,
)
_PIPE_ECHO = re.compile(r"\becho\s+\S+\s*>\s*\\\\\.\\pipe\\", re.I)
_EXPLORER_BREAK = re.compile(
    r"explorer(?:\.exe)?\"?\s+/root,\s*\"?\S+\.(?:exe|bat|cmd|ps1|vbs|js|hta)|"
    r"explorer(?:\.exe)?\"?\s+/factory,\{75dff2b7-6936-4c06-a8bb-676a7b00b24b\}",
    re.I,
)
_CPL = re.compile(
    r"(?:control(?:\.exe)?|shell32(?:\.dll)?,\s*control_rundll)\"?\s+\"?[^\"]*\\"
    r"(?:users|temp|programdata|appdata)\\[^\"]*\.cpl",
    re.I,
)
_OFFENSIVE_PS = re.compile(
    r"amsiutils|amsiinitfailed|invoke-shellcode|invoke-reflectivepeinjection|powersploit|"
    r"powerview|empire|invoke-psinject|"
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
    r"lazagne|winpeas|ppldump",
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
    if found := _RECON_CMD.search(command):
        technique = "T1482 Domain Trust Discovery" if "trust" in found.group(0).lower() else (
            "T1087.002 Domain Account")  # fmt: skip
        return Verdict("intrusion_attempt", True, MEDIUM, "domain reconnaissance", _DI, technique)
    if _OFFENSIVE_PS.search(command):
        return Verdict("malware", True, HIGH, "offensive PowerShell", _EXEC, _PS_TECH)
    for pattern, verdict in _COMMAND_RULES:
        if pattern.search(command):
            return verdict
    if _LOLBIN_CMD.search(command):
        return Verdict("malware", True, HIGH, "LOLBin proxy execution", _DE,
                       "T1218 System Binary Proxy Execution")  # fmt: skip
    if _ACCOUNT_CMD.search(command):
        return Verdict("account_change", True, HIGH, "account added from the command line", _P,
                       "T1136.001 Local Account")  # fmt: skip
    return None


#: (pattern, verdict) of the command-line rules checked after the PowerShell and tool ones.
_COMMAND_RULES: tuple[tuple[re.Pattern[str], Verdict], ...] = (
    (_IMPACT_CMD, Verdict("malware", True, HIGH, "recovery inhibited", "Impact",
                          "T1490 Inhibit System Recovery")),
    (_DEFENSE_OFF, Verdict("malware", True, HIGH, "defences turned off", _DE,
                           "T1562.001 Disable or Modify Tools")),
    (_REMOTE_EXEC, Verdict("intrusion_attempt", True, HIGH, "remote execution", _LM,
                           "T1021.002 SMB/Windows Admin Shares")),
    (_RDP_HIJACK, Verdict("intrusion_attempt", True, HIGH, "RDP session hijack", _LM,
                          "T1563.002 RDP Hijacking")),
    (_TUNNEL, Verdict("malware", True, HIGH, "tunnel or reverse port forward", _C2,
                      "T1572 Protocol Tunneling")),
    (_SCHTASK_CREATE, Verdict("malware", True, HIGH, "scheduled task runs a script", _P,
                              "T1053.005 Scheduled Task")),
    (_PIPE_ECHO, Verdict("privilege_escalation", True, HIGH, "named pipe impersonation", _PE,
                         "T1134.001 Token Impersonation/Theft")),
    (_EXPLORER_BREAK, Verdict("malware", True, MEDIUM, "explorer process tree break", _DE,
                              "T1202 Indirect Command Execution")),
    (_CPL, Verdict("malware", True, HIGH, "control panel item from a user folder", _DE,
                   "T1218.002 Control Panel")),
)  # fmt: skip

#: Sysmon's ``OriginalFileName`` (from the PE header) of tools attackers rename, and the
#: names those binaries legitimately run under.
_RENAMED = {
    "cmd.exe": {"cmd.exe"}, "powershell.exe": {"powershell.exe"}, "pwsh.dll": {"pwsh.exe"},
    "rundll32.exe": {"rundll32.exe"}, "regsvr32.exe": {"regsvr32.exe"},
    "certutil.exe": {"certutil.exe"}, "mshta.exe": {"mshta.exe"},
    "wscript.exe": {"wscript.exe"}, "cscript.exe": {"cscript.exe"},
    "msbuild.exe": {"msbuild.exe"}, "psexec.c": {"psexec.exe", "psexec64.exe"},
    "procdump": {"procdump.exe", "procdump64.exe"}, "bitsadmin.exe": {"bitsadmin.exe"},
    "net.exe": {"net.exe"}, "net1.exe": {"net1.exe"}, "reg.exe": {"reg.exe"},
    "wmic.exe": {"wmic.exe"}, "schtasks.exe": {"schtasks.exe"}, "nltest.exe": {"nltest.exe"},
}  # fmt: skip
#: Core Windows processes and the folders they run from (a path ending elsewhere is a fake).
_SYSTEM_PROCESSES = {
    name: ("\\windows\\system32\\" + name, "\\windows\\syswow64\\" + name)
    for name in ("svchost.exe", "lsass.exe", "csrss.exe", "smss.exe", "wininit.exe",
                 "winlogon.exe", "services.exe", "lsm.exe", "taskhostw.exe", "spoolsv.exe")
} | {"explorer.exe": ("\\windows\\explorer.exe", "\\windows\\syswow64\\explorer.exe")}  # fmt: skip
#: Discovery commands: alerts when a server process (a web shell, SQL, WMI, Office) runs them.
_RECON_TOOLS = frozenset({
    "whoami.exe", "net.exe", "net1.exe", "nltest.exe", "systeminfo.exe", "ipconfig.exe",
    "tasklist.exe", "quser.exe", "qwinsta.exe", "hostname.exe", "netstat.exe", "arp.exe",
    "nslookup.exe", "dsquery.exe", "reg.exe", "sc.exe", "schtasks.exe", "wmic.exe",
})  # fmt: skip

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
    if (image in _SHELLS or image in _RECON_TOOLS) and parent in _SHELL_PARENTS:
        tactic, technique = _SHELL_PARENTS[parent]
        return Verdict("malware", True, HIGH, f"{parent} started {image}", tactic, technique)
    if image in _SHELLS and parent in _UAC_PARENTS:
        return Verdict("privilege_escalation", True, HIGH, f"UAC bypass via {parent}", _PE,
                       "T1548.002 Bypass User Account Control")  # fmt: skip
    if parent in _SCRIPT_HOSTS and image in _SHELLS:
        return Verdict("malware", True, HIGH, f"script host {parent} started {image}", _EXEC,
                       "T1059.005 Visual Basic")  # fmt: skip
    original = data.get("OriginalFileName", "").lower()
    if original in _RENAMED and image not in _RENAMED[original]:
        return Verdict("malware", True, HIGH, f"{original} renamed to {image}", _DE,
                       "T1036.003 Rename System Utilities")  # fmt: skip
    if (
        image in _SYSTEM_PROCESSES
        and "\\" in path
        and not path.lower().strip('"').endswith(_SYSTEM_PROCESSES[image])
    ):
        return Verdict("malware", True, HIGH, f"{image} outside System32", _DE,
                       "T1036.005 Match Legitimate Name or Location")  # fmt: skip
    if image == "whoami.exe" and re.search(r"\b(?:nt authority|autorit)", data.get("User", ""),
                                           re.I):  # fmt: skip
        return Verdict("intrusion_attempt", True, HIGH, "whoami run as SYSTEM", _DI,
                       "T1033 System Owner/User Discovery")  # fmt: skip
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
    if loaded in ("clr.dll", "mscoree.dll", "mscorlib.ni.dll") and image in _SCRIPT_HOSTS | {
        "regsvr32.exe", "rundll32.exe", "msiexec.exe", "wmic.exe",
    }:  # fmt: skip
        return Verdict("malware", True, HIGH, f".NET runtime loaded by {image}", _DE,
                       "T1218 System Binary Proxy Execution")  # fmt: skip
    if loaded in ("wmiutils.dll", "wbemdisp.dll") and image in _OFFICE:
        return Verdict("malware", True, HIGH, f"WMI loaded by {image}", _EXEC,
                       "T1047 Windows Management Instrumentation")  # fmt: skip
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
    (re.compile(r"\\services\\[^\\]+\\imagepath$", re.I),
     "malware", _P, "T1543.003 Windows Service", True),
    (re.compile(r"\\classes\\clsid\\[^\\]+\\(?:inprocserver32|localserver32)\\", re.I),
     "malware", _P, "T1546.015 Component Object Model Hijacking", True),
    (re.compile(r"\\microsoft\\netsh\\", re.I),
     "malware", _P, "T1546.007 Netsh Helper DLL", True),
    (re.compile(r"\\environment\\userinitmprlogonscript$", re.I),
     "malware", _P, "T1037.001 Logon Script (Windows)", False),
    (re.compile(r"\\software\\microsoft\\office test\\special\\perf", re.I),
     "malware", _P, "T1137.002 Office Test", False),
    (re.compile(r"\\control\\session manager\\appcertdlls\\|"
                r"\\control\\print\\monitors\\[^\\]+\\driver$", re.I),
     "malware", _P, "T1546.009 AppCert DLLs", True),
    (re.compile(r"\\sam\\domains\\builtin\\aliases\\00000220\\", re.I),
     "account_change", _P, "T1098 Account Manipulation", False),
)  # fmt: skip
_HOSTILE_VALUE = re.compile(
    r"powershell|cmd(?:\.exe)?\s+/[ck]|wscript|cscript|mshta|rundll32|regsvr32|scrobj\.dll|"
    r"\\(?:temp|users\\public|programdata)\\|^\\\\[^\\]",
    re.I,
)


_TRACES = re.compile(r"\\explorer\\(?:runmru|typedpaths|recentdocs|comdlg32)", re.I)


def registry_verdict(data: Data) -> Verdict | None:
    key = data.get("TargetObject", "")
    if re.search(r"\\policy\\secrets\\\$machine\.acc\\", key, re.I) and basename(
        data.get("Image", "")
    ) not in ("lsass.exe", ""):
        return Verdict("privilege_escalation", True, CRITICAL, "machine account secret written",
                       _CA, "T1003.004 LSA Secrets")  # fmt: skip
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


#: Programs that open RDP sessions; anything else connecting out to 3389 drives RDP itself.
_RDP_CLIENTS = frozenset({
    "mstsc.exe", "msrdc.exe", "rdcman.exe", "remotedesktopmanager.exe",
    "remotedesktopmanager64.exe", "mremoteng.exe", "vmconnect.exe", "devolutions.exe",
    "royalts.exe", "msrdcw.exe", "system", "svchost.exe",
})  # fmt: skip
_SCRIPTING = frozenset({"powershell.exe", "pwsh.exe", "cmd.exe", "wscript.exe", "cscript.exe",
                        "mshta.exe", "rundll32.exe", "regsvr32.exe"})  # fmt: skip


def connection_verdict(data: Data) -> Verdict | None:
    image = basename(data.get("Image", ""))
    destination = data.get("DestinationIp", "")
    port = data.get("DestinationPort", "")
    outbound = data.get("Initiated", "true").lower() == "true"
    if image in _CALLERS and destination and not _PRIVATE.match(destination):
        return Verdict("malware", True, MEDIUM, f"{image} connected out", _C2,
                       "T1105 Ingress Tool Transfer")  # fmt: skip
    if outbound and port == "3389" and image not in _RDP_CLIENTS:
        return Verdict("intrusion_attempt", True, MEDIUM, f"RDP from {image}", _LM,
                       "T1021.001 Remote Desktop Protocol")  # fmt: skip
    if outbound and port in ("445", "135", "5985", "5986") and image in _SCRIPTING:
        return Verdict("intrusion_attempt", True, MEDIUM, f"{image} reached port {port}", _LM,
                       "T1021.002 SMB/Windows Admin Shares" if port == "445" else
                       "T1021.006 Windows Remote Management" if port.startswith("598") else
                       "T1021.003 Distributed Component Object Model")  # fmt: skip
    if (
        image in _SCRIPTING
        and destination
        and not _PRIVATE.match(destination)
        and port not in ("80", "443", "53", "")
    ):
        return Verdict("malware", True, MEDIUM, f"{image} to port {port}", _C2,
                       "T1571 Non-Standard Port")  # fmt: skip
    return None


#: Services attackers use to reach in or stage payloads (tunnels, dynamic DNS, pastes).
_C2_DOMAINS = re.compile(
    r"(?:^|\.)(?:ngrok\.io|ngrok-free\.app|ngrok\.app|serveo\.net|portmap\.io|"
    r"trycloudflare\.com|duckdns\.org|no-ip\.(?:com|org|biz)|ddns\.net|hopto\.org|"
    r"pastebin\.com|paste\.ee|hastebin\.com|transfer\.sh|anonfiles\.com|[a-z2-7]{16,56}\.onion)$",
    re.I,
)
_CODE_HOSTS = re.compile(r"(?:^|\.)(?:raw\.githubusercontent\.com|gist\.githubusercontent\.com)$",
                         re.I)  # fmt: skip


def dns_verdict(data: Data) -> Verdict | None:
    """Sysmon 22: tunnel, dynamic-DNS and paste domains; raw code hosts from scripting."""
    name = data.get("QueryName", "").rstrip(".")
    image = basename(data.get("Image", ""))
    if _C2_DOMAINS.search(name) or (_CODE_HOSTS.search(name) and image in _SCRIPTING | _CALLERS):
        return Verdict("malware", True, MEDIUM, f"{image} looked up {name}", _C2,
                       "T1102 Web Service")  # fmt: skip
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
    image = basename(data.get("Image", ""))
    if _ACCESSIBILITY.search(target) and image not in ("trustedinstaller.exe", "tiworker.exe"):
        return Verdict("malware", True, HIGH, "accessibility binary replaced", _P,
                       "T1546.008 Accessibility Features")  # fmt: skip
    if image == "system" and _DROPPED_CODE.search(target) and _REMOTE_DROP.search(target):
        return Verdict("intrusion_attempt", True, HIGH, "code written over SMB", _LM,
                       "T1570 Lateral Tool Transfer")  # fmt: skip
    if image in _OFFICE and _DROPPED_CODE.search(target):
        return Verdict("malware", True, HIGH, f"{image} wrote {basename(target)}", _EXEC,
                       "T1204.002 Malicious File")  # fmt: skip
    if re.search(r"\\windows\\system32\\tasks\\", target, re.I) and (
        image in _SCRIPTING or _USER_DIRS.search(data.get("Image", ""))
    ):
        return Verdict("malware", True, HIGH, f"{image} wrote a task file", _P,
                       "T1053.005 Scheduled Task")  # fmt: skip
    return None


_ACCESSIBILITY = re.compile(
    r"\\windows\\system32\\(?:sethc|utilman|osk|magnify|narrator|displayswitch|atbroker)\.exe$",
    re.I,
)
_DROPPED_CODE = re.compile(r"\.(?:exe|dll|scr|ps1|bat|cmd|vbs|vbe|js|jse|hta|wsf|sys)$", re.I)
#: Where remote tools drop their payloads through ADMIN$/C$ (the kernel, ``System``, writes
#: files that arrive over SMB).
_REMOTE_DROP = re.compile(r"^c:\\windows\\(?:temp\\)?[^\\]+$|\\users\\public\\|"
                          r"^c:\\programdata\\[^\\]+$|^c:\\perflogs\\", re.I)  # fmt: skip
_OFFICE = frozenset({"winword.exe", "excel.exe", "powerpnt.exe", "outlook.exe", "mspub.exe",
                     "msaccess.exe", "onenote.exe"})  # fmt: skip


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
    if (
        data.get("LogonType") == "3"
        and data.get("TargetUserName", "").upper() == "ANONYMOUS LOGON"
        and data.get("IpAddress", "") in ("127.0.0.1", "::1")
    ):
        return Verdict("privilege_escalation", True, HIGH, "anonymous NTLM logon from loopback",
                       _PE, "T1134.001 Token Impersonation/Theft")  # fmt: skip
    return None


def kerberoast_verdict(data: Data) -> Verdict | None:
    """4769: a service ticket for a user account's SPN encrypted with RC4 (Kerberoasting);
    machine accounts and krbtgt are left out, as in SigmaHQ's rule."""
    service = data.get("ServiceName", "")
    if (
        data.get("TicketEncryptionType", "").lower() in ("0x17", "0x18")
        and data.get("Status", "0x0").lower() == "0x0"
        and service
        and not service.endswith("$")
        and service.lower() != "krbtgt"
    ):
        return Verdict("privilege_escalation", True, HIGH, f"RC4 ticket for {service}", _CA,
                       "T1558.003 Kerberoasting")  # fmt: skip
    return None


def asrep_verdict(data: Data) -> Verdict | None:
    """4768: a TGT issued without pre-authentication (AS-REP roasting)."""
    if data.get("PreAuthType", "").strip() == "0" and data.get("Status", "0x0").lower() == "0x0":
        return Verdict("privilege_escalation", True, HIGH, "TGT without pre-authentication", _CA,
                       "T1558.004 AS-REP Roasting")  # fmt: skip
    return None


#: Directory replication rights (DS-Replication-Get-Changes, -All, -In-Filtered-Set).
_REPLICATION = re.compile(
    r"1131f6aa-9c07-11d1-f79f-00c04fc2dcd2|1131f6ad-9c07-11d1-f79f-00c04fc2dcd2|"
    r"89e95b76-444d-4c62-991a-0facbeda640c",
    re.I,
)


def directory_access_verdict(data: Data) -> Verdict | None:
    """4662: replication rights used by a user account (DCSync); domain controllers' machine
    accounts and Azure AD Connect's ``MSOL_`` account replicate for a living."""
    subject = data.get("SubjectUserName", "")
    if (
        _REPLICATION.search(data.get("Properties", ""))
        and not subject.endswith("$")
        and not subject.upper().startswith("MSOL_")
    ):
        return Verdict("privilege_escalation", True, CRITICAL, f"DCSync by {subject}", _CA,
                       "T1003.006 DCSync")  # fmt: skip
    return None


#: Well-known RIDs of privileged accounts and groups (Administrator, krbtgt, Domain/Schema/
#: Enterprise Admins, Group Policy Creator Owners, Administrators, Server Operators, Remote
#: Desktop Users).
_PRIVILEGED_RIDS = re.compile(r"-(?:500|502|512|518|519|520|544|549|551|555)$")


def sam_handle_verdict(data: Data) -> Verdict | None:
    """4661: a user account opening a SAM handle to a privileged account or group (``net
    group "domain admins" /domain`` and AD reconnaissance tools)."""
    subject = data.get("SubjectUserName", "")
    if (
        data.get("ObjectType", "").upper() in ("SAM_GROUP", "SAM_ALIAS", "SAM_USER")
        and _PRIVILEGED_RIDS.search(data.get("ObjectName", "").strip())
        and subject
        and not subject.endswith("$")
    ):
        return Verdict("intrusion_attempt", True, MEDIUM, "privileged group enumerated", _DI,
                       "T1069.002 Domain Groups")  # fmt: skip
    return None


def audit_policy_verdict(data: Data) -> Verdict | None:
    """4719: auditing removed (``%%8448`` success removed, ``%%8450`` failure removed)."""
    if re.search(r"%%84(?:48|50)\b", data.get("AuditPolicyChanges", "")):
        return Verdict("malware", True, HIGH, "audit policy removed", _DE,
                       "T1562.002 Disable Windows Event Logging")  # fmt: skip
    return None


_DIRECTORY_ATTRIBUTES = {
    "msds-keycredentiallink": (_CA, "T1556 Modify Authentication Process", "shadow credentials"),
    "msds-allowedtoactonbehalfofotheridentity": (
        _PE, "T1134 Access Token Manipulation", "resource-based constrained delegation"),
    "msds-allowedtodelegateto": (_PE, "T1134 Access Token Manipulation",
                                 "constrained delegation"),
    "serviceprincipalname": (_CA, "T1558.003 Kerberoasting", "SPN set on a user"),
}  # fmt: skip


def directory_change_verdict(data: Data) -> Verdict | None:
    """5136: attributes whose change grants a path to credentials or impersonation."""
    attribute = data.get("AttributeLDAPDisplayName", "").lower()
    found = _DIRECTORY_ATTRIBUTES.get(attribute)
    if found is None or data.get("SubjectUserName", "").endswith("$"):
        return None
    if attribute == "serviceprincipalname" and data.get("ObjectClass", "user").lower() != "user":
        return None
    tactic, technique, reason = found
    return Verdict("privilege_escalation", True, HIGH, reason, tactic, technique)


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


_REMOTE_SERVICES = re.compile(
    r"^(?:psexesvc|paexec|remcom|csexecsvc|winexesvc|btobto|ddexec)|^remcomsvc", re.I
)


def service_verdict(data: Data) -> Verdict | None:
    """7045/4697: a remote execution tool's service, a service that runs a shell or a
    script, or a binary in a user folder."""
    path = data.get("ImagePath") or data.get("ServiceFileName", "")
    if _REMOTE_SERVICES.search(data.get("ServiceName", "")) or re.search(
        r"\\(?:psexesvc|paexec[^\\]*|remcomsvc|csexecsvc|winexesvc)\.exe", path, re.I
    ):
        return Verdict("intrusion_attempt", True, HIGH, "remote execution service", _LM,
                       "T1569.002 Service Execution")  # fmt: skip
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


_SECURITY_SERVICES = {
    "windows event log": "T1562.002 Disable Windows Event Logging",
    "eventlog": "T1562.002 Disable Windows Event Logging",
    "sysmon": "T1562.001 Disable or Modify Tools",
    "sysmon64": "T1562.001 Disable or Modify Tools",
    "windows defender antivirus service": "T1562.001 Disable or Modify Tools",
    "microsoft defender antivirus service": "T1562.001 Disable or Modify Tools",
    "windows defender advanced threat protection service": "T1562.001 Disable or Modify Tools",
    "windows defender firewall": "T1562.004 Disable or Modify System Firewall",
    "windows firewall": "T1562.004 Disable or Modify System Firewall",
}


def eventlog_service_verdict(data: Data) -> Verdict | None:
    """7036 (stopped), 7031/7034 (terminated unexpectedly): the event log, Sysmon, Defender or
    the firewall service gone."""
    name = data.get("param1", "").strip().lower()
    technique = _SECURITY_SERVICES.get(name)
    if technique is None:
        return None
    if "param3" in data or "param4" in data or "stop" in data.get("param2", "").lower() or (
        data.get("param2", "").strip().isdigit()
    ):  # fmt: skip
        return Verdict("malware", True, HIGH, f"{name} service stopped", _DE, technique)
    return None


def defender_config_verdict(data: Data) -> Verdict | None:
    """5007: a Defender setting changed to add an exclusion or turn a protection off."""
    value = data.get("New Value", "")
    if re.search(r"\\exclusions\\|\\disable\w+\s*=\s*0x1\b", value, re.I):
        return Verdict("malware", True, HIGH, "Defender exclusion or protection off", _DE,
                       "T1562.001 Disable or Modify Tools")  # fmt: skip
    return None


def wmi_verdict(data: Data) -> Verdict | None:
    """WMI-Activity 5861: a permanent event consumer that runs a command or a script."""
    text = " ".join(data.values())
    if re.search(r"commandlineeventconsumer|activescripteventconsumer", text, re.I):
        return Verdict(
            "malware",
            True,
            HIGH,
            "WMI permanent event consumer",
            _P,
            "T1546.003 Windows Management Instrumentation Event Subscription",
        )
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


_REMOTE_EXEC_PIPES = re.compile(
    r"^(?:psexesvc|paexec|remcom_|csexec|\S+-(?:stdin|stdout|stderr))", re.I
)


def share_verdict(data: Data) -> Verdict | None:
    """5145: a remote client opening the service-control or task-scheduler pipe over IPC$
    (PsExec-style remote services, ``at``/``schtasks /s``), a remote execution tool's pipes,
    or code written into ADMIN$/C$."""
    pipe = data.get("RelativeTargetName", "").strip().lower()
    address = data.get("IpAddress", "")
    share = data.get("ShareName", "").lower()
    if address in ("", "-", "::1", "127.0.0.1"):
        return None
    if "ipc$" in share and _REMOTE_EXEC_PIPES.search(pipe):
        return Verdict("intrusion_attempt", True, HIGH, "remote execution pipe", _LM,
                       "T1569.002 Service Execution")  # fmt: skip
    if re.search(r"\\(?:admin|c)\$$", share) and _DROPPED_CODE.search(pipe) and re.search(
        r"%%4417|%%4424|0x2\b|0x6\b|0x116\b", data.get("AccessList", "")
        + " " + data.get("AccessMask", "")
    ):  # fmt: skip
        return Verdict("intrusion_attempt", True, HIGH, "code written to an admin share", _LM,
                       "T1570 Lateral Tool Transfer")  # fmt: skip
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
    ("sysmon", 22): dns_verdict,
    ("security", 4769): kerberoast_verdict,
    ("security", 4768): asrep_verdict,
    ("security", 4662): directory_access_verdict,
    ("security", 4661): sam_handle_verdict,
    ("security", 4719): audit_policy_verdict,
    ("security", 5136): directory_change_verdict,
    ("system", 7031): eventlog_service_verdict,
    ("system", 7034): eventlog_service_verdict,
    ("defender", 5007): defender_config_verdict,
    ("wmi", 5861): wmi_verdict,
}
