"""Structure inference for lines no detector knows, learned once per source and cached.

The first line of a source that no format parses is searched for a timestamp
(:func:`.stamps.find`: the candidate closest to the line start). The tokens around it are
read by role: a level word (``INFO``, ``[warn]``, ``<E>``, ``LOG:``, ``level=info``), a pid
(``12345``, ``[12345]``), a ``program[pid]:`` tag, or anything else, kept as a generic
token. From those one anchored regex is compiled: the *layout* of the source. Later lines
of the source pay one precompiled match; a line the source's layouts do not fit is learned
as another layout (a few per source). Lines without any timestamp are remembered by shape,
so they are not searched again.

``source`` is what the caller says the lines come from (topic, file) plus the envelope's
file or host: layouts of one application do not leak into another's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any

from classifiers.parsing import auth
from classifiers.parsing.events import Context
from classifiers.parsing.fields import LETTER_LEVELS, field_severity, keyed_severity
from classifiers.parsing.months import MONTH_PATTERN
from classifiers.parsing.registry import shape
from classifiers.parsing.stamps import LAYOUTS, StampLayout, find, stamp_of
from classifiers.parsing.syslog import FACILITIES, SEVERITIES
from classifiers.parsing.timeparse import posix_seconds

LEVEL_WORDS = (
    "trace", "debug", "dbug", "dbg", "info", "informational", "information", "inf", "notice",
    "warning", "warn", "wrn", "error", "err", "eror", "critical", "crit", "fatal", "ftl",
    "alert", "emergency", "emerg", "severe", "fine", "finer", "finest", "config", "verbose",
    "panic", "dpanic", "log", "statement", "detail", "hint", "note", "default", "fault",
    "deprecated", "system",  # MySQL 8's "[System]"
    "trce", "fail",  # .NET's Microsoft.Extensions.Logging console ("fail: Name[1]")
    "ddebug",  # dnf.log
    "debg", "erro", "debu", "success",  # Rust's slog, logrus' terminal, loguru
    "noti", "notification",  # Extreme EXOS' "<Noti:DM.Notice>", Fortinet's pri=notification
    "ntc", "crt", "alr", "emg",  # motion's "[NTC]", "[CRT]"
    "lifecycle",  # Gradle's "[LIFECYCLE]"
    "major", "minor", "cleared", "indeterminate", "message", "status",  # in capitals: below
    "event",  # NFS-Ganesha's EVENT, in capitals
    # as Windows, Java and tools print them in German, French, Spanish, Italian, Dutch,
    # Polish, Portuguese and Russian
    "informationen", "hinweis", "warnung", "fehler", "kritisch", "schwerwiegend",
    "infos", "avertissement", "erreur", "critique", "grave",
    "información", "aviso", "advertencia", "crítico",
    "informazioni", "attenzione", "errore", "critico",
    "informatie", "waarschuwing", "fout", "kritiek",
    "informacje", "ostrzeżenie", "błąd", "krytyczny",
    "informação", "erro",
    "сведения", "информация", "предупреждение", "ошибка", "критический", "критическая",
)  # fmt: skip
_LEVEL_SET = frozenset(LEVEL_WORDS)
#: Alarm severities (ITU X.733, as Nokia SR OS writes "MINOR:" and Huawei "MAJOR") and glib's
#: "MESSAGE", Traffic Server's "STATUS:": levels in capitals, words of prose otherwise ("minor
#: GC pause", "Message: hi").
_CAPITAL_LEVELS = frozenset({
    "major", "minor", "cleared", "indeterminate", "message", "status", "event",
})  # fmt: skip
#: Level words only in brackets: MySQL 8's "[System]" (launchd's "(system/com.example.agent)"
#: and "Operating System Environment" are no levels).
_BRACKETED_LEVELS = frozenset({"system"})
# Longest first: the regex alternation takes the first word that matches ("info" in "information").
_LEVEL_RE = r"(?P<level>(?i:" + "|".join(sorted(LEVEL_WORDS, key=len, reverse=True)) + r")[1-5]?)"
#: Redis' role markers as levels.
_REDIS_LEVELS = {".": "debug", "*": "notice", "#": "warning"}
_REDIS_RE = r"(?P<marker>[.*#])"
_LETTERS = "VDIWEFA"
_LETTER_RE = f"(?P<letter>[{_LETTERS}])"
#: qBittorrent's "(N) 2026-12-04T09:02:11 - ...", "(C)" critical: a letter in parentheses or
#: brackets opening the line.
_OPENING_LETTER = re.compile(r"[(\[][DIWEFNC][)\]]")
#: Telegraf's and the CloudWatch agent's "I!", "W!", "E!", "D!" after the stamp.
_BANG_LETTER = re.compile(r"[DIWE]!")
#: SAP Replication Server's "I. 2026/12/03 02:15:40. ...": a level letter and a dot first.
_DOTTED_LETTER = re.compile(r"[DIWEF]\.")
#: Levels a line opens with where the header tokens do not show them: Python logging's
#: default "LEVEL:logger:message" (basicConfig; aiohttp's access log, huey after its stamp),
#: ``dmesg -x``'s "kern  :info  : [...]" and Passenger's "[ N 2026-12-01 ...".
_PYTHON_RECORD = re.compile(r"(CRITICAL|FATAL|ERROR|WARNING|WARN|INFO|DEBUG):([\w.-]+):")
_OPENING_LEVEL = re.compile(
    "(?:" + "|".join(map(re.escape, FACILITIES)) + r")\s*:"
    r"(emerg|alert|crit|err|warn|notice|info|debug)\s*:\s|\[ ([CEWNID])\d? \d{4}-"
)
#: NFS-Ganesha's " :COMPONENT :LEVEL :": the word after the component.
_COMPONENT_LEVEL = re.compile(r" :[A-Z][A-Z0-9 _]* :([A-Z]+) :")
#: A bracketed component before a level word (pacman's "[ALPM] warning: ...").
_BRACKETED_PREFIX = re.compile(r"\[[\w.-]+\]\s+")
#: VMware Workstation's "In(05)", "Wa(03)": a severity's abbreviation and a padded verbosity.
_VMX_LEVELS = frozenset({"In", "Wa", "Er", "Cr", "Db", "No", "Al", "Em", "Vb"})
#: VMware ESXi's "In(166)", "Wa(164)": a severity's abbreviation and the syslog PRI it is.
_PRI_LEVEL = re.compile(r"([A-Z][a-z])\((\d{1,3})\)")
_HOST_RE = r"(?P<host>[\w./@-]+)"  # also "node7/node7", as relays write it
_HOST_WORD = re.compile(r"[\w./@-]+")
_LEVEL_ROLES = frozenset({"level", "glog", "marker", "letter"})

# A program tag may name a module (PAM's "sshd(pam_unix)[19939]:") or a thread ("[812:0]").
_PROGRAM = r"[\w./-]+(?:\([\w:./-]*\))?"
_TOKEN = re.compile(
    r"(\s*)(\[[^\]]*\]|<[^>]*>|\([^)]*\)|"
    + _PROGRAM
    + r"\[\d+(?::\d+)?\]:?|"
    + r"[A-Z][a-z]\(\d{1,3}\)(?!\S)|[^\s\[<(|]+|\S)"
)
# "[INFO]", "<warn>", "LOG:", Monolog's "channel.ERROR:", Asterisk's "NOTICE[2291]:",
# Celery's "INFO/MainProcess]", Icinga's "warning/ApiListener:", Twisted's "[stdout#info]",
# Minecraft's "[Server thread/INFO]:".
_LEVEL_TOKEN = re.compile(
    r"([\[<(=:]?\s*)((?:[\w.-]+::?)*|[\w-]+\.|[\w.-]+#|(?<=\[)[\w][\w .#-]*/)"
    r"([^\W\d_]+[1-5]?)(\[\d+\])?([/:-][\w.-]+)?(\s*[\]>),]?:?)"
)
#: A channel before a level: Monolog's "app.", NetApp's "node:wafl.vol:", Zeek's "Reporter::",
#: Twisted's namespace ("twisted.web.server.Site#"), Minecraft's thread ("[Server thread/INFO]").
_CHANNEL_RE = {".": r"[\w-]+\.", ":": r"(?:[\w.-]+::?)+", "#": r"[\w.-]+#", "/": r"[^\]\[/]+/"}
#: Python logging's "%(asctime)s:%(levelname)s:%(name)s:..." (certbot): ":ERROR:name:..."
_COLON_LEVEL = re.compile(r":([A-Z]+):")
# "Warning: ", "[CRITICAL] ", GitHub Actions' "##[warning]Node.js 16 ..."
_LEADING_LEVEL = re.compile(r"##\[([A-Za-z]+)\]|\[?([^\W\d_]+)(?:\]:?|\s?:)\s")
#: Android logcat's "D/ConnectivityService", Firefox's "D/nsHttp": a level letter and a tag.
_LETTER_TAG_RE = _LETTER_RE + r"/[^\s(]+"
_LETTER_TAG = re.compile(_LETTER_TAG_RE)
#: GPFS' "[I]", OpenNebula's "[Z0][ReM][D]:": a bracketed level letter in the header.
_BRACKET_LETTER = re.compile(r"\[[DIWEFN]\]:?")
# pri: FortiMail; prio: PowerDNS' structured logging; at: Heroku's router ("at=error code=H12")
_LEVEL_KEYS = r"level|lvl|severity|loglevel|log\.level|pri|prio|priority|at"
_KEY_LEVEL = re.compile(r"(?<![\w.])(" + _LEVEL_KEYS + r")=(\"?)([A-Za-z]+)\"?")
#: The same anywhere in a message, any case, also "LEVEL: Info" (Db2): for layouts without a level.
_KEY_LEVEL_IN_TEXT = re.compile(r"(?<![\w.])(?i:" + _LEVEL_KEYS + r")(?:=\"?|:\s*)([A-Za-z]+)")
#: An upper-case level word and a colon anywhere near the start of a message.
_SHOUTED_LEVEL = re.compile(  # Zeek: "\tReporter::WARNING\t", French "ERREUR : ..."
    r"(?<![\w.])([^\W\d_]{3,})(?::\s|\s:\s|\]\s|\t|,\s)"  # SLX-OS: "DCE, INFO, ..."
)
_SHOUTED_WINDOW = 160
#: A level word labelled as such after a message's own prefix: Bacula's and Bareos' "bacula-sd
#: JobId 4512: Error: ...", "... Backup: Warning: ...".
_LABELLED_LEVEL = re.compile(r":\s+([A-Z][a-z]+|[A-Z]+)(?=:\s)")
#: Syslog facilities: "daemon.info", "<local0.info>" is a facility and a level in lower case.
_FACILITIES = frozenset(FACILITIES)
#: After the header: an optional separator (" - ", "] ", ": ", or NLog's bare "|"), the message.
_CONTENT = r"(?:\s*[-:|\]]+(?=\s)|\|)?\s*(?P<content>.*)\Z"
#: What may follow a stamp that ends a line: a zone's comment ("+0900 (JST)").
_LINE_END = re.compile(r"\s*(?:\([A-Za-z]+\))?\s*")
_HEX_ID = re.compile(r"0x[0-9a-fA-F]{1,16}|(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{8,16}")
_INNER = "|inner"
_INNER_WINDOW = 64
#: How a stamped line may start, checked before the layouts are searched (a line without a
#: level pays for this match, not for a search of every layout): a digit, glog's letter and the
#: date, TAI64N's "@", logfmt's time key, or a weekday or month name, any of them bracketed.
_STAMP_START = re.compile(
    r"[\s\[(<]{0,2}(?:[IWEF]?\d|@|(?:time|ts)=|(?i:mon|tue|wed|thu|fri|sat|sun|"
    + MONTH_PATTERN
    + r")(?![^\W\d_]))"
)
_LOGFMT_MSG = re.compile(r'(?:msg|message)=(?:"((?:[^"\\]|\\.)*)"|(\S+))\s*(.*)\Z', re.DOTALL)
_PID_TOKEN = re.compile(r"([\[<(]?)(\d+)([\]>),:]?)")
_PROGRAM_TOKEN = re.compile("(" + _PROGRAM + r")\[(\d+)(?::\d+)?\](:?)")
_WORD_RUN = re.compile(r"[\w.-]+")
_LOGGER = r"[A-Za-z_$][\w$-]*(?:\.[\w$-]+)+"  # com.acme.Pay, chrome.exe
_LOGGER_WORD = re.compile(_LOGGER)
_LOGGER_RE = "(?P<logger>" + _LOGGER + ")"
#: A date without a time before the stamp ("2026.12.04 node7 Dec  4 10:11:12 ..."): a relay's
#: or collector's date, where the forwarded syslog stamp has no year.
_DATE_TOKEN = re.compile(r"\d{4}([./-])\d\d\1\d\d")
_DATE_RE = r"(?P<dyear>\d{4})[./-](?P<dmonth>\d\d)[./-]\d\d"
_WRAPPED = {"[": r"\[[^\]]*\]", "<": r"<[^>]*>", "(": r"\([^)]*\)"}
_HEADER_TOKENS = 6
_LAYOUTS_PER_SOURCE = 8
_SOURCES_LIMIT = 1024
_NEGATIVE_LIMIT = 8192


@dataclass
class Layout:
    """A learned line layout: one anchored regex and what its groups mean."""

    source: str
    stamp: StampLayout
    pattern: re.Pattern[str]
    fields: tuple[str, ...]
    sample: str
    hits: int = field(default=0)
    #: ``a/b/yyyy`` dates of this source are day first (a line had ``a`` above 12) or month
    #: first (``b`` above 12); ``None`` until a line shows which.
    day_first: bool | None = field(default=None)

    def see_date_order(self, parts: dict[str, str | None]) -> None:
        """Learn from an ``a/b/yyyy`` date whether this source writes the day first."""
        first, second = parts.get("first"), parts.get("second_part")
        if first is None or second is None or self.day_first is not None:
            return
        if int(first) > 12:  # "25/11/2026": this source writes the day first
            self.day_first = True
        elif int(second) > 12:  # "11/25/2026": the month
            self.day_first = False


_LEARNED: dict[str, list[Layout]] = {}
_NO_STAMP: set[tuple[str, bytes]] = set()
#: Whether lines of a source and shape open with a stamp, which a layout of a stamp late in the
#: line must not take: remembered, as the answer costs a search for every candidate stamp.
_OPENS_DATED: dict[tuple[str, bytes], bool] = {}
#: Whether messages of a source and shape hold a stamped line of their own: remembered too.
_HOLDS_A_LINE: dict[tuple[str, bytes], bool] = {}


def parse(text: str, ctx: Context) -> dict[str, Any] | None:
    """The event of a line by its source's learned layouts, learning one when none fits."""
    layouts = _LEARNED.get(ctx.source)
    if layouts is not None:
        for layout in layouts:
            match = layout.pattern.match(text)
            if match is not None and (
                layout.stamp.place == "start" or not _opens_dated(text, ctx.source)
            ):
                layout.hits += 1
                return _event(match, text, ctx, layout)
    key = (ctx.source, shape(text))
    if key in _NO_STAMP:
        return None
    new = learn(text, ctx.source)
    match = new.pattern.match(text) if new is not None else None
    if new is None or match is None:  # (a learned layout fits its own line: a guard)
        if len(_NO_STAMP) >= _NEGATIVE_LIMIT:
            _NO_STAMP.clear()
        _NO_STAMP.add(key)
        return None
    if layouts is None:
        if len(_LEARNED) >= _SOURCES_LIMIT:
            _LEARNED.clear()
        layouts = _LEARNED[ctx.source] = []
    if len(layouts) >= _LAYOUTS_PER_SOURCE:
        layouts.remove(min(layouts, key=lambda known: known.hits))
    # Layouts of a stamp late in the line come last: they fit lines that open with one too.
    late = [known.stamp.place != "start" for known in layouts]
    layouts.insert(late.index(True) if new.stamp.place == "start" and any(late) else len(late), new)
    new.hits += 1
    return _event(match, text, ctx, new)


def _opens_dated(text: str, source: str) -> bool:
    """Whether a stamp opens the line (not only ends it or sits in a field), as it did for the
    source's last line of this shape."""

    def answer() -> bool:
        found = find(text)
        return found is not None and found[0].place == "start"

    return _remembered(_OPENS_DATED, (source, shape(text)), answer)


def _remembered(
    memo: dict[tuple[str, bytes], bool], key: tuple[str, bytes], answer: Callable[[], bool]
) -> bool:
    """The memo's answer for a source and line shape, worked out once (emptied when full)."""
    known = memo.get(key)
    if known is None:
        known = answer()
        if len(memo) >= _NEGATIVE_LIMIT:
            memo.clear()
        memo[key] = known
    return known


def learned(source: str | None = None) -> list[Layout]:
    """The layouts learned so far (of one source, or of all), for ``parse --explain``."""
    if source is not None:
        return list(_LEARNED.get(source, ()))
    return [layout for layouts in _LEARNED.values() for layout in layouts]


def forget() -> None:
    """Drop every learned layout (tests, and a CLI run that explains one file)."""
    _LEARNED.clear()
    _NO_STAMP.clear()
    _OPENS_DATED.clear()
    _HOLDS_A_LINE.clear()


def learn(text: str, source: str) -> Layout | None:
    """The layout of ``text``: its timestamp and the roles of the tokens around it."""
    found = find(text)
    if found is None:
        return None
    stamp, match = found
    if stamp.place == "inside":  # a field of a record: the whole line is the message
        inside = r"(?=(?P<content>.*)).*?" + match.re.pattern
        return Layout(source, stamp, re.compile(inside, re.DOTALL), (), text[:200])
    if stamp.place == "end" or _LINE_END.fullmatch(text, match.end()):  # the message first
        ending = r"(?P<content>.*?)[\s;,]*" + match.re.pattern + _LINE_END.pattern + r"\Z"
        return Layout(source, stamp, re.compile(ending, re.DOTALL), (), text[:200])
    roles = {"glog"} if "glog" in match.re.groupindex and match.group("glog") else set()
    before = _header(text[: match.start()], roles, stop_at_level=False)
    before_roles = set(roles)
    # An epoch in brackets opening the line ("[1733307072] ...": Nagios, Unbound) is the
    # record's stamp, followed by a header as a date would be.
    opening = text[: match.start()] == "[" and text[match.end() : match.end() + 1] == "]"
    after = (
        _header(text[match.end() :], roles, stop_at_level=True)
        if stamp.header_after or opening
        else _level_header(text[match.end() :], roles)
    )
    compiled = re.compile(before + match.re.pattern + after + _CONTENT, re.DOTALL)
    if compiled.match(text) is None:  # a role guessed wrong after the stamp: keep the time
        roles = before_roles
        compiled = re.compile(before + match.re.pattern + _CONTENT, re.DOTALL)
    fields = tuple(sorted(roles))
    return Layout(source, stamp, compiled, fields, text[:200])


def _level_header(text: str, roles: set[str]) -> str:
    """After an epoch what follows is data, unless its first words hold a level (``1796379072
    INFO ...``, logcat's ``-v epoch``): then they are a header."""
    trial = set(roles)
    header = _header(text, trial, stop_at_level=True)
    if not trial & _LEVEL_ROLES:
        return ""
    roles |= trial
    return header


def _header(text: str, roles: set[str], *, stop_at_level: bool) -> str:
    """A regex for header tokens: roles where recognised, generic tokens between them.

    Before the timestamp every token is header. After it, the header ends with the last
    role found in the first few tokens (the level usually closes it); the rest is content.
    """
    parts: list[str] = []
    end_of_header = 0
    words = 0  # tokens with letters or digits so far: a pid is the first of them
    previous = ""
    for count, token in enumerate(_TOKEN.finditer(text)):
        if stop_at_level and count >= _HEADER_TOKENS:
            break
        gap, word = token.groups()
        index = words if stop_at_level else None
        padded = text.startswith("  ", token.end())  # a fixed-width column: "info    [KNET]"
        piece, role = _token_regex(word, roles, index=index, first=words == 0, padded=padded)
        if (
            role == "program"
            and words in (1, 2)
            and parts
            and len(parts) == count
            and _HOST_WORD.fullmatch(previous) is not None
        ):
            # the word before "program[pid]:" is the host (syslog-like), after a relay's name
            # if there are two (syslog-ng's "$ISODATE $HOST_FROM $HOST $MSGHDR")
            parts[-1] = (r"\s+" if parts[-1].startswith(r"\s+") else "") + _HOST_RE
            roles.add("host")
        parts.append((r"\s+" if gap else "") + piece)
        previous = word
        words += any(char.isalnum() for char in word)
        if role == "program":
            role = "pid"
        elif role == "level_pid":
            roles.add("pid")
            role = "level"
        if role is not None:
            roles.add(role)
            end_of_header = len(parts)
            if stop_at_level and role in _LEVEL_ROLES:
                break
    if stop_at_level:
        tokens = list(islice(_TOKEN.finditer(text), end_of_header, end_of_header + 5))
        parts = parts[:end_of_header] + _header_tail(tokens, roles)
    elif text[-1:].isspace():  # the gap between the last token and the timestamp
        parts.append(r"\s+")
    return "".join(parts)


def _header_tail(tokens: list[re.Match[str]], roles: set[str]) -> list[str]:
    """What may still close the header after its last role: a program tag after the level
    (OpenWrt's ``authpriv.notice dropbear[2211]:``), or ``[thread] logger -``."""
    if tokens and "pid" not in roles:
        gap, word = tokens[0].groups()
        program = _program_regex(word)
        if program is not None:
            roles.add("pid")
            return [(r"\s+" if gap else "") + program]
    return _logger_tail(tokens, roles)


def _logger_tail(tokens: list[re.Match[str]], roles: set[str]) -> list[str]:
    """Regex parts for ``[thread] name.dotted -`` or ``a.dotted.name [context]`` right after
    the header, else none.

    log4j's ``%p [%t] %c - %m`` and a program's ``chrome.exe - ...`` put a dotted name and a
    standalone ``-`` before the message; OpenStack's oslo.log (``%(levelname)s %(name)s
    [%(request_id)s ...] %(message)s``) a dotted name of three parts and a bracketed context.
    The name is ``log.logger``, not the message's first word (templates of one message then
    agree across loggers); a request context stays in the message, where it can be searched.
    """
    parts: list[str] = []
    bracketed = False
    for index, token in enumerate(tokens[:-1]):
        gap, word = token.groups()
        space = r"\s+" if gap else ""
        if index < 2 and word.startswith("[") and len(word) > 1:
            parts.append(space + _WRAPPED["["])
            bracketed = True
            continue
        if index < 2 and word in ("]", ")", ">", ":", "|"):  # the stamp's closing bracket
            parts.append(space + re.escape(word))
            continue
        dash_gap, dash = tokens[index + 1].groups()
        after_dash = tokens[index + 2].group(1) if index + 2 < len(tokens) else " "
        if not _LOGGER_WORD.fullmatch(word):
            break
        if dash == "-" and dash_gap and after_dash:
            roles.add("logger")
            return [*parts, space + _LOGGER_RE + r"(?=\s+-\s)"]
        if (
            not bracketed
            and word.count(".") >= 2
            and dash_gap
            and dash.startswith("[")
            and dash[1:]
        ):
            roles.add("logger")
            return [*parts, space + _LOGGER_RE + r"(?=\s+\[)"]  # the context stays in the message
        break
    return []


def _token_regex(
    word: str, roles: set[str], *, index: int | None, first: bool = False, padded: bool = False
) -> tuple[str, str | None]:
    """The regex of one header token and the role it plays, if any.

    ``index`` counts the word tokens after the timestamp before this one (``None`` before
    the timestamp): a pid is only trusted as the first word, a thread id as the second.
    ``first``: the line's first token; ``padded``: two spaces or more follow it.
    """
    found = (
        (
            None
            if roles & _LEVEL_ROLES
            else _level_regex(word, roles, index, first=first, padded=padded)
        )
        or _before_stamp_regex(word, roles, index)
        or _number_regex(word, roles, index)
    )
    if found is not None:
        return found
    wrapped = _WRAPPED.get(word[0])
    if wrapped is not None and len(word) > 1:
        return wrapped, None
    if not any(char.isalnum() for char in word):
        return re.escape(word), None
    return _generic(word), None


def _before_stamp_regex(word: str, roles: set[str], index: int | None) -> tuple[str, str] | None:
    """A relay's date before the stamp, or ``[host] program[pid]:`` just after it."""
    if index is None and "date" not in roles and _DATE_TOKEN.fullmatch(word):
        return _DATE_RE, "date"
    program = _program_regex(word) if "pid" not in roles and index in (0, 1, 2) else None
    return None if program is None else (program, "program")


def _program_regex(word: str) -> str | None:
    """The regex of a ``program[pid]:`` tag, if ``word`` is one."""
    program = _PROGRAM_TOKEN.fullmatch(word)
    if program is None:
        return None
    return "(?P<process>" + _PROGRAM + r")\[(?P<pid>\d+)(?::\d+)?\]" + re.escape(program.group(3))


def _number_regex(word: str, roles: set[str], index: int | None) -> tuple[str, str] | None:
    """A pid (first word after the stamp), a thread id (second, or a hex id in either)."""
    if "pid" not in roles and index == 0:
        pid = _PID_TOKEN.fullmatch(word)
        if pid is not None:
            return re.escape(pid.group(1)) + r"(?P<pid>\d+)" + re.escape(pid.group(3)), "pid"
    if "tid" in roles or index not in (0, 1):
        return None
    if index == 1 and word.isdigit():  # "<pid> <tid>" (Android, glog)
        return r"(?P<tid>\d+)", "tid"
    if _HEX_ID.fullmatch(word):  # WebSphere's "0000004a", macOS' "0x2a4c1"
        return r"(?P<xtid>(?:0x)?[0-9a-fA-F]+)", "tid"
    return None


def _level_regex(
    word: str, roles: set[str], index: int | None, *, first: bool = False, padded: bool = False
) -> tuple[str, str] | None:
    """The regex and role of a level token (word, ``key=value``, Redis marker, letter)."""
    placed = _placed_level_regex(word, index, first=first)
    if placed is not None:
        return placed
    level = _LEVEL_TOKEN.fullmatch(word)
    if level is not None and _is_level(level, roles, index, padded=padded):
        opening, channel, _, pid, suffix, closing = level.groups()
        regex = re.escape(opening) + _CHANNEL_RE.get(channel[-1:], "") + _LEVEL_RE
        suffix_regex = re.escape(suffix[0]) + r"[\w.-]+" if suffix else ""
        if pid is None:
            return regex + suffix_regex + re.escape(closing), "level"
        return regex + r"\[(?P<pid>\d+)\]" + suffix_regex + re.escape(closing), "level_pid"
    colon = _COLON_LEVEL.match(word) if index is not None else None
    if colon is not None and colon.group(1).lower() in _LEVEL_SET:
        return ":" + _LEVEL_RE + ":", "level"  # the header ends here: the rest is content
    keyed = _KEY_LEVEL.fullmatch(word)
    if keyed is not None:
        key, quote = keyed.group(1), keyed.group(2)
        return re.escape(f"{key}={quote}") + r"(?P<level>\w+)" + re.escape(quote), "level"
    if index is not None and index < _HEADER_TOKENS and _BRACKET_LETTER.fullmatch(word):
        return r"\[(?P<letter>[DIWEFN])\]" + re.escape(word[3:]), "letter"
    if index is not None and index <= len(roles & {"pid", "tid"}) + 1:
        tagged = _LETTER_TAG.fullmatch(word)
        if tagged is not None:
            return _LETTER_TAG_RE, "letter"
    # MongoDB's "<stamp> I NETWORK", Android's "<stamp> <pid> <tid> D Tag", WebSphere's
    # "<stamp> <thread> <Component> I"; V and A only after numbers ("<stamp> A user ...")
    numbers = len(roles & {"pid", "tid"})
    if (
        index is not None
        and index <= numbers + (1 if numbers else 0)
        and len(word) == 1
        and word in _LETTERS
        and (numbers or word in "DIWEF")
    ):
        return _LETTER_RE, "letter"
    return None


def _placed_level_regex(word: str, index: int | None, *, first: bool) -> tuple[str, str] | None:
    """Level notations known by their place: a letter opening the line (CUPS: ``E [04/Dec/
    2026:08:31:55 +0000]``), Redis' marker and ESXi's ``In(166)`` first after the stamp."""
    if index is None and first and len(word) == 1 and word in "DIWEF":
        return _LETTER_RE, "letter"
    if index is None and first and _OPENING_LETTER.fullmatch(word):
        return r"[(\[](?P<letter>[DIWEFNC])[)\]]", "letter"
    if index is None and first and _DOTTED_LETTER.fullmatch(word):
        return r"(?P<letter>[DIWEF])\.", "letter"
    if index == 0 and _BANG_LETTER.fullmatch(word):
        return r"(?P<letter>[DIWE])!", "letter"
    if index == 0 and len(word) == 1 and word in "diwef":  # SAP HANA's trace: "<stamp> i Basis"
        return r"(?P<letter>[diwef])", "letter"
    if index == 0 and word in _REDIS_LEVELS:
        return _REDIS_RE, "marker"
    if index == 0 and _is_pri_level(word):
        return r"(?P<level>[A-Z][a-z])\(\d{1,3}\)", "level"
    return None


def _is_pri_level(word: str) -> bool:
    """``In(166)``: the PRI's severity (166 % 8 = 6, informational) starts as the word does.
    VMware Workstation's ``vmware.log`` pads a verbosity instead (``In(05)``, ``Wa(03)``)."""
    pri = _PRI_LEVEL.fullmatch(word)
    if pri is None or int(pri.group(2)) > 191:
        return False
    if len(pri.group(2)) == 2 and pri.group(2).startswith("0"):
        return pri.group(1) in _VMX_LEVELS
    return SEVERITIES[int(pri.group(2)) % 8][0] == pri.group(1)[0].lower()


def _is_level(
    token: re.Match[str], roles: set[str], index: int | None, *, padded: bool = False
) -> bool:
    """Whether a :data:`_LEVEL_TOKEN` match is a level.

    After a ``channel.`` prefix only in capitals (``app.ERROR``, not ``app.info``, a name),
    unless the channel is a syslog facility (``daemon.info``), the token is bracketed
    (``[core:error]``) or precedes the stamp (``Zigbee2MQTT:info  2026-12-04 ...``).
    A bare word in lower or title case ("config", "note", "default") only among the first
    words after the stamp, or padded to a column's width (Corosync's ``node1 corosync info
    [KNET]``): deeper in, it is the message's own word ("Committing config"). After a colon
    (Jetty's ``<stamp>:INFO :logger``) only in capitals.
    """
    opening, channel, word, pid, suffix, closing = token.groups()
    if not _is_level_word(word):
        return False
    if word.lower() in _BRACKETED_LEVELS and not (opening.startswith("[") and closing):
        return False
    if channel:  # Apache's "[core:error]" is bracketed
        return (
            word.isupper()
            or (index is None and channel.endswith(":"))  # not a file name: "app.log:"
            or opening.startswith("[")
            or channel[:-1].lower() in _FACILITIES
        )
    if opening == ":":
        return word.isupper()
    if word.isupper() or opening or pid or suffix or closing or index is None:
        return True
    return padded or index <= len(roles & {"pid", "tid"}) + 1


def _leading_word(content: str) -> str:
    """The word a message opens with as a level would be written, after a bracketed
    component if there is one."""
    leading = _LEADING_LEVEL.match(content)
    word = (leading.group(1) or leading.group(2)) if leading is not None else ""
    prefix = None if _is_level_word(word) else _BRACKETED_PREFIX.match(content)
    if prefix is not None:
        after = _LEADING_LEVEL.match(content, prefix.end())
        word = (after.group(1) or after.group(2)) if after is not None else ""
    return word


def _is_level_word(word: str) -> bool:
    """Whether ``word`` (a digit 1-5 after it allowed: ``DEBUG2``) names a level."""
    lower = word.lower().rstrip("12345")
    return lower in _LEVEL_SET and (lower not in _CAPITAL_LEVELS or word.isupper())


def _generic(word: str) -> str:
    """A plain token with its word runs generalised and its punctuation kept."""
    out: list[str] = []
    position = 0
    for run in _WORD_RUN.finditer(word):
        out.append(re.escape(word[position : run.start()]))
        out.append(r"[\w.-]+")
        position = run.end()
    out.append(re.escape(word[position:]))
    return "".join(out)


def _event(match: re.Match[str], text: str, ctx: Context, layout: Layout) -> dict[str, Any] | None:
    parts = match.groupdict()
    layout.see_date_order(parts)
    content = parts["content"] or text
    if content.startswith(("msg=", "message=")):  # logfmt: the message is msg's value
        content = _logfmt_message(content)
    content, python = _python_record(content, text)
    if parts.get("dyear") and not parts.get("year"):
        parts["year"] = _relay_year(parts)
    stamp = stamp_of(parts, ctx, day_first=layout.day_first)
    if layout.stamp.place != "start" and posix_seconds(stamp) > ctx.now + ctx.max_future_s:
        return None  # a date the line mentions ("expires 2027-01-01 ..."), not its time
    event: dict[str, Any] = {
        "@timestamp": stamp,
        "message": content,
        "event": {"dataset": "unknown"},
    }
    if not _opening_log(event, parts, text, python):
        _set_log(event, parts, layout, ctx)
    host = parts.get("host")
    if host:
        event["host"] = {"hostname": host}
    process = _process(parts)
    if process:
        event["process"] = process
        name = parts.get("process")
        if name:
            process["name"] = name
            # An auth program's line in an unknown layout is still that program's line: the
            # same fields (source.ip, user.name, outcome) as under syslog, so rules see it.
            if auth.enrich(event, name, content) == "system.auth":
                event["event"]["dataset"] = "system.auth"
    return event


def _python_record(content: str, text: str) -> tuple[str, re.Match[str] | None]:
    """Python logging's "LEVEL:logger:" after the stamp (taken off the message) or opening
    the line."""
    python = _PYTHON_RECORD.match(content)
    if python is not None:
        return content[python.end() :], python
    return content, _PYTHON_RECORD.match(text)


def _opening_log(
    event: dict[str, Any], parts: dict[str, str | None], text: str, python: re.Match[str] | None
) -> bool:
    """``log.level`` (and the logger) from what opens the line, for a layout without a level
    role; whether there was one."""
    if parts.get("level"):
        return False
    if python is not None:
        event["log"] = {"level": python.group(1).lower(), "logger": python.group(2)}
        return True
    opening = _OPENING_LEVEL.match(text)
    if opening is None:
        return False
    event["log"] = {"level": opening.group(1) or LETTER_LEVELS[opening.group(2)]}
    return True


def _set_log(
    event: dict[str, Any], parts: dict[str, str | None], layout: Layout, ctx: Context
) -> None:
    """``log.level`` and ``log.logger`` from the layout's roles, else from an inner line."""
    level = _level(parts, event["message"], layout)
    if level is not None:
        event["log"] = {"level": level}
    if parts.get("logger"):
        event.setdefault("log", {})["logger"] = parts["logger"]
    if "log" not in event:
        _take_inner_line(event, event["message"], ctx)


def read_inner_line(event: dict[str, Any], ctx: Context) -> None:
    """A syslog message that is an application's own stamped line (journald's kubelet
    ``I1203 18:02:40.713248 30412 server.go:484] ...``, CRI-O's logrus ``time="..."
    level=info msg=...``, a Java line relayed by rsyslog): its level, logger and message, when
    the syslog header gave no level. Else a key=value message's severity field is the level."""
    message = event.get("message")
    log = event.get("log")
    if (log is None or "level" not in log) and message:
        _take_inner_line(event, message, ctx)
        severity = None if "log" in event else keyed_severity(message)
        if severity is not None:
            event["log"] = {"level": severity}


def _take_inner_line(event: dict[str, Any], content: str, ctx: Context) -> None:
    """A wrapper's stamp before the application's own line (``docker logs --timestamps``,
    ``kubectl logs --timestamps``, stern, syslog): the inner line gives the level, logger
    and message; the wrapper's stamp stays the event's time (it is when the line was written).
    """
    if ctx.source.endswith(_INNER) or _STAMP_START.match(content) is None:
        return

    def answer() -> bool:
        found = find(content[:_INNER_WINDOW])
        return not (
            found is None
            or found[0].fallback
            or (found[1].start() > 2 and not content.startswith(("time=", "ts=")))  # logrus
        )

    if not _remembered(_HOLDS_A_LINE, (ctx.source, shape(content)), answer):
        return
    inner = parse(content, replace(ctx, source=ctx.source + _INNER))
    if inner is not None and "log" in inner:
        event.setdefault("log", {}).update(inner["log"])
        event["message"] = inner["message"]


def _logfmt_message(content: str) -> str:
    """``msg="db down" err=timeout`` -> ``db down err=timeout`` (the other pairs stay)."""
    match = _LOGFMT_MSG.match(content)
    if match is None:
        return content
    quoted, bare, rest = match.groups()
    value = bare if quoted is None else quoted.replace('\\"', '"')
    return f"{value} {rest}" if rest else value


def _process(parts: dict[str, str | None]) -> dict[str, Any]:
    """``process.pid`` and ``process.thread.id`` (decimal, or hex as WebSphere writes it)."""
    process: dict[str, Any] = {}
    if parts.get("pid"):
        process["pid"] = int(str(parts["pid"]))
    thread = parts.get("tid") or parts.get("xtid")
    if thread:
        process["thread"] = {"id": int(thread, 10 if parts.get("tid") else 16)}
    return process


def _relay_year(parts: dict[str, str | None]) -> str:
    """The year of a year-less stamp from the relay's date before it (a December line
    relayed on the 1st of January belongs to the year before)."""
    year = int(str(parts["dyear"]))
    if parts.get("dmonth") == "01" and (parts.get("mon") or "").startswith("Dec"):
        year -= 1
    return str(year)


def _level(parts: dict[str, str | None], content: str, layout: Layout) -> str | None:
    """The line's level, lower-cased, from whichever level role its layout has."""
    if parts.get("level"):
        return str(parts["level"]).lower()
    letter = parts.get("glog") or parts.get("letter")
    if letter:
        return LETTER_LEVELS[letter.upper()]
    if parts.get("marker"):
        return _REDIS_LEVELS[str(parts["marker"])]
    if _LEVEL_ROLES.intersection(layout.fields):
        return None
    return _message_level(content)


def _message_level(content: str) -> str | None:
    """A level the message shows, for a layout without a level role: learned from a line
    without one ("[1733307072] EXTERNAL COMMAND: ..."), it also fits the source's lines that
    lead with one ("[1733307080] Warning: Return code")."""
    word = _leading_word(content)
    if _is_level_word(word) and word.lower() not in _BRACKETED_LEVELS:
        return word.lower()
    component = _COMPONENT_LEVEL.search(content, 0, _SHOUTED_WINDOW)
    if component is not None and _is_level_word(component.group(1)):
        return component.group(1).lower()
    keyed = _KEY_LEVEL_IN_TEXT.search(content)  # key=value records: FortiGate's level= is late
    if keyed is not None and keyed.group(1).lower() in _LEVEL_SET:
        return keyed.group(1).lower()
    # after a long prefix: PostgreSQL's "... client=198.51.100.7 FATAL:  ...", Squid's "ERROR:"
    for shouted in _SHOUTED_LEVEL.finditer(content, 0, _SHOUTED_WINDOW):
        word = shouted.group(1)
        if word.isupper() and word.lower() in _LEVEL_SET:
            return word.lower()
    labelled = _LABELLED_LEVEL.search(content, 0, _SHOUTED_WINDOW)
    if labelled is not None and labelled.group(1).lower() in _LEVEL_SET:
        return labelled.group(1).lower()
    return field_severity(content)


__all__ = ["LAYOUTS", "Layout", "forget", "learn", "learned", "parse", "read_inner_line"]
