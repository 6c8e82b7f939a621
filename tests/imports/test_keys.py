"""The compact index of the keys met in an import file."""

import random
import tracemalloc

from imports import keys


def test_every_key_finds_its_first_row_across_runs_and_merges():
    index = keys.KeyIndex()
    numbers = random.Random(5).sample(range(10**12), 3 * keys.PENDING + 17)
    for row, number in enumerate(numbers, start=2):
        assert index.get(number) is None
        index.add(number, row)
    assert len(index.runs) >= 2  # some merged, some pending
    for row, number in enumerate(numbers, start=2):
        assert index.get(number) == row
    assert index.get(10**12 + 1) is None


def test_a_key_costs_about_twelve_bytes():
    numbers = random.Random(6).sample(range(2**62), 40_000)
    tracemalloc.start()
    try:
        index = keys.KeyIndex()
        for row, number in enumerate(numbers):
            index.add(keys.digest(str(number)), row)
        held, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # A dict of digests and rows held about 120 bytes a key.
    assert held < 40_000 * 30
