"""Ingest: transfer sources, catalogue parsing, 02/2019 validation, file checks, pipeline."""
