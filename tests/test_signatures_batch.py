"""Many signed files in one transfer: what is remembered between files (distinguished-name
comparisons, ingest/checks/name_match.py) never carries one file's verdict to another."""

from __future__ import annotations


import pytest

from luutru.config import Settings
from luutru.ingest.checks.per_file import check_files
from luutru.ingest.checks.results import FileItem
from luutru.ingest.checks.signature_model import SignatureStatus
from luutru.ingest.checks.signatures import check_signatures, load_trust_roots
from tests.pki import add_annotation_after_signing, make_pdf_bytes, sign_pdf, tamper_signed_range


@pytest.fixture(scope="module")
def mixed(pki):
    """(pdf bytes, expected status), valid ones around each bad one, the same signers again and again."""
    base = make_pdf_bytes("CÔNG VĂN\nVề việc nộp lưu hồ sơ năm 2024")
    bad = [
        (sign_pdf(base, pki.expired), SignatureStatus.EXPIRED),
        (sign_pdf(base, pki.revoked, embed_crl=pki.crl), SignatureStatus.REVOKED),
        (sign_pdf(base, pki.stranger), SignatureStatus.VALID_UNTRUSTED),
        (add_annotation_after_signing(sign_pdf(base, pki.personal)), SignatureStatus.MODIFIED),
        (tamper_signed_range(sign_pdf(base, pki.organisation)), SignatureStatus.MODIFIED),
    ]
    out = []
    for i, b in enumerate(bad):
        out.append((sign_pdf(base, pki.personal if i % 2 else pki.organisation), SignatureStatus.VALID))
        out.append(b)
        out.append((sign_pdf(base, pki.personal), SignatureStatus.VALID))
    return out


def test_each_file_keeps_its_own_status_in_one_process(pki, mixed):
    roots = load_trust_roots(pki.root_pem)
    for _ in range(2):  # the second round with everything already remembered
        assert [check_signatures(pdf, trust_roots=roots).status for pdf, _ in mixed] == [s for _, s in mixed]


def test_each_file_keeps_its_own_status_in_the_worker_pool(pki, mixed, tmp_path):
    paths = []
    for i, (pdf, _) in enumerate(mixed):
        p = tmp_path / f"vb_{i:02d}.pdf"
        p.write_bytes(pdf)
        paths.append(p)
    settings = Settings(trust_roots=pki.root_pem, pdf_timeout_s=120)
    batch = check_files([FileItem(p, p.name, document=p.stem) for p in paths], settings, out_dir=tmp_path / "out")
    assert [r.signature_status for r in batch] == [s for _, s in mixed]
