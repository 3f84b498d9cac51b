"""Names both sides of a transfer to a historical archive agree on.

The sender writes a package with these profiles and tag files; the receiver recognises
the package by its profile and reads ``package.json``; the receipt it returns carries
the receipt profile.  The PREMIS event types are those recorded in the catalog when a
dossier is packed and when its transfer is confirmed (Library of Congress vocabulary).
"""

from __future__ import annotations

PROFILE = "luutru-transfer-out/1"
RECEIPT_PROFILE = "luutru-transfer-out-receipt/1"

# Tag files: outside ``data/``, covered by ``tagmanifest-sha256.txt`` (so verified on
# arrival) but never seen by the catalogue ↔ files check of the receiving ingest.
TAG_DIR = "transfer-out"
PACKAGE_JSON = f"{TAG_DIR}/package.json"
HANDOVER_JSON = f"{TAG_DIR}/bien_ban_giao_nhan.json"
HANDOVER_PDF = f"{TAG_DIR}/bien_ban_giao_nhan.pdf"
CATALOGUE_PDF = f"{TAG_DIR}/muc_luc_ho_so.pdf"
METADATA_DIR = f"{TAG_DIR}/aip-metadata"

# The payload: the catalogue in the ingest template and the original files.
CATALOGUE_NAME = "muc_luc_ho_so.xlsx"
FILES_DIR = "files"
# Catalogue columns that describe the package rather than the record: rewritten on export.
PACKAGING_FIELDS = ("duong_dan_tep", "sha256")
PATH_MAX = 255  # the catalogue's duong_dan_tep column

# PREMIS event types.
PACKING, TRANSFER = "packing", "transfer"
