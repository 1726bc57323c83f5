"""The labelled corpus of the log classifier, assembled deterministically from three sources.

1. **Generated** scenarios (:mod:`classifiers.logs.generator`), split 70/10/20 per label.
2. **BGL** (``loghub/BGL/BGL_dev.log``): the first column is ``-`` for normal lines and an
   alert tag otherwise; tags map to the taxonomy by :data:`BGL_TAG_LABELS`. Split per tag 70/10/20;
   the 20% test part is never used in training and gives the alert-detection F1.
3. **Loghub background**: the other 12 systems, every line labelled through its Loghub template
   id with the reviewed map ``loghub_template_labels.csv`` (templates not listed are benign).
   90% train, 10% validation.

Each line goes through the project parser (the same one the stream uses) and becomes
:func:`classifiers.logs.scoring.model_text`. Training and validation keep one copy of every
distinct (text, label), benign texts sampled down to ``benign_cap``; the evaluation sets keep
every line. The hand-labelled test set
(``tests/logs/hand_labelled.tsv``) is drawn only from the validation and test parts.
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from classifiers.datasets import TaskSplit, TextTask
from classifiers.logs.generator import generate
from classifiers.logs.scoring import model_text
from classifiers.logs.taxonomy import BENIGN, LABELS
from classifiers.parsing import ParseFailure, ParseOptions, parse
from classifiers.shared_data import require_shared_data

LOGHUB = "loghub"
GENERATED = "generated"
BGL_SYSTEM = "BGL"
BACKGROUND_SYSTEMS = (
    "Android",
    "Apache",
    "HDFS",
    "HPC",
    "Hadoop",
    "HealthApp",
    "Linux",
    "Mac",
    "OpenSSH",
    "Spark",
    "Windows",
    "Zookeeper",
)

#: BGL alert tag -> taxonomy label. KERN* tags are raised by the compute-node kernel: TLB and
#: storage interrupts are CPU/memory hardware exceptions; mount failures are the Lustre file
#: system; tree-network receive errors are the interconnect; kernel termination and rts panics
#: are the runtime dying. APP* tags come from the I/O daemon ``ciod``: severed or reset links
#: and timeouts on its control stream are network faults, the rest (errors reading program
#: images, chdir/I/O errors, missing child processes) are the job failing.
BGL_TAG_LABELS: dict[str, str] = {
    "KERNDTLB": "hardware_fault",
    "KERNSTOR": "hardware_fault",
    "KERNMC": "hardware_fault",
    "KERNMICE": "hardware_fault",
    "KERNPAN": "service_failure",
    "KERNPOW": "hardware_fault",
    "KERNMNTF": "storage",
    "KERNMNT": "storage",
    "KERNFSHD": "storage",
    "KERNREC": "network",
    "KERNRTSA": "service_failure",
    "KERNSOCK": "network",
    "KERNTERM": "service_failure",
    "KERNRTSP": "service_failure",
    "KERNBIT": "hardware_fault",
    "KERNEXT": "service_failure",
    "KERNSERV": "service_failure",
    "KERNNOETH": "network",
    "KERNPROM": "hardware_fault",
    "KERNCON": "network",
    "APPSEV": "network",
    "APPRES": "network",
    "APPTO": "network",
    "APPREAD": "network",
    "APPOUT": "storage",
    "APPCHILD": "service_failure",
    "APPALLOC": "service_failure",
    "APPBUSY": "service_failure",
    "APPUNAV": "service_failure",
    "APPTORUS": "network",
    "MASABNORM": "hardware_fault",
    "MASNORM": "hardware_fault",
    "MMCS": "hardware_fault",
    "LINKBLL": "network",
    "LINKDISC": "network",
    "LINKIAP": "network",
    "LINKPAP": "network",
    "MONILL": "hardware_fault",
    "MONNULL": "hardware_fault",
    "MONPOW": "hardware_fault",
}


@dataclass(frozen=True)
class LabelledLine:
    """A raw line, its label, where it came from and the parser format to read it with."""

    raw: str
    label: str
    source: str
    format: str = "auto"


def template_labels() -> dict[tuple[str, str], str]:
    """The reviewed ``(system, Loghub event id) -> label`` map shipped with this package."""
    text = resources.files("classifiers.logs").joinpath("loghub_template_labels.csv").read_text()
    rows = csv.DictReader(text.splitlines())
    labels = {(row["system"], row["event_id"]): row["label"] for row in rows}
    unknown = set(labels.values()) - set(LABELS)
    if unknown:
        raise ValueError(f"loghub_template_labels.csv uses unknown labels {unknown}")
    return labels


def bgl_label(tag: str) -> str:
    """Taxonomy label of a BGL first column (``-`` is normal; unknown tags are hardware)."""
    return BENIGN if tag == "-" else BGL_TAG_LABELS.get(tag, "hardware_fault")


def bgl_lines(path: Path | None = None) -> list[LabelledLine]:
    """Every line of ``BGL_dev.log`` with its label; the tag column is kept in the raw line
    (that is the real format) but the parser reads past it."""
    source = path or require_shared_data(f"{LOGHUB}/{BGL_SYSTEM}/BGL_dev.log")
    lines = source.read_text(encoding="utf-8", errors="replace").splitlines()
    return [
        LabelledLine(line, bgl_label(line.split(" ", 1)[0]), BGL_SYSTEM, f"loghub:{BGL_SYSTEM}")
        for line in lines
        if line.strip()
    ]


def background_lines(
    system: str, labels: dict[tuple[str, str], str] | None = None
) -> list[LabelledLine]:
    """The 2k sample of one Loghub system, labelled per line through its template id."""
    labels = template_labels() if labels is None else labels
    folder = require_shared_data(f"{LOGHUB}/{system}")
    raw = (folder / f"{system}_2k.log").read_text(encoding="utf-8", errors="replace").splitlines()
    with (folder / f"{system}_2k.log_structured.csv").open(
        encoding="utf-8", errors="replace", newline=""
    ) as handle:
        event_ids = [row["EventId"] for row in csv.DictReader(handle)]
    if len(event_ids) != len(raw):
        raise ValueError(f"{system}: {len(raw)} lines but {len(event_ids)} structured rows")
    return [
        LabelledLine(line, labels.get((system, eid), BENIGN), system, f"loghub:{system}")
        for line, eid in zip(raw, event_ids, strict=True)
    ]


def parse_line(line: LabelledLine, options: dict[str, ParseOptions] | None = None) -> dict:
    """The parsed ECS event of a line (an unparsed line still gives its message)."""
    opts = (options or {}).get(line.format) or ParseOptions(format=line.format)
    if options is not None:
        options[line.format] = opts
    result = parse(line.raw.encode("utf-8"), opts)
    if isinstance(result, ParseFailure):
        return {"message": result.original, "event": {"original": result.original}}
    return result


def texts_of(lines: Sequence[LabelledLine]) -> list[str]:
    """Model texts of lines, parsing each with the project parser."""
    cache: dict[str, ParseOptions] = {}
    return [model_text(parse_line(line, cache)) for line in lines]


def to_task(name: str, lines: Sequence[LabelledLine], data_hash: str) -> TextTask:
    index = {label: i for i, label in enumerate(LABELS)}
    return TextTask(
        name=name,
        texts=texts_of(lines),
        labels=np.array([index[line.label] for line in lines], dtype=np.int64),
        label_names=list(LABELS),
        data_hash=data_hash,
    )


def split_lines(
    lines: Sequence[LabelledLine], keys: Sequence[str], seed: int, val: float, test: float
) -> tuple[list[LabelledLine], list[LabelledLine], list[LabelledLine]]:
    """Per-key shuffled cut into train/val/test (same policy as classifiers.datasets)."""
    rng = np.random.default_rng(seed)
    parts: tuple[list[LabelledLine], list[LabelledLine], list[LabelledLine]] = ([], [], [])
    for key in sorted(set(keys)):
        members = [i for i, k in enumerate(keys) if k == key]
        members = [members[i] for i in rng.permutation(len(members))]
        n_test, n_val = round(len(members) * test), round(len(members) * val)
        parts[2].extend(lines[i] for i in sorted(members[:n_test]))
        parts[1].extend(lines[i] for i in sorted(members[n_test : n_test + n_val]))
        parts[0].extend(lines[i] for i in sorted(members[n_test + n_val :]))
    return parts


def _fair_quotas(sizes: dict[str, int], cap: int) -> dict[str, int]:
    """Share ``cap`` evenly over the sources; a source with fewer items than its share gives
    the rest to the others (water filling)."""
    quotas: dict[str, int] = {}
    left, pending = cap, sorted(sizes, key=sizes.__getitem__)
    while pending:
        share = left // len(pending)
        source = pending.pop(0)
        quotas[source] = min(sizes[source], share)
        left -= quotas[source]
    return quotas


def _distinct(
    lines: Sequence[LabelledLine], texts: Sequence[str], benign_cap: int, seed: int
) -> list[int]:
    """Indices of the first line of every distinct (text, label), benign ones sampled down to
    ``benign_cap``; generated look-alikes are all kept (the generator sets their number). Real
    logs repeat a few templates thousands of times, and a CPU fine-tune
    must spend its steps on distinct evidence. The benign sample is shared evenly over the
    real sources (each Loghub system, BGL) and keeps each source's most frequent texts
    first (seeded order among equals): a uniform sample let systems with thousands of one-off
    texts (HDFS block ids) crowd out another system's commonest routine lines."""
    first: dict[tuple[str, str], int] = {}
    counts: Counter[tuple[str, str]] = Counter()
    for i, (line, text) in enumerate(zip(lines, texts, strict=True)):
        first.setdefault((text, line.label), i)
        counts[(text, line.label)] += 1
    keep = [i for (_, label), i in first.items() if label != BENIGN or lines[i].source == GENERATED]
    by_source: dict[str, list[int]] = {}
    for (_, label), i in first.items():
        if label == BENIGN and lines[i].source != GENERATED:
            by_source.setdefault(lines[i].source, []).append(i)
    rng = np.random.default_rng(seed)
    quotas = _fair_quotas({s: len(ids) for s, ids in by_source.items()}, benign_cap)
    for source, ids in sorted(by_source.items()):
        jitter = rng.random(len(ids))
        order = sorted(
            range(len(ids)),
            key=lambda k: (-counts[(texts[ids[k]], BENIGN)], jitter[k]),
        )
        keep.extend(ids[k] for k in order[: quotas[source]])
    return sorted(keep)


@dataclass
class CorpusLines:
    """The labelled lines of every part, before parsing: what :func:`build_corpus` turns into
    tasks and what the leave-one-system-out evaluation regroups per system
    (``LabelledLine.source`` names the system, ``generated`` or ``BGL``)."""

    train: list[LabelledLine]
    val: list[LabelledLine]
    generated_test: list[LabelledLine]
    bgl_test: list[LabelledLine]
    background: dict[str, list[LabelledLine]]


def corpus_lines(
    generated: int = 12_000, seed: int = 13, systems: Sequence[str] = BACKGROUND_SYSTEMS
) -> CorpusLines:
    """Generated and BGL lines split 70/10/20, each background system's split 90/10."""
    gen = [LabelledLine(g.text, g.label, GENERATED) for g in generate(generated, seed)]
    gen_parts = split_lines(gen, [g.label for g in gen], seed, 0.1, 0.2)
    bgl = bgl_lines()
    bgl_parts = split_lines(bgl, [line.raw.split(" ", 1)[0] for line in bgl], seed, 0.1, 0.2)
    train, val = list(gen_parts[0]) + list(bgl_parts[0]), list(gen_parts[1]) + list(bgl_parts[1])
    labels = template_labels()
    background: dict[str, list[LabelledLine]] = {}
    for system in systems:
        lines = background_lines(system, labels)
        background[system] = lines
        cut = split_lines(lines, [line.label for line in lines], seed, 0.1, 0.0)
        train += cut[0]
        val += cut[1]
    return CorpusLines(train, val, gen_parts[2], bgl_parts[2], background)


def distinct_task(
    name: str,
    lines: Sequence[LabelledLine],
    texts: Sequence[str],
    *,
    benign_cap: int,
    seed: int,
    data_hash: str,
) -> TextTask:
    """The task of the distinct (text, label) pairs of lines whose model texts are known."""
    keep = _distinct(lines, texts, benign_cap, seed)
    index = {label: i for i, label in enumerate(LABELS)}
    return TextTask(
        name=name,
        texts=[texts[i] for i in keep],
        labels=np.array([index[lines[i].label] for i in keep], dtype=np.int64),
        label_names=list(LABELS),
        data_hash=data_hash,
    )


@dataclass
class LogCorpus:
    """Training split plus the evaluation sets the benchmark reports."""

    split: TaskSplit
    generated_test: TextTask
    bgl_test: TextTask
    background: dict[str, TextTask] = field(default_factory=dict)
    bgl_test_tags: list[str] = field(default_factory=list)


def build_corpus(
    generated: int = 12_000,
    seed: int = 13,
    benign_cap: int = 2_000,
    systems: Sequence[str] = BACKGROUND_SYSTEMS,
) -> LogCorpus:
    """The deterministic corpus; ``systems`` are the Loghub systems used as background."""
    digest = hashlib.sha256(f"logs:{generated}:{seed}:{benign_cap}:{sorted(systems)}".encode())
    parts = corpus_lines(generated, seed, systems)
    for line in (*parts.train, *parts.val):
        digest.update(line.raw.encode("utf-8", "replace"))
        digest.update(line.label.encode())
    data_hash = digest.hexdigest()
    train_task = distinct_task(
        "logs",
        parts.train,
        texts_of(parts.train),
        benign_cap=benign_cap,
        seed=seed,
        data_hash=data_hash,
    )
    val_task = distinct_task(
        "logs",
        parts.val,
        texts_of(parts.val),
        benign_cap=benign_cap // 4,
        seed=seed,
        data_hash=data_hash,
    )
    generated_test = to_task("logs-generated-test", parts.generated_test, data_hash)
    bgl_test = to_task("logs-bgl-test", parts.bgl_test, data_hash)
    test = TextTask(
        name="logs",
        texts=generated_test.texts + bgl_test.texts,
        labels=np.concatenate([generated_test.labels, bgl_test.labels]),
        label_names=list(LABELS),
        data_hash=data_hash,
    )
    return LogCorpus(
        split=TaskSplit(train=train_task, val=val_task, test=test),
        generated_test=generated_test,
        bgl_test=bgl_test,
        background={
            s: to_task(f"loghub-{s}", lines, data_hash) for s, lines in parts.background.items()
        },
        bgl_test_tags=[line.raw.split(" ", 1)[0] for line in parts.bgl_test],
    )
