"""The model card's section on Windows, firewall and IDS detection (``detection_families``)."""

from __future__ import annotations

from typing import Any

from classifiers.logs.detection_eval import (
    BRUTE_FORCE_FAILURES,
    BRUTE_FORCE_WINDOW_S,
    HELDOUT_TACTICS,
)


def _share(value: Any) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _tactic_rows(split: dict[str, Any]) -> str:
    rows = ["| tactic | recordings | raise an alert | right tactic |", "|---|---:|---:|---:|"]
    for tactic, row in sorted(split.get("tactics", {}).items()):
        rows.append(
            f"| {tactic} | {row['recordings']} | {row['alerted']} | {row['right_tactic']} |"
        )
    rows.append(
        f"| **all** | {split.get('recordings')} | {_share(split.get('alerted_share'))} | "
        f"{_share(split.get('right_tactic_share'))} |"
    )
    return "\n".join(rows)


def _netsec_rows(families: dict[str, Any]) -> str:
    rows = [
        "| family | lines that must alert | recall | other lines | false positives | "
        "signal lines a port-scan rule can count |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for family, row in sorted(families.items()):
        rows.append(
            f"| {family} | {row['alert_lines']} | {_share(row['recall'])} | "
            f"{row['other_lines']} | {_share(row['fp_rate'])} | "
            f"{row['signals_with_correlation_fields']}/{row['signals']} |"
        )
    return "\n".join(rows)


#: What the hunt figures were before issue 16's second round of rules, and how clean they are.
HUNT_HISTORY = """Before the second round of rules (issue 16 item 2), measured the same way
through hunt: development 82.6% alert / 55.1% right tactic, held-out-at-the-time 65.6% / 31.2% (the
brute-force stand-in above had credited one SQL Server recording the engine's thresholds do
not: 10 failed logons for 10 logins stay under the 20-per-source and 10-per-login rules).
The second round (Kerberoasting and AS-REP roasting, DCSync, audit policy removed, Defender
off or excluded, WMI-Activity consumers, PsExec-style services, pipes and ADMIN$ drops, credential
dumping, recovery-inhibiting, defence-disabling, remote-execution, RDP-hijack, tunnel and
domain-discovery command lines, renamed or misplaced system binaries, scripting processes
reaching RDP/SMB/WinRM or odd ports, tunnel and paste DNS, registry persistence of services,
COM, netsh and logon scripts; alerts keep every technique of their events) was written from
Microsoft's event reference, SigmaHQ rule ideas and ATT&CK, not from the recordings' events;
but every recording's file name and the baseline's per-recording alerts had been seen, and a
few rules answer a name directly (privileged SAM handles 4661, the Administrators alias in the
SAM, the machine account's LSA secret, security services crashing 7031/7034, explorer /root,
control panel items, RDP from non-RDP clients, loopback anonymous NTLM). All figures here are
therefore development or post-hoc figures; none is a held-out measurement. Four of those
name-driven rules (LSA secret, service crash, RDP client, control panel item) still do not
fire on the recording that suggested them; they were not tuned to its events."""


def _overall(hunt: dict[str, Any]) -> str:
    rows = [r for split in ("development", "heldout") for r in hunt[split]["tactics"].values()]
    total = sum(r["recordings"] for r in rows)
    alerted = sum(r["alerted"] for r in rows)
    right = sum(r["right_tactic"] for r in rows)
    return (
        f"{total} recordings: {alerted} raise an alert ({alerted / max(total, 1):.1%}), "
        f"{right} with the right tactic ({right / max(total, 1):.1%})"
    )


def hunt_text(figures: dict[str, Any]) -> str:
    """The tables measured through the alerting engine (``logwarden hunt``)."""
    hunt = figures.get("windows_hunt", {})
    benign = figures.get("windows_benign_hunt", {})
    if "development" not in hunt:
        return f"EVTX recordings through hunt: {hunt.get('note', 'not measured')}."
    return f"""**Through the alerting engine** (`logwarden hunt FILE.evtx`: parser, scorer and
`classifiers/alerting` with the default policy and no allow-list, one fresh engine per
recording; a recording raises an alert when hunt writes any alert document for it, right
tactic = an alert's `threat.tactic.name` includes the folder's tactic; reproduce with
`python -m benches.windows_hunt`). Development tactics:

{_tactic_rows(hunt["development"])}

Tactics held out at the time ({", ".join(HELDOUT_TACTICS)}); post-hoc since,
see the note below:

{_tactic_rows(hunt["heldout"])}

All {_overall(hunt)}.

Ordinary activity through hunt: {benign.get("alerts")} alerts in {benign.get("events")} events
= {benign.get("alerts_per_1000")} per 1,000 (target <= 1)."""


def detection_text(figures: dict[str, Any] | None) -> str:
    """Markdown for the card (a note when the figures were not measured)."""
    if not figures:
        return "Not measured in this run."
    attacks = figures.get("windows_attacks", {})
    benign = figures.get("windows_benign", {})
    if "development" not in attacks:
        windows = f"EVTX recordings: {attacks.get('note', 'not measured')}."
    else:
        windows = f"""Development tactics (rules written while reading these recordings):

{_tactic_rows(attacks["development"])}

Held-out tactics ({", ".join(HELDOUT_TACTICS)}): no rule was written
while looking at them. Measured clean once at the end: 14 of 32 recordings raised an alert
(43.8%), 5 with the right tactic (15.6%). General Sigma-style rules were then added for what
the misses' names showed was not covered at all (remote `svcctl`/`atsvc` over IPC$,
`xp_cmdshell`, mshta started over DCOM, unexpected smss children, programs run from
`\\tsclient`, hidden `$` accounts in the SAM, unsigned drivers, BITS jobs from IP addresses),
without reading the recordings' events; so the table below is a post-hoc figure, not a
held-out one:

{_tactic_rows(attacks["heldout"])}"""
    return f"""Windows events, firewall and IDS records carry a parser verdict (`logwarden.parser`:
pinned label, alert-or-signal, vendor severity, ATT&CK; `classifiers/parsing/verdict.py`) that
the scorer never lowers. Measured by `classifiers.logs.detection_eval` through the scorer.

**Windows attack recordings** (shared EVTX samples, {attacks.get("events", "?")} events; a
recording raises an alert when an event of it alerts or when {BRUTE_FORCE_FAILURES} failed
logons from one source fall within {BRUTE_FORCE_WINDOW_S:.0f} s, the stand-in for the alerting
engine's brute-force rule; right tactic = an alert names the folder's ATT&CK tactic):

{windows}

{hunt_text(figures) if "windows_hunt" in figures else ""}

{HUNT_HISTORY if "windows_hunt" in figures else ""}

**Ordinary Windows activity** (`classifiers/logs/winactivity.py`, generated: logons of types
2/3/5/7/10/11, service control, vendor service installs, maintenance tasks, Explorer/svchost/
browser/Office/Teams/OneDrive/admin PowerShell processes, connections, DNS, downloads with
their Zone.Identifier streams, Run keys of OneDrive, Defender reading LSASS; since issue 16's
second round also administrators' and DCs' routine: machine-account RC4 tickets, DC-to-DC and
Azure AD Connect replication, GPO audit policy, Defender configuration updates, admin commands,
vendor service registry/COM writes and crashes, null sessions, SMB to a file server, added
before the rules it tests): {benign.get("alerts")}
alerts in {benign.get("events")} events = {benign.get("alerts_per_1000")} per 1,000 (target
<= 1). The generator was written by the same hand as the rules: treat this as a floor on the
false-alarm rate of a real fleet, not a measurement of one.

**Firewalls and IDS** (`classifiers/logs/netsec_eval.tsv`, hand-written after the vendors'
documented formats, used by no test):

{_netsec_rows(figures.get("firewall_ids", {}))}

Its first run found two format gaps, fixed since (so the set is no longer untouched): kernel log
prefixes such as `DROPPED-INPUT:` and inline `[Drop] [**]` fast alerts (IDS recall was 83.3%,
one firewall block lacked its fields). A port-scan rule counts `event.type: denied` with
`source.ip`, `destination.ip`, `destination.port` and `network.transport`; low-priority IDS
alerts are signals of another kind."""
