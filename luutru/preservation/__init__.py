"""Preservation: AIP building, storage backends, fixity, retention, disposal, export."""
