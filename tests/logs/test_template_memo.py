"""The template tracker's memo of repeated messages changes speed only: every match, count,
novelty and the drain3 state itself come out exactly as without it."""

from __future__ import annotations

import random

import pytest

from classifiers.logs.templates import TemplateMatch, TemplateTracker, mask_for_model
from classifiers.shared_data import shared_data_dir


def _run(
    tracker: TemplateTracker, stream: list[tuple[str, str]]
) -> tuple[list[TemplateMatch], bytes]:
    """Every match of ``stream`` (message, window key) and the tracker's state after it."""
    return [tracker.observe_masked(message, key) for message, key in stream], tracker.snapshot()


def _random_stream(seed: int, events: int = 6_000) -> list[tuple[str, str]]:
    """Messages of 2-5 words from 8 words: many share a length and differ in a word or two, so
    drain3 keeps creating, generalising and (with few clusters allowed) evicting clusters that
    compete for the same repeats. The pool of messages in play widens over the stream."""
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(8)]
    pool = [" ".join(rng.choices(words, k=rng.randint(2, 5))) for _ in range(400)]
    return [
        (rng.choice(pool[: 1 + i * len(pool) // events]), f"host{rng.randint(0, 3)}")
        for i in range(events)
    ]


@pytest.mark.parametrize("seed", range(4))
def test_memo_gives_what_drain3_gives_on_a_churning_stream(seed: int) -> None:
    stream = _random_stream(seed)
    plain = _run(TemplateTracker(max_clusters=40, memo_size=0), stream)
    memoised = TemplateTracker(max_clusters=40, memo_size=1_000)
    assert _run(memoised, stream) == plain
    assert len(memoised._memo) > 0  # the memo was used, not bypassed


def test_a_cluster_created_later_takes_over_a_remembered_repeat() -> None:
    """drain3 moves a repeat to a closer cluster created after it was remembered; so must we."""
    stream = [
        ("a p q d", "k"),
        ("a x y d", "k"),  # generalises the first cluster to "a <*> <*> d"
        ("a x y d", "k"),  # matched without change: remembered
        ("a x y e", "k"),  # too far from "a <*> <*> d": a new cluster
        ("a x y d", "k"),  # now closer to "a x y e" (3 of 4 words) than to "a <*> <*> d"
    ]
    # Four-word lines: at drain3 similarity 0.7 (0.8 is the default) one differing word is
    # still a match, which the scenario needs.
    tracker = TemplateTracker(memo_size=10, similarity=0.7)
    matches, _ = _run(tracker, stream)
    assert matches == _run(TemplateTracker(memo_size=0, similarity=0.7), stream)[0]
    assert matches[4].text == "a x y <*>" != matches[2].text


def test_restore_forgets_the_memo_and_carries_on_identically() -> None:
    stream = _random_stream(7, events=3_000)
    first, rest = stream[:1_500], stream[1_500:]
    results = []
    for memo_size in (0, 1_000):
        tracker = TemplateTracker(max_clusters=40, memo_size=memo_size)
        _run(tracker, first)
        tracker.restore(tracker.snapshot())  # new drain3 clusters: the memo must not point at old
        assert not tracker._memo
        results.append(_run(tracker, rest))
    assert results[0] == results[1]


@pytest.mark.skipif(shared_data_dir() is None, reason="shared Loghub data absent (../shared/data)")
def test_memo_gives_what_drain3_gives_on_all_loghub_samples() -> None:
    from benches.logs import all_system_lines
    from classifiers.logs.evaluation import parse_lines
    from classifiers.logs.scoring import event_message, window_key

    events = parse_lines(all_system_lines())
    stream = [(mask_for_model(event_message(e)), window_key(e)) for e in events]
    for max_clusters in (20_000, 300):
        plain = _run(TemplateTracker(max_clusters=max_clusters, memo_size=0), stream)
        assert _run(TemplateTracker(max_clusters=max_clusters), stream) == plain
