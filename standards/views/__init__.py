"""Pages of the standards app, split by feature (STYLE.md): adoptions, certificates."""
