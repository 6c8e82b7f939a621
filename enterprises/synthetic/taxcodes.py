"""Valid, unique 10-digit tax codes (mã số thuế) from a sequence, a million in about a second.

A code is a two-digit province prefix, a seven-digit sequence and the MST check digit
(``stdnum.vn.mst``: weights 31, 29, 23, 19, 17, 13, 7, 5, 3 over the first nine digits,
``10 - sum % 11``). Sums for the sequence part come from two lookup tables instead of nine
multiplications per code. A sequence whose sum is divisible by 11 has no valid check digit
(the formula would give "10") and is skipped, as the tax office does.
"""

from collections.abc import Iterator

_PREFIX_WEIGHTS = (31, 29)
_HIGH_WEIGHTS = (23, 19, 17, 13)  # sequence digits 1-4
_LOW_WEIGHTS = (7, 5, 3)  # sequence digits 5-7

# Synthetic sequences start above the codes real enterprises of a province hold today, so demo
# records with real codes never collide with them.
FIRST_SEQUENCE = 1_000_000
LAST_SEQUENCE = 9_999_999


def _weighted_sums(weights: tuple[int, ...]) -> list[int]:
    width = len(weights)
    return [
        sum(w * int(d) for w, d in zip(weights, f"{n:0{width}d}", strict=True))
        for n in range(10**width)
    ]


_HIGH = _weighted_sums(_HIGH_WEIGHTS)
_LOW = _weighted_sums(_LOW_WEIGHTS)


def tax_codes(next_sequence: dict[str, int], prefixes: tuple[str, ...]) -> Iterator[str]:
    """Valid codes in order: each prefix from its next free sequence number, then the next prefix.

    ``next_sequence`` maps a prefix to the first unused sequence number (codes below it are
    taken); it is updated as codes are handed out, so a caller can resume.
    """
    for prefix in prefixes:
        prefix_sum = sum(w * int(d) for w, d in zip(_PREFIX_WEIGHTS, prefix, strict=True))
        sequence = max(next_sequence.get(prefix, FIRST_SEQUENCE), FIRST_SEQUENCE)
        while sequence <= LAST_SEQUENCE:
            high, low = divmod(sequence, 1000)
            remainder = (prefix_sum + _HIGH[high] + _LOW[low]) % 11
            sequence += 1
            if remainder:
                next_sequence[prefix] = sequence
                yield f"{prefix}{sequence - 1:07d}{10 - remainder}"
    raise RuntimeError("synthetic tax code space exhausted")
