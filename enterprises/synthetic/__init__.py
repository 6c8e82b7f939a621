"""Synthetic enterprises for load tests (``manage.py generate_synthetic``)."""
