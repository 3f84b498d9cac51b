"""Counts the catalogue states, compared with what the files hold (issue 16).

The catalogue's number of documents per dossier is compared with its document rows in
``validate.py`` (DOCUMENT_COUNT_MISMATCH, an error).  Here, as warnings:

- the pages a document row states (``so_trang``) against the pages of its PDF, which the
  PDF checks already counted (:func:`page_count_findings`);
- a dossier's page total (``so_luong_trang``) against the sum of its documents' pages, and
  its sheet count (``so_luong_to``, số lượng tờ: digitised paper) against its pages:
  a sheet holds one or two pages (recto, verso), so ``ceil(pages / 2) <= sheets <= pages``
  (:func:`dossier_count_findings`).

Warnings, not errors: a paper original may count covers or blank pages a scan leaves
out, but a wrong file or a wrong row shows here first.
"""

from __future__ import annotations

import math
from typing import Any

import luutru.records.finding_codes.ingest as fc
from luutru.ingest.checks.results import FileCheckResult
from luutru.records.findings import Finding, finding
from luutru.records.model import DocumentRecord, DossierRecord


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def dossier_count_findings(dossier: DossierRecord, documents: list[DocumentRecord]) -> list[Finding]:
    """DOSSIER_PAGE_TOTAL_MISMATCH and DOSSIER_SHEET_COUNT_INCONSISTENT (see the module docstring)."""
    out = []
    code = dossier.code
    stated = _count(dossier.fields.get("so_luong_trang"))
    doc_pages = [_count(d.fields.get("so_trang")) for d in documents]
    total = sum(p for p in doc_pages if p is not None) if documents and None not in doc_pages else None
    if stated is not None and total is not None and stated != total:
        out.append(finding(
            fc.DOSSIER_PAGE_TOTAL_MISMATCH,
            f"Hồ sơ '{code}' ghi số lượng trang {stated} nhưng tổng số trang của {len(documents)} tài liệu là "
            f"{total}. Sửa: sửa số lượng trang của hồ sơ hoặc số trang của từng tài liệu.",
            f"Dossier '{code}' states {stated} pages but its {len(documents)} documents add up to {total}. "
            "Fix: correct the dossier's page total or the page counts of its documents.",
            dossier=code, field="so_luong_trang", details={"stated": stated, "documents_pages": total}))
    sheets = _count(dossier.fields.get("so_luong_to"))
    pages = stated if stated is not None else total
    if sheets is not None and pages and not math.ceil(pages / 2) <= sheets <= pages:
        low, high = math.ceil(pages / 2), pages
        out.append(finding(
            fc.DOSSIER_SHEET_COUNT_INCONSISTENT,
            f"Hồ sơ '{code}' ghi số lượng tờ {sheets} nhưng có {pages} trang: mỗi tờ giữ một hoặc hai trang, nên số tờ "
            f"phải từ {low} đến {high}. Sửa: đếm lại số tờ (số lượng tờ) hoặc số trang của hồ sơ.",
            f"Dossier '{code}' states {sheets} sheets for {pages} pages: a sheet holds one or two pages, so there must "
            f"be {low} to {high} sheets. Fix: recount the sheets (số lượng tờ) or the dossier's pages.",
            dossier=code, field="so_luong_to", details={"sheets": sheets, "pages": pages, "min": low, "max": high}))
    return out


def page_count_findings(doc: DocumentRecord, res: FileCheckResult) -> list[Finding]:
    """DOCUMENT_PAGE_COUNT_MISMATCH when the stated pages differ from the PDF's."""
    stated = doc.fields.get("so_trang")
    pages = res.pdfa.pages if res.pdfa is not None and res.pdfa.error is None else 0
    if not isinstance(stated, int) or isinstance(stated, bool) or pages <= 0 or stated == pages:
        return []
    return [finding(
        fc.DOCUMENT_PAGE_COUNT_MISMATCH,
        f"Tài liệu {doc.identifier} ghi {stated} trang nhưng tệp '{doc.path}' có {pages} trang. Sửa: kiểm tra số "
        "trang trong mục lục, hoặc tệp đính kèm có đúng là của tài liệu này không.",
        f"Document {doc.identifier} states {stated} pages but its file '{doc.path}' has {pages}. Fix: check the page "
        "count in the catalogue, or whether the file attached belongs to this document.",
        dossier=doc.dossier_code, document=doc.identifier, file=doc.path, field="so_trang",
        details={"stated": stated, "pages": pages})]
