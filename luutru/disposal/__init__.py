"""disposal."""
