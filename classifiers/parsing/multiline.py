"""Multiline events: continuation lines joined to the line they continue.

A Java or Python stack trace, or any indented follow-up line, belongs to the event logged
just before it; parsed alone each frame would be an event of its own, without time or
level. A line *continues* the previous one when it starts with whitespace, or is one of the
unindented lines of a trace: ``Traceback (most recent call last):``, ``Caused by: ...``,
``... 12 more``, Python's chained-exception notes, or an exception line such as
``java.lang.IllegalStateException: ...`` / ``ValueError: ...``.

Bounded: an event holds at most ``max_lines`` lines and ``max_bytes`` bytes; what does not
fit starts a new event. One :class:`Joiner` per source (file, partition): sources never mix.
Shippers can join lines themselves (Filebeat ``parsers.multiline``, Fluent Bit
``multiline.parser``); their records arrive whole and pass through unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CONTINUATION = re.compile(
    rb"[ \t]"
    rb"|Traceback \(most recent call last\):"
    rb"|Caused by: "
    rb"|\.\.\. \d+ (?:more|common frames omitted)"
    rb"|During handling of the above exception"
    rb"|The above exception was the direct cause"
    rb"|[\w$]+(?:\.[\w$]+)*(?:Error|Exception|Throwable|Exit|Interrupt)(?::|\r?$)"
)


def continues(line: bytes) -> bool:
    """Whether ``line`` continues the event before it (see the module docstring)."""
    return CONTINUATION.match(line) is not None and bool(line.strip())


@dataclass
class Joiner:
    """Joins the continuation lines of one source; feed lines in order, then :meth:`flush`."""

    max_lines: int = 500
    max_bytes: int = 1_048_576
    _lines: list[bytes] = field(default_factory=list)
    _size: int = 0

    def feed(self, line: bytes) -> bytes | None:
        """Add ``line`` (without its terminator); returns the event it completed, if any."""
        if self._lines and continues(line):
            size = self._size + 1 + len(line)
            if len(self._lines) < self.max_lines and size <= self.max_bytes:
                self._lines.append(line)
                self._size = size
                return None
        done = self.flush()
        self._lines = [line]
        self._size = len(line)
        return done

    def flush(self) -> bytes | None:
        """The pending event, if any (end of input, end of a batch)."""
        if not self._lines:
            return None
        done = b"\n".join(self._lines)
        self._lines = []
        self._size = 0
        return done
