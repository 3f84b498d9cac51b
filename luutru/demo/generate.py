"""Generate realistic demo transfers: one clean, one with deliberate errors.

``generate_demo(out_dir)`` writes

* ``out_dir/good/`` — a transfer from several provincial agencies: dozens of dossiers,
  hundreds of documents with Vietnamese titles, abstracts, numbers and notations,
  signers, dates inside each dossier's span, a retention and access mix, born-digital
  PDFs, scanned-copy PDFs (200 dpi colour image + invisible text), a few XLSX annexes
  and a PNG site diagram; catalogue ``muc_luc_ho_so.xlsx`` (or CSV with ``csv=True``);
* ``out_dir/bad/`` — a smaller transfer carrying each deliberate error exactly once;
* ``out_dir/bad_errors.txt`` — the list of those errors (bilingual), kept outside the
  transfer folder so the folder holds only the catalogue and the files.

Same seed, same bytes: every random choice comes from one ``random.Random(seed)``,
PDFs are written with reportlab's invariant mode and workbooks with fixed timestamps.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable

import luutru.demo.documents as render
from luutru.demo.pki import make_test_pki, sign_pdf
from luutru.demo.vocab import (
    AGENCIES,
    BODY_SENTENCES,
    GENERIC_FILLERS,
    GIVEN_F,
    GIVEN_M,
    KINDS,
    MIDDLE_F,
    MIDDLE_M,
    MINISTRY_HOME,
    PHYSICAL_STATES,
    PROJECTS,
    SURNAMES,
    TOPICS,
    Agency,
    Org,
    Step,
    Topic,
    district_org,
    legal_bases,
    peer_orgs,
    province_org,
)
from luutru.packaging.catalogue_writer import (
    TEMPLATE_NAME,
    write_csv_catalogue,
    write_reproducible_zip,
    write_xlsx_template,
)
from luutru.records.codes import document_identifier, dossier_code
from luutru.records.model import fold

DEMO_TIMESTAMP = datetime(2025, 12, 31, 8, 0, 0)
GOOD_DIR, BAD_DIR, BAD_ERRORS = "good", "bad", "bad_errors.txt"
FIRST_YEAR, LAST_YEAR = 2015, 2024
SCANNED_BEFORE = 2017  # dossiers of earlier years were kept on paper and digitised
YEARS = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
YEAR_WEIGHTS = (1, 1, 2, 2, 3, 3, 3, 3, 3, 3)  # few old, scanned dossiers: they are the bulky ones
MIN_DOCS, MAX_DOCS = 3, 15

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Defect:
    """One deliberate error in the bad transfer."""

    code: str  # stable name, e.g. "file_missing"
    vi: str
    en: str
    dossier: str | None = None
    document: str | None = None
    file: str | None = None
    field: str | None = None


@dataclass
class DemoTransfers:
    """Where the demo transfers were written and what they hold."""

    good: Path
    bad: Path
    bad_errors: Path
    good_dossiers: int
    good_documents: int
    good_files: int
    good_bytes: int
    bad_dossiers: int
    bad_documents: int
    defects: list[Defect] = field(default_factory=list)
    trust_roots: Path | None = None  # root certificate of the demo PKI when PDFs are signed


@dataclass
class _Doc:
    row: dict[str, Any]
    data: bytes
    path: str  # catalogue path (NFC, POSIX)


@dataclass
class _Dossier:
    row: dict[str, Any]
    docs: list[_Doc]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _low(text: str) -> str:
    return text[:1].lower() + text[1:]


def _slug(text: str) -> str:
    return "-".join(fold(text).split())


class _Builder:
    """Builds dossiers and their documents; holds the per-organisation number counters."""

    def __init__(self, rng: random.Random, sign: Callable[[bytes, str], bytes] | None = None) -> None:
        self.rng = rng
        self.sign = sign  # (pdf bytes, reliability) -> signed bytes; None leaves PDFs unsigned
        self.numbers: dict[tuple[str, int, str], int] = {}
        self.signers: dict[str, tuple[str, str]] = {}
        self.dossier_numbers: dict[tuple[str, int], int] = {}

    # people -------------------------------------------------------------------------
    def person(self) -> tuple[str, str]:
        """A random name and its honorific (ông/bà)."""
        rng = self.rng
        if rng.random() < 0.5:
            return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}", "ông"
        return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}", "bà"

    def org_signers(self, org: Org) -> tuple[str, str]:
        if org.name not in self.signers:
            self.signers[org.name] = (self.person()[0], self.person()[0])
        return self.signers[org.name]

    # numbering ------------------------------------------------------------------------
    def next_number(self, org: Org, year: int, series: str) -> int:
        key = (org.name, year, series)
        current = self.numbers.get(key)
        current = self.rng.randint(1, 40) if current is None else current + self.rng.randint(1, 25)
        self.numbers[key] = current
        return current

    def next_dossier_number(self, agency: Agency, year: int) -> int:
        key = (agency.code, year)
        n = self.dossier_numbers.get(key, self.rng.randint(0, 9)) + 1
        self.dossier_numbers[key] = n
        return n

    # organisations -------------------------------------------------------------------
    def issuer(self, agency: Agency, who: str, district: str) -> tuple[Org, str]:
        """The issuing organisation of a step and the place for its date line."""
        if who == "parent":
            if agency.org.abbrev == "UBND":
                return MINISTRY_HOME, "Hà Nội"
            return province_org(agency.place), agency.place
        if who == "peer":
            return self.rng.choice(peer_orgs(agency.place)), agency.place
        if who == "district":
            return district_org(district, agency.place), district
        if who == "ministry":
            return MINISTRY_HOME, "Hà Nội"
        return agency.org, agency.place

    # content --------------------------------------------------------------------------
    def paragraphs(self, kind: str, org: Org, abstract: str, year: int) -> list[str]:
        rng = self.rng
        filler = lambda k: rng.sample(BODY_SENTENCES, k)  # noqa: E731
        a = _low(abstract)
        if kind == "qd":
            bases = legal_bases(year)
            picked = sorted(rng.sample(range(1, len(bases)), min(2, len(bases) - 1)))
            paras = [bases[0]] + [bases[i] for i in picked] + ["Theo đề nghị của Chánh Văn phòng.", "QUYẾT ĐỊNH:",
                                                   f"Điều 1. {abstract}."]
            paras += [" ".join(filler(2))]
            paras += ["Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký.",
                      "Điều 3. Chánh Văn phòng, Thủ trưởng các phòng, đơn vị và các cá nhân có liên quan "
                      "chịu trách nhiệm thi hành Quyết định này./."]
            return paras
        if kind == "cv":
            return [f"Thực hiện nhiệm vụ được giao, {org.name} có ý kiến về việc {a} như sau:",
                    " ".join(filler(rng.randint(2, 4))), " ".join(filler(rng.randint(1, 3))),
                    "Đề nghị các cơ quan, đơn vị quan tâm phối hợp thực hiện./."]
        if kind == "tt":
            return [f"{org.name} kính trình xem xét, quyết định nội dung: {a}.", "I. SỰ CẦN THIẾT",
                    " ".join(filler(3)), "II. NỘI DUNG ĐỀ NGHỊ", " ".join(filler(rng.randint(2, 5))),
                    f"Kính trình xem xét, quyết định về việc {a}./."]
        if kind == "bc":
            n_docs, n_checks = rng.randint(5, 60), rng.randint(2, 15)
            return [f"{org.name} báo cáo {a} như sau:", "I. KẾT QUẢ THỰC HIỆN",
                    f"Trong kỳ, đã ban hành {n_docs} văn bản chỉ đạo, hướng dẫn; tổ chức {n_checks} cuộc "
                    "kiểm tra tại các cơ quan, đơn vị. " + " ".join(filler(2)),
                    "II. TỒN TẠI, HẠN CHẾ", " ".join(filler(2)),
                    "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", " ".join(filler(rng.randint(2, 4)))]
        if kind == "kh":
            return [f"{org.name} ban hành Kế hoạch: {abstract}.", "I. MỤC ĐÍCH, YÊU CẦU", " ".join(filler(2)),
                    "II. NỘI DUNG VÀ THỜI GIAN THỰC HIỆN", " ".join(filler(rng.randint(2, 5))),
                    "III. TỔ CHỨC THỰC HIỆN", " ".join(filler(2))]
        if kind == "bb":
            return [f"Hôm nay, vào lúc {rng.randint(7, 15)} giờ {rng.choice(('00', '30'))}, tại trụ sở {org.name}, "
                    f"tiến hành lập biên bản: {a}.", "I. THÀNH PHẦN THAM DỰ",
                    "Đại diện lãnh đạo cơ quan; đại diện các phòng, đơn vị có liên quan.", "II. NỘI DUNG",
                    " ".join(filler(rng.randint(2, 4))),
                    "Biên bản được lập thành 02 bản, có giá trị như nhau, đã đọc lại cho các thành viên cùng nghe "
                    "và nhất trí thông qua./."]
        if kind == "gm":
            return [f"{org.name} trân trọng kính mời: {abstract}.",
                    f"Thời gian: {rng.randint(7, 14)} giờ 00, theo lịch làm việc của cơ quan.",
                    f"Địa điểm: Hội trường {org.name}.", "Rất mong quý đại biểu tham dự đúng thời gian./."]
        if kind == "hd":
            return ["Căn cứ Bộ luật Dân sự ngày 24 tháng 11 năm 2015;",
                    "Căn cứ Luật Đấu thầu và các văn bản hướng dẫn thi hành;",
                    f"Bên A ({org.name}) và Bên B (nhà thầu được lựa chọn) thống nhất ký kết hợp đồng: {a}.",
                    "Điều 1. Nội dung công việc. " + " ".join(filler(2)),
                    "Điều 2. Giá trị hợp đồng và phương thức thanh toán. " + " ".join(filler(1)),
                    "Điều 3. Trách nhiệm của các bên. " + " ".join(filler(2))]
        # tb and anything else
        return [f"{org.name} thông báo: {abstract}.", " ".join(filler(rng.randint(2, 4))),
                "Các cơ quan, đơn vị, cá nhân có liên quan biết, thực hiện./."]

    def signature(self, kind: str, org: Org) -> tuple[str, str, str]:
        """(prefix, title, name) of the signature block."""
        head, deputy = self.org_signers(org)
        if kind == "bb":
            return "", "CHỦ TRÌ", head
        if kind == "hd":
            return "ĐẠI DIỆN BÊN A", org.head.upper(), head
        by_head = self.rng.random() < 0.4
        if org.collective:
            if by_head:
                return f"TM. {org.collective}", org.head.upper(), head
            return f"TM. {org.collective}\nKT. {org.head.upper()}", org.deputy.upper(), deputy
        if by_head:
            return "", org.head.upper(), head
        return f"KT. {org.head.upper()}", org.deputy.upper(), deputy

    # dossiers --------------------------------------------------------------------------
    def dossier(self, agency: Agency, topic_key: str, year: int, *, n_docs: int,
                agency_code: str | None = None, progress: Callable[[], None] = lambda: None) -> _Dossier:
        rng = self.rng
        topic: Topic = TOPICS[topic_key]
        code_of_agency = agency_code or agency.code
        number = self.next_dossier_number(agency, year)
        dossier_no = f"{number:02d}" if topic.unit == "VP" else f"{number:02d}-{topic.unit}"
        dcode = dossier_code(code_of_agency, year, dossier_no)
        district = rng.choice(agency.districts)
        unit = rng.choice(agency.unit_names or ("Tổng hợp", "Nội chính", "Kinh tế"))
        person, honorific = self.person()
        values = {
            "y": year, "y1": year + 1, "agency": agency.org.name, "place": agency.place, "district": district,
            "unit": unit, "unit_l": _low(unit), "person": f"{honorific} {person}", "project": rng.choice(PROJECTS),
        }
        if topic_key == "cong_van":  # "công tác văn thư, lưu trữ": the unit name runs on in lower case
            values["unit"] = _low(unit)
        title = topic.title.format(**values)
        values["short"] = _low(title.removeprefix("Hồ sơ ").removeprefix("Tập "))

        start = date(year, rng.randint(1, 8), rng.randint(1, 28))
        end = min(start + timedelta(days=rng.randint(20, 130)), date(year, 12, 31))
        days = sorted(rng.randint(0, (end - start).days) for _ in range(n_docs - 2))
        doc_dates = [start] + [start + timedelta(days=d) for d in days] + [end]
        steps = self._steps(topic, n_docs)

        scanned_dossier = year < SCANNED_BEFORE
        restricted = topic.restricted or rng.random() < 0.08
        docs: list[_Doc] = []
        previous: tuple[str, str] | None = None
        for seq, (step, issued) in enumerate(zip(steps, doc_dates), start=1):
            values["m"] = issued.month
            abstract = _cap(step.abstract.format(**values))[:500]
            org, place = self.issuer(agency, step.issuer, district)
            kind = KINDS[step.kind]
            if step.fmt != "pdf" and previous:  # annexes carry the main document's number
                so, notation = previous
            else:
                series = kind.abbrev or "CV"
                so = str(self.next_number(org, year, series))
                if step.legal and org.abbrev == "UBND":
                    notation = f"{year}/{kind.abbrev}-{org.abbrev}"
                elif kind.abbrev:
                    notation = f"{kind.abbrev}-{org.abbrev}"
                else:
                    notation = f"{org.abbrev}-{rng.choice(org.units)}"
                previous = (so, notation)
            ident = document_identifier(dcode, seq)
            prefix, sign_title, signer = self.signature(step.kind, org)
            recipients: list[str] = []
            if step.kind == "cv":
                recipients = rng.choice((["Các phòng, đơn vị trực thuộc"],
                                         ["Ủy ban nhân dân các huyện, thành phố", "Các sở, ban, ngành tỉnh"],
                                         [agency.org.name if org is not agency.org else province_org(agency.place).name]))
            elif step.kind == "tt":
                recipients = [province_org(agency.place).name if org.abbrev != "UBND" else MINISTRY_HOME.name]
            content = render.DocContent(
                org=org, kind=kind, number_notation=f"{so}/{notation}", place=place, issued=issued,
                abstract=abstract, paragraphs=self.paragraphs(step.kind, org, abstract, year),
                signer_name=signer, signer_title=sign_title, sign_prefix=prefix, recipients=recipients,
                keywords=topic.keywords)
            scanned = step.fmt == "pdf" and (scanned_dossier or rng.random() < 0.05)
            if step.fmt == "xlsx":
                ext, reliability = "xlsx", "Bản gốc điện tử"
                data, pages = self._annex(abstract, org, topic_key), 1
            elif step.fmt == "png":
                ext, reliability = "png", "Hỗn hợp"
                data = render.render_png_diagram(abstract.upper(), f"{district}, tỉnh {agency.place}",
                                                 seed=rng.randint(0, 2**31))
                pages = 1
            elif scanned:
                ext, reliability = "pdf", "Số hóa"
                data, pages = render.render_scanned_pdf(content)
            else:
                ext, reliability = "pdf", "Bản gốc điện tử"
                data, pages = render.render_pdf(content)
            if self.sign is not None and ext == "pdf":
                data = self.sign(data, reliability)
            path = f"files/{dcode}/{seq:04d}_{_slug(kind.name)}.{ext}"
            row = {
                "ma_dinh_danh_van_ban": ident, "ma_ho_so": dcode, "so_thu_tu": seq,
                "ten_loai_van_ban": kind.name, "so_van_ban": so, "ky_hieu_van_ban": notation,
                "ngay_van_ban": issued, "co_quan_ban_hanh": org.name, "trich_yeu": abstract,
                "ngon_ngu": "Tiếng Việt", "so_trang": pages,
                "che_do_su_dung": "Hạn chế" if restricted else "Công khai",
                "muc_do_tin_cay": reliability, "nguoi_ky": signer,
                "ghi_chu": "Bản số hóa từ bản gốc giấy" if reliability == "Số hóa" else None,
                "tu_khoa": topic.keywords if rng.random() < 0.5 else None,
                "tinh_trang_vat_ly": rng.choice(PHYSICAL_STATES) if reliability == "Số hóa" else None,
                "duong_dan_tep": path,
                "sha256": hashlib.sha256(data).hexdigest() if rng.random() < 0.85 else None,
            }
            docs.append(_Doc(row, data, path))
            progress()

        pages_total = sum(d.row["so_trang"] for d in docs)
        creator, _ = self.person()
        row = {
            "ma_ho_so": dcode, "ma_co_quan": code_of_agency, "ten_co_quan": agency.org.name,
            "nam_hinh_thanh": year, "so_ky_hieu_ho_so": dossier_no, "tieu_de": title,
            "thoi_han_bao_quan": topic.retention, "che_do_su_dung": "Hạn chế" if restricted else "Công khai",
            "ngon_ngu": "Tiếng Việt", "thoi_gian_bat_dau": start, "thoi_gian_ket_thuc": end,
            "tong_so_van_ban": len(docs),
            "chu_giai": "Hồ sơ số hóa từ tài liệu giấy" if scanned_dossier else None,
            "tu_khoa": topic.keywords, "so_luong_to": pages_total, "so_luong_trang": pages_total,
            "tinh_trang_vat_ly": "Tốt", "nguoi_lap": creator, "nhom_thoi_han": topic.group or None,
        }
        return _Dossier(row, docs)

    def _steps(self, topic: Topic, n: int) -> list[Step]:
        """``n`` steps in order: the topic's sequence, thinned or padded with follow-up letters."""
        steps = list(topic.steps)
        if n < len(steps):
            # Keep the first and last steps and any annex (XLSX/PNG), then fill up at random.
            must = {0, len(steps) - 1} | {i for i, s in enumerate(steps) if s.fmt != "pdf"}
            must = set(sorted(must)[:n])
            rest = [i for i in range(len(steps)) if i not in must]
            keep = must | set(self.rng.sample(rest, max(0, n - len(must))))
            return [steps[i] for i in sorted(keep)]
        pool = list(topic.fillers) + list(GENERIC_FILLERS)
        while len(steps) < n:
            steps.insert(self.rng.randint(1, max(1, len(steps) - 1)), self.rng.choice(pool))
        return steps

    def _annex(self, title: str, org: Org, topic_key: str) -> bytes:
        rng = self.rng
        header = ("STT", "Nội dung", "Đơn vị tính", "Kế hoạch", "Thực hiện")
        items = ("Văn bản chỉ đạo, hướng dẫn", "Hồ sơ được lập", "Hồ sơ nộp lưu", "Cuộc kiểm tra",
                 "Lượt khai thác tài liệu", "Máy tính để bàn", "Thiết bị mạng", "Cán bộ được tập huấn")
        rows = []
        for i, item in enumerate(rng.sample(items, 5), start=1):
            plan = rng.randint(5, 200)
            rows.append((i, item, "cái" if "Máy" in item or "Thiết bị" in item else "lượt",
                         plan, plan - rng.randint(0, plan // 4)))
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "annex.xlsx"
            render.write_xlsx_annex(path, title, org.name, rows, header, timestamp=DEMO_TIMESTAMP)
            return path.read_bytes()


def _write_transfer(root: Path, dossiers: list[_Dossier], *, as_csv: bool, name_on_disk: dict[str, str] | None = None,
                    skip_files: set[str] = frozenset()) -> int:
    """Write catalogue and files; returns the number of files written."""
    name_on_disk = name_on_disk or {}
    written = 0
    for d in dossiers:
        for doc in d.docs:
            if doc.path in skip_files:
                continue
            target = root / name_on_disk.get(doc.path, doc.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(doc.data)
            written += 1
    dossier_rows = [d.row for d in dossiers]
    document_rows = [doc.row for d in dossiers for doc in d.docs]
    if as_csv:
        write_csv_catalogue(root, dossier_rows, document_rows)
    else:
        write_xlsx_template(root / TEMPLATE_NAME, (dossier_rows, document_rows), timestamp=DEMO_TIMESTAMP)
    return written


def _plan(rng: random.Random, count: int) -> list[tuple[Agency, str, int]]:
    """Which agency, topic and year each dossier gets: agencies in turn, no repeats."""
    seen: set[tuple[str, str, int]] = set()
    plan = []
    for i in range(count):
        agency = AGENCIES[i % len(AGENCIES)]
        topic = agency.topics[(i // len(AGENCIES)) % len(agency.topics)]
        year = rng.choices(YEARS, YEAR_WEIGHTS)[0]
        while (agency.code, topic, year) in seen:
            year = FIRST_YEAR + (year - FIRST_YEAR + 1) % (LAST_YEAR - FIRST_YEAR + 1)
        seen.add((agency.code, topic, year))
        plan.append((agency, topic, year))
    return plan


def _prepare(path: Path, overwrite: bool) -> None:
    if path.exists() and any(path.iterdir()):
        if not overwrite:
            raise FileExistsError(
                f"Thư mục {path} đã có dữ liệu; xóa đi hoặc dùng overwrite. / {path} is not empty; "
                "remove it or pass overwrite=True.")
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)


def demo_signer(pki_dir: Path) -> tuple[Callable[[bytes, str], bytes], Path]:
    """A signing function for demo PDFs and the trust bundle that validates it.

    Born-digital documents get the signer's personal signature; digitised copies the
    organisation's (as the regulations ask of a copy).  The PKI is made fresh in
    ``pki_dir``: signed output is therefore not byte-for-byte reproducible.
    """

    pki = make_test_pki(pki_dir)

    def sign(data: bytes, reliability: str) -> bytes:
        signer = pki.organisation if reliability == "Số hóa" else pki.personal
        return sign_pdf(data, signer, reason="Ký số văn bản" if signer is pki.personal else "SAO Y")

    return sign, pki.root_pem


def generate_demo(out_dir: Path, *, seed: int = 2026, dossiers: int = 36, csv: bool = False,
                  overwrite: bool = False, progress: Progress | None = None, sign: bool = False) -> DemoTransfers:
    """Write the good and bad demo transfers under ``out_dir``; see the module docstring.

    With ``sign=True`` every PDF is signed with a demo PKI made in ``out_dir/pki``; its
    root certificate (``DemoTransfers.trust_roots``) is what ingest must trust.
    """
    if dossiers < 1:
        raise ValueError("dossiers must be at least 1")
    out_dir = Path(out_dir)
    good, bad = out_dir / GOOD_DIR, out_dir / BAD_DIR
    _prepare(good, overwrite)
    _prepare(bad, overwrite)
    rng = random.Random(seed)
    signer, trust_roots = demo_signer(out_dir / "pki") if sign else (None, None)
    builder = _Builder(rng, signer)

    plan = _plan(rng, dossiers)
    sizes = [rng.randint(MIN_DOCS, MAX_DOCS) for _ in plan]
    bad_sizes = [5, 5, 4, 5, 4, 6]
    total = sum(sizes) + sum(bad_sizes)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    good_dossiers = [builder.dossier(a, t, y, n_docs=n, progress=tick) for (a, t, y), n in zip(plan, sizes)]
    files = _write_transfer(good, good_dossiers, as_csv=csv)
    size = sum(len(doc.data) for d in good_dossiers for doc in d.docs)

    bad_dossiers, defects, name_on_disk, skip = _bad_transfer(builder, bad_sizes, tick)
    _write_transfer(bad, bad_dossiers, as_csv=False, name_on_disk=name_on_disk, skip_files=skip)
    unlisted = defects[-1]
    (bad / unlisted.file).parent.mkdir(parents=True, exist_ok=True)
    (bad / unlisted.file).write_bytes(bad_dossiers[0].docs[0].data)
    errors = out_dir / BAD_ERRORS
    errors.write_text(_errors_text(defects), encoding="utf-8")
    return DemoTransfers(
        good=good, bad=bad, bad_errors=errors,
        good_dossiers=len(good_dossiers), good_documents=sum(len(d.docs) for d in good_dossiers),
        good_files=files, good_bytes=size,
        bad_dossiers=len(bad_dossiers), bad_documents=sum(len(d.docs) for d in bad_dossiers),
        defects=defects, trust_roots=trust_roots)


INVALID_AGENCY_CODE = "000.0.31.H57"
INVALID_DATE = "31/02/2021"
UNKNOWN_RETENTION = "Lâu dài"


def _bad_transfer(builder: _Builder, sizes: list[int], tick: Callable[[], None]
                  ) -> tuple[list[_Dossier], list[Defect], dict[str, str], set[str]]:
    """Six dossiers of one agency, then one deliberate error each, in distinct places."""
    agency = AGENCIES[0]
    topics = ("cong_van", "kiem_tra_vtlt", "tong_ket", "cchc", "bo_nhiem", "thu_thap")
    years = (2022, 2020, 2022, 2021, 2023, 2021)
    ds = []
    for i, (topic, year, n) in enumerate(zip(topics, years, sizes)):
        code = INVALID_AGENCY_CODE if i == 1 else None
        ds.append(builder.dossier(agency, topic, year, n_docs=n, agency_code=code, progress=tick))
    defects: list[Defect] = []
    name_on_disk: dict[str, str] = {}
    skip: set[str] = set()

    def doc(di: int, seq: int) -> dict[str, Any]:
        return ds[di].docs[seq - 1].row

    # Dossier 0: a listed file is missing; another document's checksum is wrong.
    r = doc(0, 2)
    skip.add(r["duong_dan_tep"])
    r["sha256"] = None
    defects.append(Defect("file_missing", f"Văn bản {r['ma_dinh_danh_van_ban']} có trong mục lục nhưng thiếu tệp "
                          f"{r['duong_dan_tep']}.", f"Document {r['ma_dinh_danh_van_ban']} is listed but its file "
                          f"{r['duong_dan_tep']} is missing.", r["ma_ho_so"], r["ma_dinh_danh_van_ban"],
                          r["duong_dan_tep"], "duong_dan_tep"))
    r = doc(0, 3)
    good_sum = hashlib.sha256(ds[0].docs[2].data).hexdigest()
    r["sha256"] = hashlib.sha256(b"not the file " + good_sum.encode()).hexdigest()
    defects.append(Defect("checksum_mismatch", f"Mã băm SHA-256 của văn bản {r['ma_dinh_danh_van_ban']} không khớp "
                          "với tệp.", f"The SHA-256 of document {r['ma_dinh_danh_van_ban']} does not match its file.",
                          r["ma_ho_so"], r["ma_dinh_danh_van_ban"], r["duong_dan_tep"], "sha256"))
    # Dossier 1: invalid agency code (used consistently in its codes); a state-secret document.
    d = ds[1].row
    defects.append(Defect("agency_code_invalid", f"Hồ sơ {d['ma_ho_so']}: mã định danh cơ quan "
                          f"{INVALID_AGENCY_CODE} sai dạng (đúng dạng 000.00.31.H57).",
                          f"Dossier {d['ma_ho_so']}: agency code {INVALID_AGENCY_CODE} is malformed "
                          "(expected like 000.00.31.H57).", d["ma_ho_so"], None, None, "ma_co_quan"))
    r = doc(1, 2)
    r["do_mat"] = "Mật"
    defects.append(Defect("state_secret", f"Văn bản {r['ma_dinh_danh_van_ban']} có độ mật \"Mật\".",
                          f"Document {r['ma_dinh_danh_van_ban']} is marked secret (\"Mật\").",
                          r["ma_ho_so"], r["ma_dinh_danh_van_ban"], r["duong_dan_tep"], "do_mat"))
    # Dossier 2: end date before start date.
    d = ds[2].row
    d["thoi_gian_bat_dau"], d["thoi_gian_ket_thuc"] = d["thoi_gian_ket_thuc"], d["thoi_gian_bat_dau"]
    defects.append(Defect("end_before_start", f"Hồ sơ {d['ma_ho_so']}: thời gian kết thúc trước thời gian bắt đầu "
                          "(hai ngày bị đảo).", f"Dossier {d['ma_ho_so']}: end date is before start date "
                          "(the two dates are swapped).", d["ma_ho_so"], None, None, "thoi_gian_ket_thuc"))
    # Dossier 3: unknown retention value; a document with an empty abstract.
    d = ds[3].row
    d["thoi_han_bao_quan"] = UNKNOWN_RETENTION
    defects.append(Defect("retention_invalid", f"Hồ sơ {d['ma_ho_so']}: thời hạn bảo quản \"{UNKNOWN_RETENTION}\" "
                          "không hợp lệ (Vĩnh viễn hoặc số năm).", f"Dossier {d['ma_ho_so']}: retention "
                          f"\"{UNKNOWN_RETENTION}\" is not valid (Vĩnh viễn or a number of years).",
                          d["ma_ho_so"], None, None, "thoi_han_bao_quan"))
    r = doc(3, 3)
    r["trich_yeu"] = None
    defects.append(Defect("required_missing", f"Văn bản {r['ma_dinh_danh_van_ban']}: thiếu trích yếu nội dung "
                          "(bắt buộc).", f"Document {r['ma_dinh_danh_van_ban']}: the abstract (required) is empty.",
                          r["ma_ho_so"], r["ma_dinh_danh_van_ban"], None, "trich_yeu"))
    # Dossier 4: document count wrong; a file name stored in NFD on disk.
    d = ds[4].row
    d["tong_so_van_ban"] = len(ds[4].docs) + 2
    defects.append(Defect("document_count_mismatch", f"Hồ sơ {d['ma_ho_so']}: tổng số văn bản ghi "
                          f"{d['tong_so_van_ban']} nhưng mục lục có {len(ds[4].docs)} văn bản.",
                          f"Dossier {d['ma_ho_so']}: says {d['tong_so_van_ban']} documents but the catalogue "
                          f"lists {len(ds[4].docs)}.", d["ma_ho_so"], None, None, "tong_so_van_ban"))
    target = ds[4].docs[-1]  # the decision (Quyết định) that closes the dossier
    nfc = unicodedata.normalize("NFC", f"files/{d['ma_ho_so']}/{target.row['so_thu_tu']:04d}_"
                                       f"{target.row['ten_loai_van_ban']}.pdf")
    target.row["duong_dan_tep"] = target.path = nfc
    name_on_disk[nfc] = unicodedata.normalize("NFD", nfc)
    defects.append(Defect("file_name_nfd", f"Tệp {nfc} được lưu trên đĩa với tên dạng NFD, mục lục ghi dạng NFC.",
                          f"File {nfc} is stored on disk with an NFD name; the catalogue has it in NFC.",
                          d["ma_ho_so"], target.row["ma_dinh_danh_van_ban"], nfc, "duong_dan_tep"))
    # Dossier 5: an impossible date; a duplicate document identifier.
    r = doc(5, 2)
    r["ngay_van_ban"] = INVALID_DATE
    defects.append(Defect("date_invalid", f"Văn bản {r['ma_dinh_danh_van_ban']}: ngày {INVALID_DATE} không tồn tại.",
                          f"Document {r['ma_dinh_danh_van_ban']}: date {INVALID_DATE} does not exist.",
                          r["ma_ho_so"], r["ma_dinh_danh_van_ban"], None, "ngay_van_ban"))
    last, before = ds[5].docs[-1].row, ds[5].docs[-2].row
    last["ma_dinh_danh_van_ban"], last["so_thu_tu"] = before["ma_dinh_danh_van_ban"], before["so_thu_tu"]
    defects.append(Defect("document_duplicate", f"Mã định danh văn bản {last['ma_dinh_danh_van_ban']} xuất hiện hai lần.",
                          f"Document identifier {last['ma_dinh_danh_van_ban']} appears twice.",
                          last["ma_ho_so"], last["ma_dinh_danh_van_ban"], last["duong_dan_tep"],
                          "ma_dinh_danh_van_ban"))
    # A file in the transfer that the catalogue does not list (written by the caller).
    extra = f"files/{ds[0].row['ma_ho_so']}/0099_ban-nhap.pdf"
    defects.append(Defect("file_unlisted", f"Tệp {extra} có trong gói nhưng không có trong mục lục.",
                          f"File {extra} is in the transfer but not in the catalogue.",
                          ds[0].row["ma_ho_so"], None, extra, None))
    return ds, defects, name_on_disk, skip


def _errors_text(defects: list[Defect]) -> str:
    lines = ["LỖI CỐ Ý TRONG GÓI NỘP LƯU MẪU \"bad\" / DELIBERATE ERRORS IN THE \"bad\" DEMO TRANSFER", "",
             "Mỗi lỗi xuất hiện đúng một lần. Một lỗi có thể kéo theo phát hiện phụ (ví dụ hai ngày bị đảo thì "
             "ngày văn bản nằm ngoài khoảng thời gian của hồ sơ). / Each error occurs exactly once; one error may "
             "cause follow-on findings (e.g. swapped dossier dates put document dates outside the dossier span).",
             ""]
    for i, d in enumerate(defects, start=1):
        lines.append(f"{i:2d}. [{d.code}] {d.vi}")
        lines.append(f"    {d.en}")
    return "\n".join(lines) + "\n"


def zip_transfer(folder: Path, dest: Path, *, top_folder: bool = True) -> Path:
    """Pack a transfer folder as a reproducible .zip (under its own folder name by default)."""
    folder = Path(folder)
    members = []
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            rel = p.relative_to(folder).as_posix()
            members.append((f"{folder.name}/{rel}" if top_folder else rel, p.read_bytes()))
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    write_reproducible_zip(dest, members, DEMO_TIMESTAMP)
    return dest


def bag_transfer(folder: Path, dest: Path) -> Path:
    """Copy a transfer folder into a BagIt bag at ``dest`` (payload under data/, SHA-256 manifest)."""
    import bagit

    dest = Path(dest)
    shutil.copytree(folder, dest)
    bagit.make_bag(str(dest), {"Source-Organization": "luutru demo"}, checksums=["sha256"])
    return dest
