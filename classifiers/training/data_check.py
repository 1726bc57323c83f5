"""Checks on a team's own labelled tickets before any training starts.

A model trained on unusable data fails quietly (a queue with two tickets, half the rows empty,
every ticket twice): the check says so up front, in the team's words (queues, tickets), and
says what to do. Errors refuse the run; warnings are printed and kept on the model card.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from classifiers.datasets import TextTask
from classifiers.runtime.abstention import training_languages

#: Fewest tickets a queue needs: train, validation and test each get some, and the lexical
#: head's out-of-fold scores get two folds.
MIN_QUEUE_TICKETS = 10
#: Below this many tickets a queue is trained but is unlikely to reach the routing precision.
FEW_QUEUE_TICKETS = 40
MIN_TICKETS = 50
DUPLICATE_WARN_SHARE = 0.05


@dataclass
class DataReport:
    """What the data holds, and what is wrong with it."""

    rows: int
    queues: dict[str, int]
    empty_texts: int
    duplicate_texts: int
    conflicting_duplicates: int
    languages: dict[str, float]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_ticket_data(task: TextTask) -> DataReport:
    """Count rows, queues, empty and duplicate texts and languages; judge them."""
    counts = Counter(task.label_names[i] for i in task.labels)
    texts = [text.strip() for text in task.texts]
    labels_of: dict[str, set[int]] = {}
    for text, label in zip(texts, task.labels, strict=True):
        labels_of.setdefault(text, set()).add(int(label))
    seen = Counter(texts)
    report = DataReport(
        rows=len(task),
        queues=dict(counts.most_common()),
        empty_texts=seen.get("", 0),
        duplicate_texts=sum(n - 1 for text, n in seen.items() if text and n > 1),
        conflicting_duplicates=sum(1 for t, ls in labels_of.items() if t and len(ls) > 1),
        languages=training_languages(texts),
    )
    _judge(report)
    return report


def _judge(report: DataReport) -> None:
    if report.rows < MIN_TICKETS:
        report.errors.append(
            f"only {report.rows} tickets: label at least {MIN_TICKETS} (a few hundred for "
            "useful routing)"
        )
    if len(report.queues) < 2:
        report.errors.append(
            f"{len(report.queues)} queue(s) in the label column: routing needs at least two; "
            "check --label-column"
        )
    for queue, count in report.queues.items():
        if count < MIN_QUEUE_TICKETS:
            report.errors.append(
                f"queue {queue!r} has {count} ticket(s), fewer than {MIN_QUEUE_TICKETS}: merge "
                "it into a related queue or label more tickets for it"
            )
        elif count < FEW_QUEUE_TICKETS:
            report.warnings.append(
                f"queue {queue!r} has only {count} tickets: it will rarely auto-route; label "
                f"{FEW_QUEUE_TICKETS}+ for it"
            )
    if report.empty_texts:
        report.warnings.append(
            f"{report.empty_texts} ticket(s) with empty text: they teach nothing; check "
            "--text-column"
        )
    if report.duplicate_texts > DUPLICATE_WARN_SHARE * report.rows:
        report.warnings.append(
            f"{report.duplicate_texts} duplicate texts ({report.duplicate_texts / report.rows:.0%})"
            ": test figures will be optimistic; de-duplicate the export"
        )
    if report.conflicting_duplicates:
        report.warnings.append(
            f"{report.conflicting_duplicates} text(s) appear under different queues: the labels "
            "disagree with each other there"
        )
    if len(report.languages) > 1:
        shown = ", ".join(f"{k} {v:.0%}" for k, v in report.languages.items())
        report.warnings.append(
            f"several languages ({shown}): tickets in other languages will go to triage"
        )
