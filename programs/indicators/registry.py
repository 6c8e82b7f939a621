"""The list of indicators, loaded on first use (the definitions import models)."""

from functools import cache

from .base import Indicator


@cache
def _by_code() -> dict[str, Indicator]:
    from .definitions import INDICATORS

    found: dict[str, Indicator] = {}
    for indicator in INDICATORS:
        if indicator.code in found:
            raise ValueError(f"indicator {indicator.code} defined twice")
        found[indicator.code] = indicator
    return found


def all_indicators() -> list[Indicator]:
    """Every indicator in report order."""
    return list(_by_code().values())


def get(code: str) -> Indicator:
    """The indicator with ``code``; KeyError if there is none."""
    return _by_code()[code]
