"""Parse and normalise raw log events to the Elastic Common Schema (ECS 8.11).

Pure and I/O-free: bytes in, a nested ECS dict (shaped like an Elasticsearch ``_source``)
or a typed :class:`ParseFailure` out. Nothing raises out of :func:`parse`.

Public API (stable; the stream pipeline, the classifiers and the CLI use only this)::

    from classifiers.parsing import ParseOptions, ParseFailure, parse, parse_many

    options = ParseOptions(max_bytes=s.max_event_bytes, timezone=s.timezone,
                           scrub_secrets=s.scrub_secrets, store_original=s.store_original)
    result = parse(raw_bytes, options)          # dict | ParseFailure
    if isinstance(result, ParseFailure):
        dead_letter(result.to_dict())           # {"error": {type, reason}, "event": {original}}
    results = parse_many(batch_of_bytes, options)

What every event carries: ``@timestamp`` (UTC ISO 8601, ms; ingest time when the line has
none), ``message``, ``event.kind: event``, ``event.dataset`` (``system.auth``,
``system.syslog``, ``nginx.access``, ``apache.error``, ``cef``, ``json``, ``loghub.hdfs``,
``unknown``...), ``event.original`` (scrubbed; absent with ``store_original="none"``),
``ecs.version``, ``logwarden.parse.format`` (the format name that parsed it, or
``unparsed``), ``logwarden.parse.status`` (``parsed`` | ``unparsed``) and
``logwarden.scrubbed.count``. ``related.ip``/``related.user`` are filled from the
address and user fields. ``event.ingested`` is left to the pipeline: it is the time the
document is indexed, which the parser does not know.

Formats (``ParseOptions.format``; ``auto`` detects per line, see :data:`FORMAT_NAMES`):
``json`` (ECS passes through, other JSON lands under ``logwarden.json``), ``syslog``
(RFC 5424 with structured data, RFC 3164 with year inference; auth.log programs mapped
like Filebeat's ``system.auth``), ``cef``, ``nginx``/``apache`` (combined access and error
logs), ``loghub:<System>`` for the 13 Loghub systems. Anything else is kept whole, marked
``unparsed`` (``event.dataset: unknown``). Auto-detection cannot tell an nginx access line
from an Apache one (same format): it says ``nginx``; force ``apache`` per topic if needed.
A forced format that does not match a line gives a ``format_mismatch`` failure.

Failures (:class:`FailureType`): ``empty``, ``too_large`` (over ``max_bytes``),
``invalid_encoding`` (not UTF-8), ``binary_data`` (NUL or other control bytes),
``invalid_json``, ``json_too_deep``, ``invalid_timestamp`` (impossible date, before 1970,
or further than ``max_future_s`` in the future), ``format_mismatch`` and ``internal_error``
(a parser bug caught at the boundary; never seen in the tests).

Secrets (URL passwords, ``key=value`` secrets, bearer tokens, AWS keys, private keys, JWTs,
API keys) are masked by :func:`scrub` before parsing, so no field of the event carries one.
"""

from classifiers.parsing.core import parse, parse_many
from classifiers.parsing.events import ECS_VERSION, FailureType, ParsedEvent, ParseFailure
from classifiers.parsing.options import ParseOptions
from classifiers.parsing.registry import FORMAT_NAMES
from classifiers.parsing.scrubbing import MASK, scrub


def parser_build() -> str:
    """``mypyc`` when the parser modules are compiled extensions (the container image), else
    ``python``: the image build checks it, ``bench parse`` prints it."""
    from classifiers.parsing import core

    return "mypyc" if core.__file__ is not None and not core.__file__.endswith(".py") else "python"


__all__ = [
    "ECS_VERSION",
    "FORMAT_NAMES",
    "MASK",
    "FailureType",
    "ParseFailure",
    "ParseOptions",
    "ParsedEvent",
    "parse",
    "parse_many",
    "parser_build",
    "scrub",
]
