"""A dossier's page total and sheet count are compared with its documents (issue 16,
item 5: "counts in the catalogue (pages, sheets, documents) are not compared with what
the files hold"): warnings with the fix, the transfer still accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

from luutru.ingest.pipeline import ingest
from luutru.services import Services
from tests.factory import base_spec, write_transfer

CODES = {"DOSSIER_PAGE_TOTAL_MISMATCH", "DOSSIER_SHEET_COUNT_INCONSISTENT", "DOCUMENT_COUNT_MISMATCH"}


def _codes(services: Services, tmp_path: Path, **dossier: object) -> dict[str, dict]:
    spec = base_spec(1, 3)  # three documents of one page each (so_trang 1, one-page PDFs)
    spec.dossiers[0].update(dossier)
    rep = ingest(write_transfer(spec, tmp_path / "t"), services)
    assert rep.status == "accepted", rep.to_json()
    return {f.code: f.to_dict() for f in rep.findings if f.code in CODES}


@pytest.mark.parametrize("pages, sheets, expect", [
    (3, 2, set()),  # 3 pages on 2 sheets (recto-verso): consistent
    (3, 3, set()),
    ("", "", set()),  # nothing stated: nothing compared
    (5, 3, {"DOSSIER_PAGE_TOTAL_MISMATCH"}),  # the documents add up to 3
    (3, 1, {"DOSSIER_SHEET_COUNT_INCONSISTENT"}),  # 3 pages need at least 2 sheets
    (3, 4, {"DOSSIER_SHEET_COUNT_INCONSISTENT"}),  # more sheets than pages
    ("", 7, {"DOSSIER_SHEET_COUNT_INCONSISTENT"}),  # no total: the documents' 3 pages are used
])
def test_page_total_and_sheet_count_against_the_documents(services, tmp_path, pages, sheets, expect) -> None:
    found = _codes(services, tmp_path, so_luong_trang=pages, so_luong_to=sheets)
    assert set(found) == expect, found
    for f in found.values():
        assert f["severity"] == "warning" and "Fix:" in f["message_en"] and "Sửa:" in f["message_vi"]
        assert f["dossier"]
    if "DOSSIER_SHEET_COUNT_INCONSISTENT" in found:
        d = found["DOSSIER_SHEET_COUNT_INCONSISTENT"]["details"]
        assert (d["min"], d["max"]) == (2, 3) and d["sheets"] == sheets
