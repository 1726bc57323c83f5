"""The entry point: raw bytes -> scrubbed, normalised ECS event, or a typed failure."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import orjson

from classifiers.parsing import infer
from classifiers.parsing.declared import DeclaredFormats
from classifiers.parsing.envelope import Envelope, merge, unwrap
from classifiers.parsing.events import (
    ECS_VERSION,
    Context,
    FailureType,
    ParsedEvent,
    ParseFailure,
)
from classifiers.parsing.fields import add_related, leading_severity, section
from classifiers.parsing.jsonfmt import JsonError
from classifiers.parsing.options import ParseOptions
from classifiers.parsing.registry import (
    FORMATS,
    FormatSpec,
    candidates,
    last_for,
    remember,
    shape,
)
from classifiers.parsing.scrubbing import scrub
from classifiers.parsing.timeparse import Instant, TimestampError, from_any, from_epoch, to_iso
from classifiers.web.evidence import annotate as annotate_web_request

DEFAULT_OPTIONS = ParseOptions()
UNPARSED = "unparsed"
_STAMPS = (Instant, datetime)
#: Lines no detector parses: their layout is learned per source (see :mod:`.infer`).
INFERRED = FormatSpec("inferred", infer.parse, auto=False)
SYSLOG = FORMATS["syslog"]

# C0 controls other than TAB, LF, CR and ESC (ANSI colours), and DEL: signs of binary data.
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]")
_CONTROL_TEXT = re.compile(_CONTROL.pattern.decode())  # the same test on an unwrapped line
#: ANSI escape sequences (colours of a program that thinks it writes to a terminal).
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def _preview(raw: bytes | str, options: ParseOptions) -> str:
    """The original of a failed line as safe text: cut, invalid bytes replaced, scrubbed."""
    if isinstance(raw, bytes | bytearray):
        text = bytes(raw[: options.max_bytes]).decode("utf-8", "replace")
    else:
        text = str(raw)[: options.max_bytes]
    return scrub(text)[0] if options.scrub_secrets else text


def parse(raw: bytes | str, options: ParseOptions = DEFAULT_OPTIONS) -> ParsedEvent | ParseFailure:
    """Parse one raw log event. Never raises: any problem becomes a :class:`ParseFailure`."""
    try:
        return _parse(raw, options)
    except Exception as exc:  # the last line of defence: a parser bug must not kill a worker
        reason = f"parser error {type(exc).__name__}: {exc}"[:300]
        try:
            original = _preview(raw, options)
        except Exception:
            original = ""
        return ParseFailure(FailureType.INTERNAL_ERROR, reason, original)


def parse_many(
    raws: Iterable[bytes | str], options: ParseOptions = DEFAULT_OPTIONS
) -> list[ParsedEvent | ParseFailure]:
    """Parse a batch, one result per input in the same order."""
    return [parse(raw, options) for raw in raws]


def _fail(kind: str, reason: str, raw: bytes | str, options: ParseOptions) -> ParseFailure:
    return ParseFailure(kind, reason, _preview(raw, options))


def _parse(raw: bytes | str, options: ParseOptions) -> ParsedEvent | ParseFailure:
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    data = data.rstrip(b"\r\n")  # the line terminator does not count against the limit
    if len(data) > options.max_bytes:
        return _fail(
            FailureType.TOO_LARGE,
            f"event of {len(data)} bytes exceeds the limit of {options.max_bytes} bytes",
            raw, options,
        )  # fmt: skip
    data = data.strip()
    if not data:
        return _fail(FailureType.EMPTY, "empty event", raw, options)
    control = _CONTROL.search(data)
    if control is not None:
        byte = control.group(0)[0]
        return _fail(
            FailureType.BINARY_DATA,
            f"control byte 0x{byte:02x} at offset {control.start()}: binary data, not a log line",
            raw, options,
        )  # fmt: skip
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _fail(
            FailureType.INVALID_ENCODING, f"invalid UTF-8 at byte {exc.start}: {exc.reason}",
            raw, options,
        )  # fmt: skip
    text = text.removeprefix("\ufeff")
    if not text:
        return _fail(FailureType.EMPTY, "empty event", raw, options)
    envelope = unwrap(text) if options.format != "json" else None
    if envelope is not None:  # parse the shipper's inner line exactly as the raw line
        text = envelope.line.strip()
        if not text:
            return _fail(
                FailureType.EMPTY, f"empty line in a {envelope.format} envelope", raw, options
            )
        bad = _CONTROL_TEXT.search(text)
        if bad is not None:
            reason = f"control character {ord(bad.group(0)):#04x} in a {envelope.format} line"
            return _fail(FailureType.BINARY_DATA, reason, raw, options)
    if "\x1b" in text:  # `docker logs` of a TTY: colours are not part of the event
        text = _ANSI.sub("", text)
    count = 0
    if options.scrub_secrets:
        text, count = scrub(text)
        if envelope is not None and envelope.meta:
            count += _scrub_meta(envelope)
    now = time.time() if options.now is None else options.now.timestamp()
    source = options.source
    if envelope is not None:
        source = f"{source}|{envelope.source()}"
    ctx = Context(
        options.format, options.store_original, options.max_json_depth,
        options.tz, now, options.max_future_s, source,
    )  # fmt: skip
    try:
        spec, event = _detect(text, ctx, options.formats)
    except JsonError as exc:
        return ParseFailure(exc.kind, str(exc), text)
    except TimestampError as exc:
        return ParseFailure(FailureType.INVALID_TIMESTAMP, str(exc), text)
    if spec is SYSLOG and event is not None:
        infer.read_inner_line(event, ctx)
    if event is None:
        if options.format != "auto":
            reason = f"line is not in the {options.format!r} format"
            return ParseFailure(FailureType.FORMAT_MISMATCH, reason, text)
        event = _unparsed(text)
    try:
        if envelope is not None:
            _envelope_time(event, envelope, ctx)
        event = _finish(event, spec, text, count, ctx)
    except TimestampError as exc:
        return ParseFailure(FailureType.INVALID_TIMESTAMP, str(exc), text)
    if envelope is not None:
        _keep_envelope(event, envelope)
    return event


def _unparsed(text: str) -> dict[str, Any]:
    """A line no format parsed: its text, and the severity it opens with, if any (CoreDNS'
    ``[INFO] plugin/reload: ...`` in a CRI record)."""
    event: dict[str, Any] = {"message": text, "event": {"dataset": "unknown"}}
    severity = leading_severity(text)
    if severity is not None:
        event["log"] = {"level": severity}
    return event


def _scrub_meta(envelope: Envelope) -> int:
    """Mask secrets in the envelope's metadata (custom ``fields``, labels) as in the line.

    Scrubbed as JSON text, so ``"db_password": "..."`` is seen with its key; a mask that
    broke the JSON drops the metadata rather than keep a secret.
    """
    masked, found = scrub(orjson.dumps(envelope.meta).decode())
    if found:
        try:
            envelope.meta = orjson.loads(masked)
        except orjson.JSONDecodeError:
            envelope.meta = {}
    return found


def _envelope_time(event: dict[str, Any], envelope: Envelope, ctx: Context) -> None:
    """A line without its own time takes the time its shipper read it, not the ingest time."""
    if envelope.time is None or isinstance(event.get("@timestamp"), _STAMPS):
        return
    try:
        event["@timestamp"] = from_any(envelope.time, ctx.tz)
    except TimestampError:
        return  # a broken shipper clock: ingest time, as for a line without time


def _keep_envelope(event: dict[str, Any], envelope: Envelope) -> None:
    """The envelope's metadata where the line set nothing, and what the envelope was."""
    merge(event, envelope.meta)
    info: dict[str, Any] = {"format": envelope.format}
    if envelope.stream is not None:
        info["stream"] = envelope.stream
    if envelope.partial:
        info["partial"] = True
    if envelope.data_stream is not None:
        info["data_stream"] = envelope.data_stream
    event["logwarden"]["envelope"] = info


def _detect(
    text: str, ctx: Context, declared: DeclaredFormats | None
) -> tuple[FormatSpec | None, dict[str, Any] | None]:
    """The format spec that parsed the line and its event; ``(None, None)`` when none did.

    Formats the user declared for the line's source come first, then the forced format or
    auto-detection, then the layout inferred for the source.
    """
    if declared is not None:
        for found in declared.for_source(ctx.source):
            event = found.parse(text, ctx)
            if event is not None:
                return found.spec, event
    forced = ctx.format
    if forced != "auto":
        spec = FORMATS[forced]  # ParseOptions checked the name
        return spec, spec.parse(text, ctx)
    key = shape(text)
    known = last_for(key)
    if known is not None:
        event = known.parse(text, ctx)
        if event is not None:
            return known, event
    for spec in candidates(text[0]):
        if spec is known:
            continue
        event = spec.parse(text, ctx)
        if event is not None:
            remember(key, spec)
            return spec, event
    # The inferred layout is the fallback, never remembered as a shape's format: it accepts
    # most lines with a time, so remembered it would pre-empt the detector of every later line
    # of that shape (one odd Zookeeper line turned the next 2,000 into inferred ones).
    event = INFERRED.parse(text, ctx)
    if event is not None:
        return INFERRED, event
    return None, None


def _finish(
    event: dict[str, Any], spec: FormatSpec | None, text: str, count: int, ctx: Context
) -> ParsedEvent:
    """Add what every event carries: UTC timestamp, ECS basics, logwarden.parse/scrubbed."""
    stamp = event.get("@timestamp")
    if not isinstance(stamp, _STAMPS):  # no time in the line: ingest time it is
        stamp = from_epoch(ctx.now)
    event["@timestamp"] = to_iso(stamp, ctx.now, ctx.max_future_s)
    if spec is not None and spec.builds_event:  # the parser's own shapes: no checks needed
        meta = event["event"]
        if "kind" not in meta:
            meta["kind"] = "event"
        if spec.dataset is not None:
            meta["dataset"] = spec.dataset
    else:
        meta = _checked_meta(event, spec, text)
    if ctx.store_original == "scrubbed":
        meta["original"] = text
    elif "original" in meta:
        del meta["original"]
    ecs = event.get("ecs")
    if ecs is None:
        event["ecs"] = {"version": ECS_VERSION}
    elif not isinstance(ecs, dict) or not isinstance(ecs.get("version"), str):
        section(event, "ecs")["version"] = ECS_VERSION
    if spec is not None:
        parse_info = {"format": spec.name, "status": "parsed"}
    else:
        parse_info = {"format": UNPARSED, "status": UNPARSED}
    own = event.get("logwarden")
    if isinstance(own, dict):
        own["parse"] = parse_info
        own["scrubbed"] = {"count": count}
    else:
        event["logwarden"] = {"parse": parse_info, "scrubbed": {"count": count}}
    if "related" not in event and ("source" in event or "user" in event or "destination" in event):
        add_related(event)
    if "url" in event:  # a web request, of any format: judge its decoded values
        annotate_web_request(event)
    return event


def _checked_meta(event: dict[str, Any], spec: FormatSpec | None, text: str) -> dict[str, Any]:
    """``message`` and ``event.kind``/``dataset`` of an event of any shape (JSON, unparsed)."""
    if not isinstance(event.get("message"), str):
        event["message"] = text
    meta = event.get("event")
    if not isinstance(meta, dict):
        meta = event["event"] = {}
    if not isinstance(meta.get("kind"), str):
        meta["kind"] = "event"
    if spec is not None and spec.dataset is not None:
        meta["dataset"] = spec.dataset
    elif not isinstance(meta.get("dataset"), str):
        meta["dataset"] = "unknown"
    return meta
