"""A batch of latencies recorded at once reads exactly like the same values observed one by one."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Histogram

from stream.metrics import observe_many

BUCKETS = (0.01, 0.1, 0.5, 1.0, 5.0)
VALUES = [0.0, 0.01, 0.0100001, 0.05, 0.1, 0.3, 0.5, 0.9, 1.0, 2.5, 5.0, 7.0, 30.0]


def _samples(observe_values: bool) -> list[tuple[str, dict[str, str], float]]:
    registry = CollectorRegistry()
    histogram = Histogram("latency", "test", ["topic"], buckets=BUCKETS, registry=registry)
    child = histogram.labels(topic="logs.raw")
    if observe_values:
        for value in VALUES:
            child.observe(value)
    else:
        observe_many(child, VALUES)
    return [
        (sample.name, sample.labels, sample.value)
        for family in registry.collect()
        for sample in family.samples
        if not sample.name.endswith("_created")
    ]


def test_observe_many_equals_observing_each_value() -> None:
    assert _samples(observe_values=False) == _samples(observe_values=True)


def test_observe_many_of_nothing_leaves_the_histogram_empty() -> None:
    registry = CollectorRegistry()
    histogram = Histogram("latency", "test", buckets=BUCKETS, registry=registry)
    observe_many(histogram, [])
    assert registry.get_sample_value("latency_count") == 0
