"""The keys met so far in an import file, in about 12 bytes a row.

An import refuses a row whose key (a tax code, enterprise + standard…) came earlier in the same
file, naming that row. A dict of every key's digest and row cost about 120 bytes a row, the one
part of an import's memory that grew with the file (15 MB at the 100,000-row cap). Here a key is
a 64-bit digest kept in sorted arrays with its row number; recent keys wait in a small dict,
then become a sorted run, and runs of like size are merged, so adding and finding a key cost
O(log n) and memory is the arrays (``array('Q')`` and ``array('L')``: 12 bytes a key).
"""

import hashlib
import heapq
from array import array
from bisect import bisect_left

#: Keys kept in the dict before they become a sorted run.
PENDING = 4096


def digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


class KeyIndex:
    """``digest → first row number``, compact."""

    def __init__(self) -> None:
        self.pending: dict[int, int] = {}
        self.runs: list[tuple[array, array]] = []

    def get(self, key: int) -> int | None:
        row = self.pending.get(key)
        if row is not None:
            return row
        for keys, rows in self.runs:
            at = bisect_left(keys, key)
            if at < len(keys) and keys[at] == key:
                return rows[at]
        return None

    def add(self, key: int, row: int) -> None:
        self.pending[key] = row
        if len(self.pending) >= PENDING:
            self.runs.append(_run(sorted(self.pending.items())))
            self.pending = {}
            while len(self.runs) > 1 and len(self.runs[-1][0]) >= len(self.runs[-2][0]):
                newer, older = self.runs.pop(), self.runs.pop()
                # Merged pair by pair into new arrays: no list of the merged pairs is made.
                self.runs.append(_run(heapq.merge(_pairs(older), _pairs(newer))))


def _pairs(run: tuple[array, array]):
    keys, rows = run
    return zip(keys, rows, strict=True)


def _run(pairs) -> tuple[array, array]:
    keys, rows = array("Q"), array("L")
    for key, row in pairs:
        keys.append(key)
        rows.append(row)
    return keys, rows
