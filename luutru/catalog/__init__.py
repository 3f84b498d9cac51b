"""Catalog: SQLAlchemy tables and queries; derived from the AIPs, rebuilt by reindex."""
