"""Streaming template mining (drain3) and novelty per ``event.dataset``/host.

Two maskings with one job each:

* :func:`mask_for_model` replaces addresses, numbers and hex with placeholders but keeps paths and
  query strings, because attack payloads live there. Its output is what the classifier reads, so
  it is also the key of the result cache: two lines with the same masked text get the same answer.
* drain3 additionally turns every value into ``<VAR>`` (a word that holds a number or a
  placeholder, a dotted name of three parts or more, a quoted string after ``=``; inside such a
  word brackets, ``=``, ``,`` and ``|`` are structure and stay with the names between them:
  ``uid=<VAR>``, ``LOGIN(uid=<VAR>)``; values in a row are one ``<VAR>``, so a list of any
  length is one slot) and masks file-system paths, so ``/var/log/a`` and
  ``/var/log/b`` share a template; its templates drive novelty and ``logwarden.template.*``.
  One name for every value, because the same slot of a template holds a decimal on one line and
  a hex id on the next; the choice is measured on the Loghub samples in ``docs/templates.md``.

A template's ``id`` is fixed when its drain3 cluster is created (a hash of the cluster's first
template) and kept for the cluster's life, snapshot included: drain3 widens a template as it
sees more lines (``a b c`` -> ``a <*> c``), and an id that followed the text would split one
pattern into many when documents are grouped by it.

Memory is bounded (``max_clusters`` for drain3's LRU of clusters, ``max_keys`` windows of
``window`` events each) and the whole state round-trips through :meth:`TemplateTracker.snapshot`
/ :meth:`TemplateTracker.restore` as bytes, so a restart does not forget what was seen. The
caller decides where the bytes live (a file, a Kafka-backed table); nothing here does I/O except
the optional :meth:`save`/:meth:`load` helpers that take a path.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from drain3 import TemplateMiner
from drain3.drain import Drain, LogCluster
from drain3.masking import AbstractMaskingInstruction, MaskingInstruction
from drain3.persistence_handler import PersistenceHandler
from drain3.template_miner_config import TemplateMinerConfig

from classifiers.logs.lru import Lru

_HEX_RUN = re.compile(r"[0-9a-fA-F]{8}")
_DIGIT = re.compile(r"\d")

# Order matters: addresses before the numbers inside them. Each mask comes with a cheap test
# that every text it can match passes (a substring, a count), so most lines skip most of the
# regular expressions: masking is a large share of the per-event cost of scoring.
_MODEL_MASKS: tuple[tuple[str, str, Callable[[str], object]], ...] = (
    # IPv6 needs a hex letter or "::", so times like 2024:00:26:09 stay numbers.
    (
        r"\b(?=[\w:]*(?:[a-fA-F]|::))(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{1,4}\b",
        "IP",
        lambda text: text.count(":") >= 2,
    ),
    (
        r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])",
        "IP",
        lambda text: text.count(".") >= 3,
    ),
    (r"\b0x[0-9a-fA-F]+\b", "HEX", lambda text: "0x" in text),
    (
        r"\b(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}\b",
        "HEX",
        _HEX_RUN.search,
    ),
    (r"(?<![\w<])[-+]?\d+(?:[.,:]\d+)*(?![\w>])", "NUM", _DIGIT.search),
)
_PATH_MASK = (r"(?<![\w.<>])(?:/[\w.\-@%+]+){2,}/?", "PATH")
# Values: a quoted string after ``=`` or ``:`` (it may hold spaces), else a part of a word
# holding a digit or a placeholder, or a dotted name of three parts or more (``com.example.app``:
# hosts, Java and Android components). Brackets, ``=``, ``,`` and ``|`` are structure, not parts
# of a value: ``LOGIN(uid=0)`` keeps ``LOGIN(uid=`` and ``)``, ``uid=0`` keeps its key
# (``uid=<VAR>`` and ``euid=<VAR>`` differ).
_PART = r"[^\s()\[\]{}=,|]"
_VALUE = re.compile(
    r'(?<=[=:])"[^"]*"'
    rf"|(?<!{_PART})(?:{_PART}*(?:\d|<(?:IP|NUM|HEX)>){_PART}*"
    rf"|[\w$][\w$\-]*(?:\.[\w$\-]+){{2,}}{_PART}*)"
)
# A date written out in the message (``at Fri Jun 17 20:55:07 2005``): the month and weekday
# names are values like the numbers after them.
_DATE_WORDS = re.compile(
    r"(?<!\S)(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? )?"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)(?= +(?:\d|<NUM>))"
)
_COMPILED_MODEL_MASKS = tuple(
    (re.compile(pattern), f"<{name}>", may_match) for pattern, name, may_match in _MODEL_MASKS
)


def mask_for_model(text: str) -> str:
    """``text`` with IPs, hex and numbers replaced by ``<IP>``, ``<HEX>``, ``<NUM>``."""
    for pattern, replacement, may_match in _COMPILED_MODEL_MASKS:
        if may_match(text):
            text = pattern.sub(replacement, text)
    return text


class _PathMasking(MaskingInstruction):
    """drain3's path mask, skipped on text without the two slashes every path has."""

    def mask(self, content: str, mask_prefix: str, mask_suffix: str) -> str:
        if content.count("/") < 2:
            return content
        return str(super().mask(content, mask_prefix, mask_suffix))


class _ValueMasking(AbstractMaskingInstruction):
    """drain3 mask of value words (see the module docstring); a word's structure and names stay
    constants because they name the slot (``uid=<VAR>`` and ``euid=<VAR>`` differ, and so do
    ``(uid=<VAR>)`` and ``LOGIN(uid=<VAR>)``). ``run`` values or more in a row, words apart,
    become one: a list of any length is one slot (``Supported channels <VAR>``)."""

    def __init__(self, run: int | None) -> None:
        super().__init__("VAR")
        self.run = run

    def mask(self, content: str, mask_prefix: str, mask_suffix: str) -> str:
        value = f"{mask_prefix}{self.mask_with}{mask_suffix}"
        content = _DATE_WORDS.sub(value, content)
        content = _VALUE.sub(value, content)
        if self.run is not None and content.count(value) >= self.run:
            content = _run_of(value, self.run).sub(value, content)
        return content


@functools.cache
def _run_of(value: str, run: int) -> re.Pattern[str]:
    """``run`` or more ``value`` words in a row, whitespace between them."""
    word = re.escape(value)
    return re.compile(rf"(?<!\S){word}(?:\s+{word}){{{run - 1},}}(?!\S)")


#: Lines a cluster must have matched with a word constant before it stops widening that word
#: (see :class:`_HoldingDrain`); chosen leaving one system out, ``docs/templates.md``.
HOLD = 200

#: Values in a row that become one ``<VAR>`` (see :class:`_ValueMasking`); chosen leaving one
#: system out, ``docs/templates.md``.
RUN = 2


#: Words that state a yes/no outcome, held from a cluster's first line (see :class:`_HoldingDrain`).
_BOOLEANS = frozenset({"true", "false", "yes", "no", "on", "off"})


def _is_boolean(word: str) -> bool:
    """Whether ``word`` is a yes/no word, quotes and trailing punctuation aside (``'Yes',``)."""
    return word.strip("'\",.;:()[]{}").lower() in _BOOLEANS


class _HoldingDrain(Drain):
    """drain3 that does not widen a word a cluster has *held*: a cluster that matched ``hold``
    messages or more with a word still constant at some position is not a candidate for a
    message with another word there, so that message starts (or finds) a cluster of its own.
    A yes/no word (``true``, ``Off``) is held from the cluster's first line.

    A slot that is a variable shows a second value early (a user name, a host); a word that
    stayed the same for ``hold`` lines is part of the event (``... by client
    WindowsUpdateAgent.`` after hundreds of lines, then ``... by client SPP.``), and drain3 would
    otherwise fold the rare event into the common one. A yes/no word is the outcome the event
    reports (``scanner Powered On``/``Off``, ``down true``/``false``): two outcomes are two
    events. Cluster sizes only grow and a held word is never widened, so a match drain3 made
    without widening stays the best match (the tracker's memo relies on this).
    """

    def __init__(self, hold: int | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.hold = hold

    def fast_match(
        self, cluster_ids: Any, tokens: list[str], sim_th: float, include_params: bool
    ) -> LogCluster | None:
        clusters, wildcard = self.id_to_cluster, self.param_str
        hold = self.hold
        cluster_ids = [
            key
            for key in cluster_ids
            if (cluster := clusters.get(key)) is None
            or all(
                held in (token, wildcard)
                or ((hold is None or cluster.size < hold) and not _is_boolean(held))
                for held, token in zip(cluster.log_template_tokens, tokens, strict=True)
            )
        ]
        found: LogCluster | None = super().fast_match(cluster_ids, tokens, sim_th, include_params)
        return found


def _template_miner(
    config: TemplateMinerConfig, hold: int | None, state: bytes | None = None
) -> TemplateMiner:
    """drain3's miner with :class:`_HoldingDrain` in place of its own, loaded from ``state``."""
    miner = TemplateMiner(config=config)
    miner.drain = _HoldingDrain(
        hold,
        sim_th=config.drain_sim_th,
        depth=config.drain_depth,
        max_children=config.drain_max_children,
        max_clusters=config.drain_max_clusters,
        extra_delimiters=config.drain_extra_delimiters,
        profiler=miner.profiler,
        param_str=miner.drain.param_str,
        parametrize_numeric_tokens=config.parametrize_numeric_tokens,
    )
    if state is not None:
        miner.persistence_handler = _Capture(state)
        try:
            miner.load_state()
        finally:
            miner.persistence_handler = None
    return miner


def template_id(template: str) -> str:
    """A content-derived id: equal on every worker whose cluster began with the same text."""
    return hashlib.blake2b(template.encode("utf-8"), digest_size=8).hexdigest()


@dataclass(frozen=True)
class TemplateMatch:
    """Where one message landed: its template, whether it is new, and its novelty (0..1).
    ``id`` is the cluster's for its whole life; ``text`` is its template as of this message."""

    id: str
    text: str
    is_new: bool
    count_in_window: int
    novelty: float


class _Capture(PersistenceHandler):
    """drain3's persistence hook pointed at memory, so the caller owns the bytes."""

    def __init__(self, state: bytes | None = None) -> None:
        self.state = state

    def save_state(self, state: bytes) -> None:
        self.state = state

    def load_state(self) -> bytes | None:
        return self.state


@dataclass(frozen=True)
class _Mined:
    """Where drain3 put a message: its cluster, the generation of drain3's clusters of the
    message's length at the time (see :class:`TemplateTracker`), and the template's id, text
    and key in the novelty windows."""

    cluster: LogCluster
    generation: int
    id: str
    text: str
    window_id: str


class TemplateTracker:
    """drain3 templates plus a sliding window of template counts per (dataset, host).

    Novelty is 1.0 for a template never seen before; for a known one it is
    ``rare_weight / (1 + n)`` with ``n`` its count among the last ``window`` events of the
    same key, so a template that is common elsewhere but absent from this host still stands
    out, and one that repeats fades quickly. Thread-safe: one lock around the mutable state.

    Most masked messages repeat exactly, and drain3's tree search (the largest cost of scoring
    a cached line) gives a repeat the answer it gave before unless the clusters it compares
    changed. So a bounded LRU (``memo_size`` messages, 0 turns it off) remembers each message
    that drain3 matched without changing anything, with a generation counter per token count
    that drain3's changes bump: a cluster created or generalised can alter the match of any
    message of its length (same tree branch, new best candidate), and of no other. A remembered
    message whose generation is current and whose cluster drain3 still holds gets that cluster
    exactly as drain3 would (size counted, touched in drain3's LRU, template unchanged: drain3
    would report ``none``); anything else goes through drain3. Results are identical either way.
    """

    def __init__(
        self,
        max_clusters: int = 20_000,
        window: int = 2_000,
        max_keys: int = 5_000,
        rare_weight: float = 0.8,
        similarity: float = 0.8,
        *,
        depth: int = 5,
        hold: int | None = HOLD,
        run: int | None = RUN,
        memo_size: int = 20_000,
    ) -> None:
        config = TemplateMinerConfig()
        config.drain_max_clusters = max_clusters
        config.drain_sim_th = similarity
        config.drain_depth = depth
        config.snapshot_compress_state = True
        # Callers hand in text already through mask_for_model; drain3 adds value words and paths.
        config.masking_instructions = [_ValueMasking(run), _PathMasking(*_PATH_MASK)]
        self._config = config
        self._hold = hold
        self._miner = _template_miner(config, hold)
        self.window = window
        self.max_keys = max_keys
        self.rare_weight = rare_weight
        self._windows: Lru[str, tuple[deque[str], Counter[str]]] = Lru(max_keys)
        self._memo: Lru[str, _Mined] = Lru(memo_size)
        self._generations: Counter[int] = Counter()
        #: drain3 cluster id -> template id: the hash of the cluster's first template.
        self._ids: dict[int, str] = {}
        self._lock = threading.Lock()

    def observe(self, message: str, key: str) -> TemplateMatch:
        """Mine ``message`` into a template and update the window of ``key``."""
        return self.observe_masked(mask_for_model(message), key)

    def observe_masked(self, message: str, key: str) -> TemplateMatch:
        """:meth:`observe` for a message already through :func:`mask_for_model` (the scorer
        masks once for both the model and the miner)."""
        with self._lock:
            found, is_new = self._recall(message), False
            if found is None:
                found, is_new = self._mine(message)
            # Windows count drain3 cluster ids: they survive a template being generalised.
            seen = self._count(key, found.window_id)
        novelty = 1.0 if is_new else self.rare_weight / (1 + seen)
        return TemplateMatch(found.id, found.text, is_new, seen, novelty)

    def _recall(self, message: str) -> _Mined | None:
        """The remembered match of ``message`` if drain3 would still give it, counted as drain3
        counts a match; None otherwise."""
        remembered = self._memo.get(message)
        if remembered is None:
            return None
        cluster = remembered.cluster
        clusters = self._miner.drain.id_to_cluster
        stale = remembered.generation != self._generations[len(cluster.log_template_tokens)]
        if stale or clusters.get(cluster.cluster_id) is not cluster:
            self._memo.discard(message)
            return None
        cluster.size += 1
        clusters[cluster.cluster_id]  # the lookup marks it used in drain3's LRU
        return remembered

    def _mine(self, message: str) -> tuple[_Mined, bool]:
        """Run ``message`` through drain3: where it landed and whether its cluster is new;
        remembered when drain3 changed nothing."""
        result = self._miner.add_log_message(message)
        cluster = self._miner.drain.id_to_cluster.get(result["cluster_id"])
        text = str(result["template_mined"])
        length = len(cluster.log_template_tokens)
        if result["change_type"] != "none":
            self._generations[length] += 1
        generation = self._generations[length]
        if result["change_type"] == "cluster_created":
            self._forget_evicted_ids()
            self._ids[cluster.cluster_id] = template_id(text)
        found = _Mined(
            cluster, generation, self._ids[cluster.cluster_id], text, str(cluster.cluster_id)
        )
        if result["change_type"] == "none":
            self._memo.put(message, found)
        return found, result["change_type"] == "cluster_created"

    def _forget_evicted_ids(self) -> None:
        """Drop the ids of clusters drain3's LRU evicted, once they outnumber the live ones."""
        clusters = self._miner.drain.id_to_cluster
        if len(self._ids) > 2 * max(len(clusters), 1):
            self._ids = {key: value for key, value in self._ids.items() if key in clusters}

    def _count(self, key: str, cluster: str) -> int:
        """Add ``cluster`` to the window of ``key``; its count there before this event."""
        recent, counts = self._window(key)
        seen = counts[cluster]
        recent.append(cluster)
        counts[cluster] += 1
        if len(recent) > self.window:
            dropped = recent.popleft()
            counts[dropped] -= 1
            if counts[dropped] <= 0:
                del counts[dropped]
        return seen

    def _window(self, key: str) -> tuple[deque[str], Counter[str]]:
        entry = self._windows.get(key)
        if entry is None:
            entry = (deque(), Counter())
            self._windows.put(key, entry)
        return entry

    @property
    def template_count(self) -> int:
        return len(self._miner.drain.clusters)

    def snapshot(self) -> bytes:
        """The whole state (templates and windows) as bytes for :meth:`restore`."""
        with self._lock:
            capture = _Capture()
            self._miner.persistence_handler = capture
            try:
                self._miner.save_state("snapshot")
            finally:
                self._miner.persistence_handler = None
            windows = {key: list(recent) for key, (recent, _) in self._windows.items()}
            clusters = self._miner.drain.id_to_cluster
            ids = {str(key): value for key, value in self._ids.items() if key in clusters}
        assert capture.state is not None
        return orjson.dumps(
            {"version": 2, "drain": capture.state.decode("ascii"), "windows": windows, "ids": ids}
        )

    def restore(self, state: bytes) -> None:
        """Replace the state with one from :meth:`snapshot`; ``ValueError`` if it is not one."""
        try:
            data: dict[str, Any] = orjson.loads(state)
            drain_state = data["drain"].encode("ascii")
            windows = data["windows"]
            template_ids = {int(key): str(value) for key, value in data.get("ids", {}).items()}
        except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ValueError(f"not a template tracker snapshot: {exc}") from exc
        miner = _template_miner(self._config, self._hold, drain_state)
        # A cluster without an id (snapshots of version 1 kept none) takes its current
        # template's hash: the id its documents were stored with.
        for key, cluster in miner.drain.id_to_cluster.items():
            template_ids.setdefault(key, template_id(cluster.get_template()))
        with self._lock:
            self._miner = miner
            self._memo.clear()
            self._generations.clear()
            self._ids = template_ids
            self._windows = Lru(
                self.max_keys,
                (
                    (key, (deque(ids[-self.window :]), Counter(ids[-self.window :])))
                    for key, ids in windows.items()
                ),
            )

    def save(self, path: Path) -> None:
        """Write :meth:`snapshot` to ``path`` atomically (temp file, then rename)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(self.snapshot())
        tmp.replace(path)

    def load(self, path: Path) -> bool:
        """Restore from ``path`` if it exists; returns whether it did."""
        if not path.exists():
            return False
        self.restore(path.read_bytes())
        return True
