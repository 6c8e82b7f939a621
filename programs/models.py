"""Indicators, plans, support, training and reports (DESIGN §3); not built yet."""
