"""bench/large.py's series of the tree's memory: a value for every minute of the run."""

from __future__ import annotations

from bench.large import by_minute


def test_every_minute_gets_the_first_sample_at_or_past_it() -> None:
    # samples that drift past the minutes' first seconds, as a tree of gigabytes makes them
    samples = [(0.0, 10), (1.4, 11), (59.8, 12), (61.3, 13), (118.9, 14), (122.0, 15), (185.5, 16)]
    assert by_minute(samples) == [10, 13, 15, 16]


def test_a_sample_on_the_minute_is_that_minute_and_no_samples_no_series() -> None:
    assert by_minute([(0.0, 1), (60.0, 2), (60.5, 3)]) == [1, 2]
    assert by_minute([]) == []
