"""A small dossier as a 05/2025 SIP; eark-validator (see tests/eark_runner.py) and commons-ip2, the E-ARK
reference implementation (scripts/setup installs it), run on packages."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pikepdf

from luutru.packaging.sip import mapping
from luutru.packaging.sip.model import (
    ORIGINAL,
    PRESERVATION,
    SipAgent,
    SipDocument,
    SipDossier,
    SipEvent,
    SipFile,
    SipPackage,
    SipRights,
)
from tests import engines
from tests.factory import AGENCY, AGENCY_NAME, make_pdf

HERE = Path(__file__).parent
VOCABS = HERE / "data" / "eark_vocabularies"
EARK_VERSION = "1.1.3"
# What eark-validator 1.1.3 reports on every SIP that meets E-ARK SIP 2.0.4 (docs/sip-05-2025.md,
# "Validation by outside tools"): its CSIP12/13/16 and SIP14 rules hold *every* agent with
# ROLE="CREATOR" to the software agent's rules and to an unqualified NOTETYPE, while SIP15–20 (MUST)
# require a second CREATOR agent, the submitting organisation, and the METS schema allows only
# csip:NOTETYPE. commons-ip2 checks SIP15 and reports these packages valid.
EARK_DISPUTED = ["CSIP12", "CSIP13", "CSIP16", "SIP14", "SIP14"]
CREATOR = SipAgent("luutru", "luutru", "software", role="CREATOR", version="0.1.0")


def dossier_catalogue(n_docs: int = 2) -> tuple[dict, list[dict]]:
    code = f"{AGENCY}.2021.05"
    dossier = {
        "ma_ho_so": code, "ma_co_quan": AGENCY, "ten_co_quan": AGENCY_NAME, "nam_hinh_thanh": 2021,
        "so_ky_hieu_ho_so": "05", "tieu_de": "Hồ sơ về việc tuyển dụng công chức năm 2021",
        "thoi_han_bao_quan": "Vĩnh viễn", "che_do_su_dung": "Công khai", "ngon_ngu": "Tiếng Việt",
        "thoi_gian_bat_dau": "2021-01-05", "thoi_gian_ket_thuc": "2021-12-28", "tong_so_van_ban": n_docs,
        "chu_giai": "Người lập: Nguyễn Thị Lan", "ky_hieu_thong_tin": None, "tu_khoa": "tuyển dụng; công chức",
        "so_luong_to": None, "so_luong_trang": 2 * n_docs, "tinh_trang_vat_ly": "Tốt", "nguoi_lap": "Nguyễn Thị Lan",
        "nhom_thoi_han": "1.1",
    }
    docs = []
    for i in range(1, n_docs + 1):
        docs.append({
            "ma_dinh_danh_van_ban": f"{code}.{i:04d}", "ma_ho_so": code, "so_thu_tu": i,
            "ten_loai_van_ban": "Quyết định" if i % 2 else "Công văn", "so_van_ban": str(100 + i),
            "ky_hieu_van_ban": "QĐ-SNV", "ngay_van_ban": f"2021-0{i}-1{i}", "co_quan_ban_hanh": AGENCY_NAME,
            "trich_yeu": f"Về việc tuyển dụng công chức đợt {i} năm 2021", "ngon_ngu": "Tiếng Việt", "so_trang": 1,
            "che_do_su_dung": "Công khai", "muc_do_tin_cay": "Bản gốc điện tử", "nguoi_ky": "Trần Văn Hùng",
            "ghi_chu": None, "ky_hieu_thong_tin": None, "tu_khoa": "tuyển dụng", "but_tich": None,
            "tinh_trang_vat_ly": "Tốt", "do_mat": None, "duong_dan_tep": f"files/HS05/{i:02d} quyết định.pdf",
            "sha256": None,
        })
    return dossier, docs


def pdfa_like_copy(data: bytes) -> bytes:
    """A second, different PDF of the same document (stands for the preservation copy)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.docinfo["/Title"] = "Preservation copy"
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def sample_package(n_docs: int = 2, *, with_preservation: bool = True) -> SipPackage:
    cat, doc_cats = dossier_catalogue(n_docs)
    fields = mapping.dossier_fields(cat)
    documents = []
    events = []
    for dc in doc_cats:
        data = make_pdf([dc["trich_yeu"], f"Số {dc['so_van_ban']}/{dc['ky_hieu_van_ban']}"])
        sha = hashlib.sha256(data).hexdigest()
        files = [SipFile(name=Path(dc["duong_dan_tep"]).name, role=ORIGINAL, sha256=sha, size=len(data),
                         mime="application/pdf", source=data, original_path=dc["duong_dan_tep"],
                         format_name="Acrobat PDF 1.4 - Portable Document Format", format_version="1.4", puid="fmt/18")]
        if with_preservation:
            copy = pdfa_like_copy(data)
            files.append(SipFile(name=Path(dc["duong_dan_tep"]).stem + ".pdfa.pdf", role=PRESERVATION,
                                 sha256=hashlib.sha256(copy).hexdigest(), size=len(copy), mime="application/pdf",
                                 source=copy, format_name="PDF/A-2b", puid="fmt/476"))
        doc = SipDocument(mapping.document_fields(dc, fields), files, dict(dc))
        documents.append(doc)
        path = f"data/objects/{dc['ma_dinh_danh_van_ban']}/{files[0].name}"
        events += [
            SipEvent(f"0000000{dc['so_thu_tu']}-0000-4000-8000-000000000001", "message digest calculation",
                     "2022-03-01T09:00:00+07:00", path, "success", "SHA-256 computed while copying",
                     {"sha256": sha}, "luutru 0.1.0"),
            SipEvent(f"0000000{dc['so_thu_tu']}-0000-4000-8000-000000000002", "digital signature validation",
                     "2022-03-01T09:00:01+07:00", path, "warning", "no signature", {"signatures": []}, "luutru 0.1.0"),
            SipEvent(f"0000000{dc['so_thu_tu']}-0000-4000-8000-000000000003", "migration",
                     "2022-03-01T09:00:02+07:00", path, "success", "PDF/A-2b copy made", {}, "luutru 0.1.0"),
        ]
    events += [
        SipEvent("00000009-0000-4000-8000-000000000004", "ingestion", "2022-03-01T09:00:03+07:00", cat["ma_ho_so"],
                 "success", "accepted into preservation", {"transfer": "T-1"}, "luutru 0.1.0"),
        SipEvent("00000009-0000-4000-8000-000000000005", "fixity check", "2024-03-01T02:00:00+07:00", cat["ma_ho_so"],
                 "success", "all files match", {"files": n_docs}, "luutru 0.1.0"),
    ]
    dossier = SipDossier(fields, documents, events, SipRights(fields.mode, "Công khai"), dict(cat))
    return SipPackage(dossier, sequence=1, submission_id="EXP-2026-0001", agents=[
        SipAgent(AGENCY, AGENCY_NAME, "organization", role="ARCHIVIST"),
        SipAgent("000.00.00.G09", "Trung tâm Lưu trữ quốc gia", "organization", role="PRESERVATION"),
    ])


def eark_python() -> Path:
    """The eark-validator environment: LUUTRU_EARK_PYTHON, else <repo>/.venv-eark (made here once)."""
    env = os.environ.get("LUUTRU_EARK_PYTHON")
    if env:
        return Path(env)
    venv = Path(sys.prefix).parent / ".venv-eark"
    py = venv / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", f"eark-validator=={EARK_VERSION}"], check=True)
    return py


def eark_validate(package: Path, version: str = "V2.0.4") -> dict:
    """eark-validator's report on ``package`` (zip or folder), as a dict."""
    proc = subprocess.run([str(eark_python()), str(HERE / "eark_runner.py"), str(VOCABS), str(package), version], check=False,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"eark-validator failed to run:\n{proc.stderr[-3000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def eark_errors(report: dict) -> list[str]:
    """Every ERROR-severity message of a report, as 'rule id: message (location)'."""
    out = []
    for msg in report.get("structure", {}).get("messages", []):
        if msg.get("severity") == "Error":
            out.append(f"{msg.get('rule_id')}: {msg.get('message')}")
    for res in report.get("metadata", {}).get("results", []) if isinstance(report.get("metadata"), dict) else []:
        pass
    return out + _metadata_errors(report)


def _metadata_errors(report: dict) -> list[str]:
    out = []
    md = report.get("metadata") or {}
    for key in ("schema_results", "schematron_results"):
        block = md.get(key) or {}
        for msg in block.get("messages", []):
            if msg.get("severity") == "Error":
                out.append(f"{msg.get('rule_id')}: {msg.get('message')} @ {msg.get('location')}")
    return out


def eark_only_disputed(errors: list[str]) -> None:
    """Assert that eark-validator's errors are exactly its disputed CREATOR-agent rules, at those agents."""
    assert sorted(e.split(":")[0] for e in errors) == EARK_DISPUTED, errors
    assert all("mets:agent[@ROLE = 'CREATOR']" in e for e in errors), errors


# -- commons-ip2, the E-ARK reference implementation (Maven Central; scripts/setup installs it) --------


def commons_ip_validate(package: Path, out_dir: Path, version: str = "2.0.4") -> dict:
    """commons-ip2's E-ARK SIP validation report on ``package`` (zip or folder), as a dict.

    Its command exits 0 whatever it finds, so the verdict is read from the JSON report it writes."""
    exe = engines.need("commons-ip")
    out_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([exe, "validate", "-i", str(package), "-o", str(out_dir), "--specification-version", version],
                          capture_output=True, text=True, timeout=600, check=False)
    reports = sorted(out_dir.glob("*_validation-report_*.json"))
    assert proc.returncode == 0 and len(reports) == 1, f"commons-ip validate failed:\n{proc.stdout[-2000:]}{proc.stderr[-3000:]}"
    return json.loads(reports[0].read_text(encoding="utf-8"))


def commons_ip_problems(report: dict) -> list[str]:
    """Every requirement commons-ip2 did not pass, as 'ID LEVEL: issues' (MUST → error, SHOULD → warning)."""
    out = []
    for item in report.get("validation", []):
        t = item.get("testing", {})
        if t.get("outcome") == "FAILED":
            out.append(f"{item['id']} {item.get('level')}: {'; '.join(t.get('issues') or t.get('warnings') or [])}")
    return out


def commons_ip_create(out_dir: Path, *args: str) -> Path:
    """A SIP built by commons-ip2's own ``create`` command (E-ARK SIP 2.0.4, zipped); its path."""
    exe = engines.need("commons-ip")
    out_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([exe, "create", "-v", "2.0.4", "-p", str(out_dir), *args], capture_output=True, text=True,
                          timeout=600, check=False)
    made = sorted(out_dir.iterdir())
    assert proc.returncode == 0 and len(made) == 1, f"commons-ip create failed:\n{proc.stdout[-2000:]}{proc.stderr[-3000:]}"
    return made[0]


def commons_ip_sip_from_folder(source: Path, out_dir: Path, sip_id: str, submitter: tuple[str, str]) -> Path:
    """A SIP built with commons-ip2's EARKSIP API (``commons-ip-sip``, scripts/engines/commons-ip/SipFromFolder.java,
    compiled by scripts/setup next to the ``commons-ip`` wrapper) from ``source``: ``EAD.xml``,
    ``<rep>/metadata/*.xml``, ``<rep>/data/<folder>/<file>``; zipped. Its path."""
    exe = Path(engines.need("commons-ip")).with_name("commons-ip-sip")
    assert exe.is_file(), f"{exe} missing: run scripts/setup (it compiles SipFromFolder.java against commons-ip2)"
    name, ident = submitter
    proc = subprocess.run([str(exe), str(source), str(out_dir), sip_id, name, ident], capture_output=True, text=True,
                          timeout=600, check=False)
    assert proc.returncode == 0, f"commons-ip-sip failed:\n{proc.stdout[-2000:]}{proc.stderr[-3000:]}"
    return Path(proc.stdout.strip().splitlines()[-1])
