"""Benchmarks run outside pytest: ``make bench`` (``python -m tests.bench``)."""
