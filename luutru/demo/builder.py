"""Building demo dossiers: people, numbering, issuing organisations, texts and files.

Every random choice comes from the builder's one ``random.Random``, in a fixed order,
so the same seed gives the same dossiers.
"""

from __future__ import annotations

import hashlib
import random
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable

import luutru.demo.documents as render
from luutru.demo.annex import write_xlsx_annex
from luutru.demo.vocab import (
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
from luutru.records.codes import document_identifier, dossier_code
from luutru.records.model import fold

DEMO_TIMESTAMP = datetime(2025, 12, 31, 8, 0, 0)
SCANNED_BEFORE = 2017  # dossiers of earlier years were kept on paper and digitised


@dataclass
class DemoDoc:
    row: dict[str, Any]
    data: bytes
    path: str  # catalogue path (NFC, POSIX)


@dataclass
class DemoDossier:
    row: dict[str, Any]
    docs: list[DemoDoc]


@dataclass
class _Plan:
    """What the documents of one dossier share while it is built."""

    agency: Agency
    topic: Topic
    topic_key: str
    year: int
    code: str
    district: str
    values: dict[str, Any]
    scanned: bool = False
    restricted: bool = False
    previous: tuple[str, str] | None = None  # (number, notation) of the last main document


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _low(text: str) -> str:
    return text[:1].lower() + text[1:]


def _slug(text: str) -> str:
    return "-".join(fold(text).split())


class DossierBuilder:
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
                agency_code: str | None = None, progress: Callable[[], None] = lambda: None) -> DemoDossier:
        rng = self.rng
        topic: Topic = TOPICS[topic_key]
        code_of_agency = agency_code or agency.code
        number = self.next_dossier_number(agency, year)
        dossier_no = f"{number:02d}" if topic.unit == "VP" else f"{number:02d}-{topic.unit}"
        plan = _Plan(agency, topic, topic_key, year, dossier_code(code_of_agency, year, dossier_no),
                     rng.choice(agency.districts), {})
        title = self._title(plan)
        start = date(year, rng.randint(1, 8), rng.randint(1, 28))
        end = min(start + timedelta(days=rng.randint(20, 130)), date(year, 12, 31))
        days = sorted(rng.randint(0, (end - start).days) for _ in range(n_docs - 2))
        doc_dates = [start] + [start + timedelta(days=d) for d in days] + [end]
        steps = self._steps(topic, n_docs)
        plan.scanned = year < SCANNED_BEFORE
        plan.restricted = topic.restricted or rng.random() < 0.08
        docs: list[DemoDoc] = []
        for seq, (step, issued) in enumerate(zip(steps, doc_dates), start=1):
            docs.append(self._document(plan, seq, step, issued))
            progress()
        row = self._dossier_row(plan, code_of_agency, dossier_no, title, start, end, docs)
        return DemoDossier(row, docs)

    def _title(self, plan: "_Plan") -> str:
        """The dossier title from its topic; fills ``plan.values`` for the abstracts too."""
        rng, agency = self.rng, plan.agency
        unit = rng.choice(agency.unit_names or ("Tổng hợp", "Nội chính", "Kinh tế"))
        person, honorific = self.person()
        plan.values.update({
            "y": plan.year, "y1": plan.year + 1, "agency": agency.org.name, "place": agency.place,
            "district": plan.district, "unit": unit, "unit_l": _low(unit), "person": f"{honorific} {person}",
            "project": rng.choice(PROJECTS),
        })
        if plan.topic_key == "cong_van":  # "công tác văn thư, lưu trữ": the unit name runs on in lower case
            plan.values["unit"] = _low(unit)
        title = plan.topic.title.format(**plan.values)
        plan.values["short"] = _low(title.removeprefix("Hồ sơ ").removeprefix("Tập "))
        return title

    def _number(self, plan: "_Plan", step: Step, org: Org) -> tuple[str, str]:
        """(number, notation) of a document; annexes carry the main document's number."""
        if step.fmt != "pdf" and plan.previous:
            return plan.previous
        kind = KINDS[step.kind]
        so = str(self.next_number(org, plan.year, kind.abbrev or "CV"))
        if step.legal and org.abbrev == "UBND":
            notation = f"{plan.year}/{kind.abbrev}-{org.abbrev}"
        elif kind.abbrev:
            notation = f"{kind.abbrev}-{org.abbrev}"
        else:
            notation = f"{org.abbrev}-{self.rng.choice(org.units)}"
        plan.previous = (so, notation)
        return plan.previous

    def _recipients(self, kind: str, org: Org, agency: Agency) -> list[str]:
        if kind == "cv":
            return self.rng.choice((["Các phòng, đơn vị trực thuộc"],
                                    ["Ủy ban nhân dân các huyện, thành phố", "Các sở, ban, ngành tỉnh"],
                                    [agency.org.name if org is not agency.org else province_org(agency.place).name]))
        if kind == "tt":
            return [province_org(agency.place).name if org.abbrev != "UBND" else MINISTRY_HOME.name]
        return []

    def _document(self, plan: "_Plan", seq: int, step: Step, issued: date) -> DemoDoc:
        rng, agency = self.rng, plan.agency
        plan.values["m"] = issued.month
        abstract = _cap(step.abstract.format(**plan.values))[:500]
        org, place = self.issuer(agency, step.issuer, plan.district)
        kind = KINDS[step.kind]
        so, notation = self._number(plan, step, org)
        prefix, sign_title, signer = self.signature(step.kind, org)
        recipients = self._recipients(step.kind, org, agency)
        content = render.DocContent(
            org=org, kind=kind, number_notation=f"{so}/{notation}", place=place, issued=issued,
            abstract=abstract, paragraphs=self.paragraphs(step.kind, org, abstract, plan.year),
            signer_name=signer, signer_title=sign_title, sign_prefix=prefix, recipients=recipients,
            keywords=plan.topic.keywords)
        ext, reliability, data, pages = self._file(plan, step, content, abstract, org)
        path = f"files/{plan.code}/{seq:04d}_{_slug(kind.name)}.{ext}"
        row = {
            "ma_dinh_danh_van_ban": document_identifier(plan.code, seq), "ma_ho_so": plan.code, "so_thu_tu": seq,
            "ten_loai_van_ban": kind.name, "so_van_ban": so, "ky_hieu_van_ban": notation,
            "ngay_van_ban": issued, "co_quan_ban_hanh": org.name, "trich_yeu": abstract,
            "ngon_ngu": "Tiếng Việt", "so_trang": pages,
            "che_do_su_dung": "Hạn chế" if plan.restricted else "Công khai",
            "muc_do_tin_cay": reliability, "nguoi_ky": signer,
            "ghi_chu": "Bản số hóa từ bản gốc giấy" if reliability == "Số hóa" else None,
            "tu_khoa": plan.topic.keywords if rng.random() < 0.5 else None,
            "tinh_trang_vat_ly": rng.choice(PHYSICAL_STATES) if reliability == "Số hóa" else None,
            "duong_dan_tep": path,
            "sha256": hashlib.sha256(data).hexdigest() if rng.random() < 0.85 else None,
        }
        return DemoDoc(row, data, path)

    def _file(self, plan: "_Plan", step: Step, content: render.DocContent, abstract: str,
              org: Org) -> tuple[str, str, bytes, int]:
        """(extension, reliability, bytes, pages) of a document's file, signed when asked."""
        rng = self.rng
        scanned = step.fmt == "pdf" and (plan.scanned or rng.random() < 0.05)
        if step.fmt == "xlsx":
            ext, reliability = "xlsx", "Bản gốc điện tử"
            data, pages = self._annex(abstract, org, plan.topic_key), 1
        elif step.fmt == "png":
            ext, reliability = "png", "Hỗn hợp"
            data = render.render_png_diagram(abstract.upper(), f"{plan.district}, tỉnh {plan.agency.place}",
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
        return ext, reliability, data, pages

    def _dossier_row(self, plan: "_Plan", code_of_agency: str, dossier_no: str, title: str, start: date, end: date,
                     docs: list[DemoDoc]) -> dict[str, Any]:
        pages_total = sum(d.row["so_trang"] for d in docs)
        creator, _ = self.person()
        topic = plan.topic
        return {
            "ma_ho_so": plan.code, "ma_co_quan": code_of_agency, "ten_co_quan": plan.agency.org.name,
            "nam_hinh_thanh": plan.year, "so_ky_hieu_ho_so": dossier_no, "tieu_de": title,
            "thoi_han_bao_quan": topic.retention, "che_do_su_dung": "Hạn chế" if plan.restricted else "Công khai",
            "ngon_ngu": "Tiếng Việt", "thoi_gian_bat_dau": start, "thoi_gian_ket_thuc": end,
            "tong_so_van_ban": len(docs),
            "chu_giai": "Hồ sơ số hóa từ tài liệu giấy" if plan.scanned else None,
            "tu_khoa": topic.keywords, "so_luong_to": pages_total, "so_luong_trang": pages_total,
            "tinh_trang_vat_ly": "Tốt", "nguoi_lap": creator, "nhom_thoi_han": topic.group or None,
        }

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
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "annex.xlsx"
            write_xlsx_annex(path, title, org.name, rows, header, timestamp=DEMO_TIMESTAMP)
            return path.read_bytes()
