"""Raw ``.evtx`` files: each record becomes the document Winlogbeat would have shipped.

The ``evtx`` package (the Rust ``evtx`` crate) renders a record as JSON (``Event.System``,
``Event.EventData``/``UserData``). :func:`winlogbeat_document` reshapes that into
Winlogbeat's ``winlog.*`` shape, and the document then goes through :func:`parse` like a
shipped JSON line, so an ``.evtx`` file and a Winlogbeat stream give identical events
(scrubbed, ECS-checked, with the same parser verdicts). The reshaping is pure; only
:func:`iter_evtx_documents` reads the file (an explicit local path given by the CLI or
``hunt``: no network).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
from evtx import PyEvtxParser

from classifiers.parsing.core import parse
from classifiers.parsing.events import ECS_VERSION, FailureType, ParsedEvent, ParseFailure
from classifiers.parsing.options import ParseOptions
from classifiers.parsing.windows import summary

_LEVELS = {0: "information", 1: "critical", 2: "error", 3: "warning", 4: "information",
           5: "verbose"}  # fmt: skip


def _text(value: Any) -> Any:
    """The ``#text`` of an element with attributes, the value itself otherwise."""
    return value.get("#text") if isinstance(value, dict) else value


def _attributes(value: Any) -> dict[str, Any]:
    found = value.get("#attributes") if isinstance(value, dict) else None
    return found if isinstance(found, dict) else {}


def _flat(data: Any) -> dict[str, Any]:
    """Named ``<Data>`` values as a flat map; unnamed ones as ``param1``.. (as Winlogbeat)."""
    if not isinstance(data, dict):
        return {}
    found: dict[str, Any] = {}
    for key, value in data.items():
        if key == "#attributes":
            continue
        if key == "Data":
            values = _text(value)
            values = values if isinstance(values, list) else [values]
            found.update({f"param{i}": v for i, v in enumerate(values, 1) if v is not None})
        elif isinstance(value, dict) and key != "Binary" and "#text" not in value:
            found.update(_flat(value))  # UserData wraps its fields in one named element
        elif value is not None:
            found[key] = _text(value)
    return found


def _strings(**values: Any) -> dict[str, str]:
    """The values that are present, as text (Winlogbeat's ``winlog`` keeps ids as strings)."""
    return {key: str(value) for key, value in values.items() if value is not None}


def winlogbeat_document(record: Mapping[str, Any]) -> dict[str, Any]:
    """The Winlogbeat-shaped document of one record rendered by ``evtx`` (``{"Event": ...}``);
    fields a record lacks are left out (no ``"None"`` strings, no null timestamp)."""
    event = record.get("Event", {})
    system = event.get("System", {})
    provider = _attributes(system.get("Provider"))
    code = _text(system.get("EventID"))
    computer = system.get("Computer")
    winlog: dict[str, Any] = _strings(
        channel=system.get("Channel"), provider_name=provider.get("Name"),
        provider_guid=provider.get("Guid"), event_id=code,
        record_id=system.get("EventRecordID"), computer_name=computer,
        task=system.get("Task"), opcode=system.get("Opcode"),
    )  # fmt: skip
    if system.get("Keywords") is not None:
        winlog["keywords"] = [str(system["Keywords"])]
    execution = _attributes(system.get("Execution"))
    if execution:
        winlog["process"] = {"pid": execution.get("ProcessID"),
                             "thread": {"id": execution.get("ThreadID")}}  # fmt: skip
    sid = _attributes(system.get("Security")).get("UserID")
    if sid:
        winlog["user"] = {"identifier": sid}
    data = {k: str(v) for k, v in _flat(event.get("EventData")).items()}
    if data:
        winlog["event_data"] = data
    user_data = {k: str(v) for k, v in _flat(event.get("UserData")).items()}
    if user_data:
        winlog["user_data"] = user_data
    created = _attributes(system.get("TimeCreated")).get("SystemTime")
    document: dict[str, Any] = {
        "message": summary(winlog, {**user_data, **data}),
        "event": {
            "kind": "event",
            **_strings(code=code, provider=provider.get("Name"), created=created),
        },
        "log": {"level": _LEVELS.get(system.get("Level") or 0, "information")},
        "winlog": winlog,
        "ecs": {"version": ECS_VERSION},  # marks the document as ECS for the JSON parser
    }
    if created is not None:
        document["@timestamp"] = created
    if computer is not None:
        document["host"] = {"name": str(computer), "hostname": str(computer)}
    return document


def parse_record(record_json: str | bytes, options: ParseOptions) -> ParsedEvent | ParseFailure:
    """One record as ``evtx`` renders it (JSON text) -> the parsed ECS event."""
    document = winlogbeat_document(orjson.loads(record_json))
    # orjson leaves DEL unescaped, and the entry point takes a raw DEL for binary data
    return parse(orjson.dumps(document).replace(b"\x7f", b"\\u007f"), options)


def iter_evtx_documents(
    path: str | Path, options: ParseOptions | None = None
) -> Iterator[ParsedEvent | ParseFailure]:
    """One parsed ECS event per record of an ``.evtx`` file, in file order.

    A damaged record gives a ``ParseFailure`` and reading goes on with the next one; a file
    that is not an event log at all raises ``ValueError``.
    """
    options = options or ParseOptions(max_bytes=4 * 1_048_576)
    try:
        records = PyEvtxParser(str(path)).records_json()
    except (RuntimeError, OSError) as exc:
        raise ValueError(f"{path}: not a readable .evtx file ({exc})") from None
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except RuntimeError as exc:  # one damaged chunk or record: report it, keep reading
            yield ParseFailure(FailureType.INVALID_EVTX, str(exc)[:300], "")
            continue
        if record is not None:
            yield parse_record(record["data"], options)
