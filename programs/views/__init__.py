"""Pages of the programs app, one module per part (training, support, indicators…)."""
