"""Counts the catalogue states, compared with what the files hold (issue 16).

The catalogue's number of documents per dossier is compared with its document rows in
``validate.py`` (DOCUMENT_COUNT_MISMATCH).  Here: the pages a document row states
(``so_trang``) against the pages of its PDF, which the PDF checks already counted.  A
warning, not an error: a paper original may count covers or blank pages a scan leaves
out, but a wrong file or a wrong row shows here first.
"""

from __future__ import annotations

import luutru.records.finding_codes.ingest as fc
from luutru.ingest.checks.results import FileCheckResult
from luutru.records.findings import Finding, finding
from luutru.records.model import DocumentRecord


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
