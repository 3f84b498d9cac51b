"""Small transfers for retention/disposal tests: expired fixed-term, current and permanent dossiers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from luutru.ingest.pipeline import ingest
from luutru.services import Services
from tests.factory import (
    TransferSpec,
    document_row,
    dossier_row,
    make_pdf,
    write_transfer,
)

# A phrase that occurs nowhere else: put in a PDF, its abstract and hence its full text.
PHRASE = "Zyxqvat Bromelquist hợp đồng thuê kho Ngọc Hồi"
PHRASE_ASCII = "Zyxqvat Bromelquist"


@dataclass
class Ingested:
    expired: list[str]  # fixed-term dossiers whose retention ended (closed 2012, 5 years)
    current: str  # fixed-term, retention not ended
    permanent: str
    secret_pdf: bytes  # the PDF carrying PHRASE (in expired[0])


def _dossier(n: int, year: int, retention: str, docs: int) -> dict:
    d = dossier_row(n, docs, year=year, retention=retention)
    d["thoi_gian_bat_dau"] = f"05/01/{year}"
    d["thoi_gian_ket_thuc"] = f"28/12/{year}"
    return d


def build_spec() -> tuple[TransferSpec, bytes]:
    spec = TransferSpec()
    rows = [_dossier(1, 2012, "5 năm", 2), _dossier(2, 2012, "10 năm", 1), _dossier(3, 2024, "10 năm", 1),
            _dossier(4, 2012, "Vĩnh viễn", 1)]
    rows[0]["nhom_thoi_han"] = "2.3"
    secret = b""
    for d in rows:
        spec.dossiers.append(d)
        year = d["nam_hinh_thanh"]
        for s in range(1, d["tong_so_van_ban"] + 1):
            path = f"files/{year}-{d['so_ky_hieu_ho_so']}/{s:04d}.pdf"
            special = d is rows[0] and s == 1
            lines = [f"BÁO CÁO số {s}/BC-UBND", f"Kế hoạch năm {year} hồ sơ {d['so_ky_hieu_ho_so']}"]
            if special:
                lines.append(PHRASE)
            data = make_pdf(lines)
            if special:
                secret = data
            spec.files[path] = data
            over = {"ngay_van_ban": f"15/03/{year}", "ten_loai_van_ban": "Báo cáo", "ky_hieu_van_ban": "BC-UBND"}
            if special:
                over["trich_yeu"] = f"Báo cáo về {PHRASE}"
            spec.documents.append(document_row(d, s, path, hashlib.sha256(data).hexdigest(), **over))
    return spec, secret


def ingest_fixture(services: Services, tmp: Path) -> Ingested:
    spec, secret = build_spec()
    root = write_transfer(spec, tmp / "transfer")
    report = ingest(root, services)
    assert report.status == "accepted", [f.to_dict() for f in report.findings if f.is_error]
    codes = [d["ma_ho_so"] for d in spec.dossiers]
    return Ingested(codes[:2], codes[2], codes[3], secret)


# The people of the procedure, as accounts: the command line signs each one in (luutru/cli/signin.py).
PEOPLE_PASSWORD = "mật-khẩu-thử-nghiệm-1"
PEOPLE = {"lan.vanthu": "archivist", "hoa.hoidong": "council", "minh.giamdoc": "approver",
          "tuan.luutru": "archivist", "tuan": "archivist"}


def people(services: Services) -> None:
    import luutru.api.accounts as accounts

    for name, role in PEOPLE.items():
        accounts.create_user(services, name, roles=[role], password=PEOPLE_PASSWORD, actor="test")


def token_of(services: Services, name: str) -> str:
    """A fresh API token of ``name``, for ``LUUTRU_TOKEN`` in a child process."""
    import luutru.api.accounts as accounts

    token, _ = accounts.create_token(services, name, label="test", actor="test")
    return token


def seed_template(root: Path) -> tuple[Path, Ingested]:
    """Ingest the fixture once into ``root/home``; tests copy that home (fast) instead of re-ingesting."""
    from luutru.config import Settings

    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    svc = Services(Settings(home=home, database_url=f"sqlite:///{home / 'catalog.sqlite'}"))
    try:
        ing = ingest_fixture(svc, root)
        people(svc)
    finally:
        svc.close()
    return home, ing


def copy_home(template: Path, dest: Path) -> Services:
    """Services over a private copy of a seeded home (SQLite catalog, local storage, tantivy)."""
    import shutil

    from luutru.config import Settings

    shutil.copytree(template, dest, symlinks=True)
    settings = Settings(home=dest, database_url=f"sqlite:///{dest / 'catalog.sqlite'}")
    # The key store lives outside the home (by default beside the operator's state): the
    # copy gets a copy of the template's keys, as a restore of both would.
    keys = Settings(home=template).keystore_path
    if keys.is_dir():
        shutil.copytree(keys, settings.keystore_path, dirs_exist_ok=True)
    return Services(settings)


def approved_list(services: Services, codes: list[str], *, drafter: str = "lan.vanthu",
                  member: str = "hoa.hoidong", approver: str = "minh.giamdoc") -> str:
    """Draft → council opinion → approval, by three different people; returns the list id."""
    import luutru.disposal.proposal as proposal

    lst = proposal.draft(services, actor=drafter, dossiers={c: "Hết thời hạn bảo quản" for c in codes},
                   explanatory_note="Tài liệu đã hết thời hạn bảo quản theo Thông tư 10/2022/TT-BNV.")
    proposal.add_opinion(services, lst["id"], actor=member, opinion="agree", role="Chủ tịch Hội đồng")
    proposal.approve(services, lst["id"], actor=approver, decision_ref="15/QĐ-SNV")
    return lst["id"]


def probes(secret_pdf: bytes, others: list[bytes]) -> list[bytes]:
    """Byte strings that identify the secret content: the phrase, and windows of the PDF
    that occur in no other file of the transfer."""
    out = [PHRASE.encode("utf-8"), PHRASE_ASCII.encode("ascii")]
    for off in range(0, max(1, len(secret_pdf) - 64), 97):
        w = secret_pdf[off:off + 64]
        if len(w) == 64 and not any(w in o for o in others):
            out.append(w)
        if len(out) >= 12:
            break
    return out


def grep_tree(root: Path, needles: list[bytes]) -> dict[str, list[int]]:
    """Every file under ``root`` (hidden leftovers too) that contains any needle → needle indexes."""
    hits: dict[str, list[int]] = {}
    for p in root.rglob("*"):
        if p.is_file() and not p.is_symlink():
            data = p.read_bytes()
            found = [i for i, n in enumerate(needles) if n in data]
            if found:
                hits[str(p.relative_to(root))] = found
    return hits
