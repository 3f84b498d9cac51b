"""Vocabulary for the demo transfers: agencies, dossier topics, document kinds, people.

Everything here is invented but shaped like real provincial records: agency codes in
the ``000.00.31.H57`` form, document notations such as ``125/SNV-VP`` or
``31/2021/QĐ-UBND``, dossier titles and abstracts (trích yếu) in the wording clerks use,
and retention periods in the range the retention schedules give.  People's names are
random combinations, not real officials.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Org:
    """An issuing organisation as it appears in a document header."""

    name: str  # full name, e.g. "Sở Nội vụ tỉnh Tiền Giang"
    header_parent: str  # first header line, e.g. "UBND TỈNH TIỀN GIANG" ("" for none)
    header_name: str  # second header line, e.g. "SỞ NỘI VỤ"
    abbrev: str  # notation part, e.g. "SNV"
    head: str  # head's title, e.g. "Giám đốc"
    deputy: str  # deputy's title, e.g. "Phó Giám đốc"
    collective: str = ""  # "ỦY BAN NHÂN DÂN" for bodies that sign "TM."
    units: tuple[str, ...] = ("VP",)


@dataclass(frozen=True)
class Agency:
    """A transferring agency (a fonds)."""

    code: str
    org: Org
    place: str  # province, used in the date line
    districts: tuple[str, ...]
    topics: tuple[str, ...]  # keys into TOPICS
    unit_names: tuple[str, ...] = ()


def _dept(name: str, short: str, abbrev: str, place: str, units: tuple[str, ...]) -> Org:
    return Org(f"{name} tỉnh {place}", f"UBND TỈNH {place.upper()}", short.upper(), abbrev,
               "Giám đốc", "Phó Giám đốc", units=units)


def province_org(place: str) -> Org:
    return Org(f"Ủy ban nhân dân tỉnh {place}", "", f"ỦY BAN NHÂN DÂN\nTỈNH {place.upper()}", "UBND",
               "Chủ tịch", "Phó Chủ tịch", collective="ỦY BAN NHÂN DÂN", units=("VP", "NC", "KT", "TH"))


def district_org(district: str, place: str) -> Org:
    return Org(f"Ủy ban nhân dân huyện {district}", f"UBND TỈNH {place.upper()}",
               f"UBND HUYỆN {district.upper()}", "UBND", "Chủ tịch", "Phó Chủ tịch",
               collective="ỦY BAN NHÂN DÂN", units=("VP",))


def peer_orgs(place: str) -> tuple[Org, ...]:
    return (
        _dept("Sở Tài chính", "Sở Tài chính", "STC", place, ("QLNS", "TCHCSN")),
        _dept("Sở Kế hoạch và Đầu tư", "Sở Kế hoạch và Đầu tư", "SKHĐT", place, ("TH", "ĐKKD")),
        _dept("Sở Tư pháp", "Sở Tư pháp", "STP", place, ("XDKTVB", "VP")),
    )


MINISTRY_HOME = Org("Bộ Nội vụ", "", "BỘ NỘI VỤ", "BNV", "Bộ trưởng", "Thứ trưởng", units=("VTLTNN", "VP"))

AGENCIES: tuple[Agency, ...] = (
    Agency("000.00.31.H57", _dept("Sở Nội vụ", "Sở Nội vụ", "SNV", "Tiền Giang", ("VP", "TCBC", "CCVTLT", "XDCQ")),
           "Tiền Giang", ("Cái Bè", "Cai Lậy", "Châu Thành", "Chợ Gạo", "Gò Công Tây"),
           ("tong_ket", "quy_che_vtlt", "cchc", "thi_tuyen", "bo_nhiem", "kiem_tra_vtlt", "thu_thap",
            "tieu_huy", "sap_xep_bo_may", "cong_van", "giay_moi", "thong_ke_vtlt"),
           ("Tổ chức, biên chế", "Xây dựng chính quyền", "Văn thư, lưu trữ")),
    Agency("000.00.00.H15", province_org("Đắk Lắk"), "Đắk Lắk",
           ("Krông Pắc", "Ea H'leo", "Cư M'gar", "Buôn Đôn", "Lắk"),
           ("tong_ket", "cchc", "quy_che_vtlt", "sap_xep_bo_may", "cong_van", "giay_moi", "lich_tuan"),
           ()),
    Agency("000.00.05.G22", _dept("Sở Tài nguyên và Môi trường", "Sở Tài nguyên và Môi trường", "STNMT",
                                  "Thái Nguyên", ("VP", "QLĐĐ", "KS", "MT")),
           "Thái Nguyên", ("Đại Từ", "Phú Lương", "Võ Nhai", "Định Hóa", "Đồng Hỷ"),
           ("giay_phep_ks", "dtm", "tong_ket", "kiem_tra_vtlt", "mua_sam", "cong_van", "bo_nhiem", "giay_moi"),
           ("Quản lý đất đai", "Khoáng sản", "Môi trường")),
    Agency("000.00.12.H15", _dept("Sở Giáo dục và Đào tạo", "Sở Giáo dục và Đào tạo", "SGDĐT", "Đắk Lắk",
                                  ("VP", "TCCB", "GDTrH", "KTKĐ")),
           "Đắk Lắk", ("Krông Pắc", "Ea H'leo", "Cư M'gar", "Buôn Đôn", "Lắk"),
           ("tuyen_sinh", "tong_ket", "thi_tuyen", "mua_sam", "cong_van", "giay_moi", "bo_nhiem"),
           ("Giáo dục trung học", "Tổ chức cán bộ", "Khảo thí và kiểm định")),
    Agency("000.00.08.H54", _dept("Sở Thông tin và Truyền thông", "Sở Thông tin và Truyền thông", "STTTT",
                                  "Sóc Trăng", ("VP", "CNTT", "BCVT")),
           "Sóc Trăng", ("Mỹ Tú", "Kế Sách", "Long Phú", "Trần Đề", "Châu Thành"),
           ("chuyen_doi_so", "mua_sam", "tong_ket", "cchc", "cong_van", "giay_moi", "lich_tuan"),
           ("Công nghệ thông tin", "Bưu chính, viễn thông")),
)


@dataclass(frozen=True)
class DocKind:
    """A document type: its Vietnamese name, title line and notation abbreviation."""

    name: str  # "Quyết định"
    heading: str  # "QUYẾT ĐỊNH" ("" for công văn)
    abbrev: str  # "QĐ" ("" for công văn: notation is agency-unit)


KINDS: dict[str, DocKind] = {
    "qd": DocKind("Quyết định", "QUYẾT ĐỊNH", "QĐ"),
    "cv": DocKind("Công văn", "", ""),
    "tt": DocKind("Tờ trình", "TỜ TRÌNH", "TTr"),
    "bc": DocKind("Báo cáo", "BÁO CÁO", "BC"),
    "kh": DocKind("Kế hoạch", "KẾ HOẠCH", "KH"),
    "tb": DocKind("Thông báo", "THÔNG BÁO", "TB"),
    "bb": DocKind("Biên bản", "BIÊN BẢN", "BB"),
    "gm": DocKind("Giấy mời", "GIẤY MỜI", "GM"),
    "hd": DocKind("Hợp đồng", "HỢP ĐỒNG", "HĐ"),
    "pl": DocKind("Phụ lục", "PHỤ LỤC", "PL"),
    "bv": DocKind("Sơ đồ", "SƠ ĐỒ", "SĐ"),
}


@dataclass(frozen=True)
class Step:
    """One document in a dossier's usual sequence."""

    kind: str  # key into KINDS
    abstract: str  # template: {y} {y1} {agency} {place} {district} {unit} {person} {project}
    issuer: str = "self"  # self | parent | peer | district | ministry
    legal: bool = False  # legal normative document: notation carries the year
    fmt: str = "pdf"  # pdf | xlsx | png


@dataclass(frozen=True)
class Topic:
    title: str
    retention: str  # "Vĩnh viễn" or "N năm"
    group: str  # group code in the common retention schedule (policies/retention_schedule.yaml); "" when the
    # record belongs to a sector schedule the common one does not cover
    keywords: str
    steps: tuple[Step, ...]
    fillers: tuple[Step, ...] = ()
    restricted: bool = False  # access regime Hạn chế
    unit: str = "VP"  # dossier number suffix source, informational


_GENERIC_FILLERS = (
    Step("cv", "Đôn đốc triển khai thực hiện {short}"),
    Step("cv", "Góp ý dự thảo văn bản liên quan đến {short}"),
    Step("cv", "Cung cấp thông tin, số liệu phục vụ {short}", "peer"),
    Step("cv", "Đề nghị phối hợp thực hiện {short}", "district"),
    Step("bc", "Tình hình thực hiện {short} đến tháng {m}"),
)

TOPICS: dict[str, Topic] = {
    "tong_ket": Topic(
        "Hồ sơ Hội nghị tổng kết công tác năm {y} và triển khai nhiệm vụ năm {y1} của {agency}",
        "Vĩnh viễn", "1.3", "tổng kết; hội nghị; nhiệm vụ năm",
        (Step("kh", "Tổ chức Hội nghị tổng kết công tác năm {y} và triển khai nhiệm vụ năm {y1}"),
         Step("gm", "Mời dự Hội nghị tổng kết công tác năm {y} và triển khai nhiệm vụ năm {y1}"),
         Step("bc", "Tổng kết công tác năm {y} và phương hướng, nhiệm vụ trọng tâm năm {y1}"),
         Step("pl", "Biểu tổng hợp kết quả thực hiện các chỉ tiêu năm {y}", fmt="xlsx"),
         Step("bb", "Hội nghị tổng kết công tác năm {y} của {agency}"),
         Step("qd", "Khen thưởng các tập thể, cá nhân có thành tích xuất sắc trong thực hiện nhiệm vụ năm {y}"),
         Step("tb", "Kết luận của lãnh đạo tại Hội nghị tổng kết công tác năm {y}")),
        (Step("cv", "Đăng ký thi đua năm {y1}"),
         Step("bc", "Kết quả thực hiện nhiệm vụ tháng {m} năm {y}")),
        unit="VP"),
    "quy_che_vtlt": Topic(
        "Hồ sơ xây dựng và ban hành Quy chế công tác văn thư, lưu trữ của {agency}",
        "Vĩnh viễn", "12.1", "quy chế; văn thư; lưu trữ",
        (Step("cv", "Lấy ý kiến góp ý dự thảo Quy chế công tác văn thư, lưu trữ"),
         Step("cv", "Góp ý dự thảo Quy chế công tác văn thư, lưu trữ của {agency}", "peer"),
         Step("bc", "Tổng hợp, tiếp thu, giải trình ý kiến góp ý dự thảo Quy chế công tác văn thư, lưu trữ"),
         Step("tt", "Ban hành Quy chế công tác văn thư, lưu trữ của {agency}"),
         Step("qd", "Ban hành Quy chế công tác văn thư, lưu trữ của {agency}", legal=True)),
        (Step("cv", "Thẩm định dự thảo Quy chế công tác văn thư, lưu trữ", "peer"),)),
    "cchc": Topic(
        "Hồ sơ xây dựng và thực hiện Kế hoạch cải cách hành chính năm {y} của {agency}",
        "20 năm", "", "cải cách hành chính; kế hoạch",
        (Step("kh", "Cải cách hành chính năm {y} của {agency}"),
         Step("bc", "Kết quả thực hiện công tác cải cách hành chính quý I năm {y}"),
         Step("bc", "Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm {y}"),
         Step("cv", "Đôn đốc thực hiện Kế hoạch cải cách hành chính năm {y}", "parent"),
         Step("bc", "Kết quả thực hiện công tác cải cách hành chính quý III năm {y}"),
         Step("bc", "Kết quả thực hiện công tác cải cách hành chính năm {y}")),
        (Step("cv", "Tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm {y}"),
         Step("tb", "Kết quả kiểm tra công tác cải cách hành chính năm {y}", "parent"))),
    "thi_tuyen": Topic(
        "Hồ sơ tổ chức thi tuyển công chức năm {y} của {agency}",
        "70 năm", "3.6", "tuyển dụng; thi tuyển; công chức",
        (Step("kh", "Tuyển dụng công chức năm {y}"),
         Step("tb", "Tuyển dụng công chức năm {y}"),
         Step("qd", "Thành lập Hội đồng thi tuyển công chức năm {y}"),
         Step("bb", "Họp Hội đồng thi tuyển công chức năm {y}"),
         Step("tb", "Kết quả thi tuyển công chức năm {y}"),
         Step("qd", "Công nhận kết quả thi tuyển công chức năm {y}")),
        (Step("cv", "Thẩm định danh sách thí sinh đủ điều kiện dự thi tuyển công chức năm {y}", "parent"),),
        restricted=True, unit="TCCB"),
    "bo_nhiem": Topic(
        "Hồ sơ bổ nhiệm Trưởng phòng {unit} năm {y}",
        "70 năm", "3.5", "bổ nhiệm; cán bộ lãnh đạo",
        (Step("tt", "Đề nghị chủ trương bổ nhiệm Trưởng phòng {unit}"),
         Step("bb", "Hội nghị lấy phiếu tín nhiệm nhân sự đề nghị bổ nhiệm Trưởng phòng {unit}"),
         Step("bb", "Kiểm phiếu giới thiệu nhân sự bổ nhiệm Trưởng phòng {unit}"),
         Step("cv", "Thỏa thuận nhân sự bổ nhiệm Trưởng phòng {unit}", "parent"),
         Step("qd", "Bổ nhiệm {person} giữ chức vụ Trưởng phòng {unit}")),
        (), restricted=True, unit="TCCB"),
    "kiem_tra_vtlt": Topic(
        "Hồ sơ kiểm tra công tác văn thư, lưu trữ tại các cơ quan, đơn vị năm {y}",
        "10 năm", "", "kiểm tra; văn thư; lưu trữ",
        (Step("kh", "Kiểm tra công tác văn thư, lưu trữ năm {y}"),
         Step("cv", "Thông báo lịch kiểm tra công tác văn thư, lưu trữ năm {y}"),
         Step("bb", "Kiểm tra công tác văn thư, lưu trữ tại Ủy ban nhân dân huyện {district}"),
         Step("bc", "Kết quả kiểm tra công tác văn thư, lưu trữ năm {y}")),
        (Step("bc", "Tự kiểm tra công tác văn thư, lưu trữ năm {y}", "district"),)),
    "thu_thap": Topic(
        "Hồ sơ thu thập tài liệu vào Lưu trữ lịch sử tỉnh {place} năm {y}",
        "Vĩnh viễn", "12.7", "thu thập; lưu trữ lịch sử; nộp lưu",
        (Step("kh", "Thu thập tài liệu vào Lưu trữ lịch sử tỉnh năm {y}"),
         Step("cv", "Chuẩn bị tài liệu nộp lưu vào Lưu trữ lịch sử tỉnh năm {y}"),
         Step("bb", "Giao nhận tài liệu của Ủy ban nhân dân huyện {district} vào Lưu trữ lịch sử tỉnh"),
         Step("bc", "Kết quả thu thập tài liệu vào Lưu trữ lịch sử tỉnh năm {y}")),
        (Step("cv", "Danh mục hồ sơ nộp lưu năm {y}", "district"),)),
    "tieu_huy": Topic(
        "Hồ sơ tiêu hủy tài liệu hết giá trị năm {y}",
        "20 năm", "12.6", "tiêu hủy; tài liệu hết giá trị; hội đồng xác định giá trị",
        (Step("qd", "Thành lập Hội đồng xác định giá trị tài liệu năm {y}"),
         Step("bb", "Họp Hội đồng xác định giá trị tài liệu năm {y}"),
         Step("tt", "Đề nghị tiêu hủy tài liệu hết giá trị năm {y}"),
         Step("qd", "Tiêu hủy tài liệu hết giá trị năm {y}"),
         Step("bb", "Tiêu hủy tài liệu hết giá trị năm {y}")),
        ()),
    "sap_xep_bo_may": Topic(
        "Hồ sơ sắp xếp, kiện toàn tổ chức bộ máy các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh {place} năm {y}",
        "Vĩnh viễn", "3.2", "tổ chức bộ máy; sắp xếp; kiện toàn",
        (Step("kh", "Sắp xếp, kiện toàn tổ chức bộ máy các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh", "parent"),
         Step("cv", "Xây dựng phương án sắp xếp tổ chức bộ máy", "parent"),
         Step("tt", "Phương án sắp xếp, kiện toàn tổ chức bộ máy các cơ quan chuyên môn"),
         Step("qd", "Quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của {agency}", "parent", legal=True)),
        (Step("cv", "Góp ý phương án sắp xếp tổ chức bộ máy", "peer"),)),
    "cong_van": Topic(
        "Tập công văn trao đổi về công tác {unit} năm {y}",
        "10 năm", "1.9", "công văn; trao đổi",
        (Step("cv", "Triển khai nhiệm vụ công tác {unit} năm {y}"),
         Step("cv", "Báo cáo số liệu công tác {unit} năm {y}", "district")),
        (Step("cv", "Đề nghị cung cấp thông tin về công tác {unit}", "peer"),
         Step("cv", "Trả lời kiến nghị của Ủy ban nhân dân huyện {district}"),
         Step("cv", "Hướng dẫn thực hiện nhiệm vụ công tác {unit}"),
         Step("cv", "Phối hợp tổ chức tập huấn nghiệp vụ {unit}", "peer"),
         Step("cv", "Chấn chỉnh công tác {unit} tại các đơn vị"))),
    "giay_moi": Topic(
        "Tập lưu giấy mời dự họp, hội nghị năm {y}",
        "5 năm", "", "giấy mời; hội nghị",
        (Step("gm", "Mời dự họp triển khai nhiệm vụ quý I năm {y}", "parent"),),
        (Step("gm", "Mời dự Hội nghị sơ kết công tác 6 tháng đầu năm {y}", "parent"),
         Step("gm", "Mời dự họp góp ý dự thảo văn bản", "peer"),
         Step("gm", "Mời dự lễ công bố quyết định về công tác cán bộ", "district"),
         Step("gm", "Mời dự tập huấn nghiệp vụ văn thư, lưu trữ năm {y}", "ministry"))),
    "lich_tuan": Topic(
        "Tập thông báo lịch làm việc hằng tuần của lãnh đạo năm {y}",
        "5 năm", "", "lịch làm việc; lãnh đạo",
        (Step("tb", "Lịch làm việc của lãnh đạo tuần thứ nhất tháng {m} năm {y}"),),
        (Step("tb", "Lịch làm việc của lãnh đạo tuần thứ hai tháng {m} năm {y}"),
         Step("tb", "Lịch làm việc của lãnh đạo tuần thứ ba tháng {m} năm {y}"),
         Step("tb", "Điều chỉnh lịch làm việc của lãnh đạo tháng {m} năm {y}"))),
    "thong_ke_vtlt": Topic(
        "Hồ sơ báo cáo thống kê cơ sở công tác văn thư, lưu trữ năm {y}",
        "10 năm", "", "thống kê; văn thư; lưu trữ",
        (Step("cv", "Hướng dẫn báo cáo thống kê cơ sở công tác văn thư, lưu trữ năm {y}"),
         Step("bc", "Thống kê cơ sở công tác văn thư, lưu trữ năm {y}", "district"),
         Step("pl", "Biểu thống kê cơ sở công tác văn thư, lưu trữ năm {y}", fmt="xlsx"),
         Step("bc", "Tổng hợp thống kê công tác văn thư, lưu trữ năm {y}")),
        ()),
    "giay_phep_ks": Topic(
        "Hồ sơ cấp giấy phép khai thác khoáng sản làm vật liệu xây dựng thông thường tại huyện {district}",
        "70 năm", "", "khoáng sản; giấy phép; khai thác",
        (Step("cv", "Đề nghị cấp giấy phép khai thác khoáng sản tại huyện {district}", "district"),
         Step("bb", "Kiểm tra thực địa khu vực đề nghị cấp phép khai thác khoáng sản tại huyện {district}"),
         Step("bv", "Sơ đồ vị trí khu vực đề nghị cấp phép khai thác khoáng sản tại huyện {district}", fmt="png"),
         Step("cv", "Lấy ý kiến về khu vực đề nghị cấp phép khai thác khoáng sản", "peer"),
         Step("tt", "Cấp giấy phép khai thác khoáng sản tại huyện {district}"),
         Step("qd", "Cấp giấy phép khai thác khoáng sản làm vật liệu xây dựng thông thường tại huyện {district}",
              "parent")),
        (Step("cv", "Bổ sung hồ sơ đề nghị cấp giấy phép khai thác khoáng sản"),),
        unit="KS"),
    "dtm": Topic(
        "Hồ sơ thẩm định báo cáo đánh giá tác động môi trường Dự án {project}",
        "50 năm", "", "đánh giá tác động môi trường; thẩm định",
        (Step("cv", "Đề nghị thẩm định báo cáo đánh giá tác động môi trường Dự án {project}", "district"),
         Step("qd", "Thành lập Hội đồng thẩm định báo cáo đánh giá tác động môi trường Dự án {project}"),
         Step("bb", "Họp Hội đồng thẩm định báo cáo đánh giá tác động môi trường Dự án {project}"),
         Step("tb", "Kết quả thẩm định báo cáo đánh giá tác động môi trường Dự án {project}"),
         Step("qd", "Phê duyệt báo cáo đánh giá tác động môi trường Dự án {project}", "parent")),
        (), unit="MT"),
    "mua_sam": Topic(
        "Hồ sơ mua sắm trang thiết bị công nghệ thông tin năm {y} của {agency}",
        "20 năm", "5.8", "mua sắm; hợp đồng; thiết bị",
        (Step("tt", "Đề nghị phê duyệt kế hoạch lựa chọn nhà thầu gói thầu mua sắm thiết bị công nghệ thông tin"),
         Step("qd", "Phê duyệt kế hoạch lựa chọn nhà thầu gói thầu mua sắm thiết bị công nghệ thông tin năm {y}"),
         Step("hd", "Cung cấp, lắp đặt máy tính và thiết bị mạng năm {y}"),
         Step("pl", "Danh mục thiết bị công nghệ thông tin kèm theo Hợp đồng", fmt="xlsx"),
         Step("bb", "Nghiệm thu, bàn giao thiết bị công nghệ thông tin năm {y}"),
         Step("bb", "Thanh lý hợp đồng cung cấp, lắp đặt máy tính và thiết bị mạng năm {y}")),
        (Step("cv", "Thẩm định dự toán mua sắm thiết bị công nghệ thông tin", "peer"),)),
    "tuyen_sinh": Topic(
        "Hồ sơ tổ chức Kỳ thi tuyển sinh vào lớp 10 trung học phổ thông năm học {y}-{y1}",
        "20 năm", "", "tuyển sinh; lớp 10; kỳ thi",
        (Step("kh", "Tuyển sinh vào lớp 10 trung học phổ thông năm học {y}-{y1}"),
         Step("qd", "Thành lập Ban chỉ đạo Kỳ thi tuyển sinh vào lớp 10 năm học {y}-{y1}"),
         Step("cv", "Hướng dẫn công tác tuyển sinh vào lớp 10 năm học {y}-{y1}"),
         Step("bb", "Bàn giao đề thi tuyển sinh vào lớp 10 năm học {y}-{y1}"),
         Step("bc", "Kết quả Kỳ thi tuyển sinh vào lớp 10 năm học {y}-{y1}"),
         Step("qd", "Phê duyệt điểm chuẩn tuyển sinh vào lớp 10 năm học {y}-{y1}")),
        (Step("cv", "Đăng ký chỉ tiêu tuyển sinh lớp 10 năm học {y}-{y1}", "district"),)),
    "chuyen_doi_so": Topic(
        "Hồ sơ xây dựng và thực hiện Kế hoạch chuyển đổi số tỉnh {place} năm {y}",
        "Vĩnh viễn", "2.1", "chuyển đổi số; chính quyền số",
        (Step("tt", "Ban hành Kế hoạch chuyển đổi số tỉnh {place} năm {y}"),
         Step("kh", "Chuyển đổi số tỉnh {place} năm {y}", "parent"),
         Step("cv", "Triển khai Kế hoạch chuyển đổi số năm {y}"),
         Step("bc", "Kết quả thực hiện Kế hoạch chuyển đổi số 6 tháng đầu năm {y}"),
         Step("bc", "Kết quả thực hiện Kế hoạch chuyển đổi số năm {y}")),
        (Step("cv", "Cung cấp số liệu đánh giá mức độ chuyển đổi số năm {y}", "district"),),
        unit="CNTT"),
}

GENERIC_FILLERS = _GENERIC_FILLERS

PROJECTS = (
    "Khu dân cư phía Tây thị trấn", "Nâng cấp, mở rộng tuyến đường tỉnh 743",
    "Nhà máy xử lý chất thải rắn sinh hoạt", "Cụm công nghiệp Tân Phú",
    "Hồ chứa nước Ea Súp thượng", "Khu tái định cư dọc sông",
)

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
            "Hồ", "Ngô", "Dương", "Lý")
MIDDLE_M = ("Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Ngọc")
MIDDLE_F = ("Thị", "Thị Thu", "Thị Hồng", "Ngọc", "Thị Mỹ", "Thị Thanh")
GIVEN_M = ("Hùng", "Dũng", "Tuấn", "Bình", "Khoa", "Long", "Phong", "Thắng", "Trung", "Nam", "Sơn", "Hải")
GIVEN_F = ("Lan", "Hương", "Nhung", "Hà", "Thảo", "Trang", "Linh", "Mai", "Yến", "Hạnh", "Vân", "Ngân")

PHYSICAL_STATES = ("Tốt", "Bình thường")

# Legal bases a decision cites, with the years in which each was in force (so a 2017
# decision does not cite a 2022 circular).
BODY_OPENERS: tuple[tuple[int, int, str], ...] = (
    (2011, 2025, "Căn cứ Luật Lưu trữ ngày 11 tháng 11 năm 2011;"),
    (2025, 2100, "Căn cứ Luật Lưu trữ số 33/2024/QH15 ngày 21 tháng 6 năm 2024;"),
    (2004, 2019, "Căn cứ Nghị định số 110/2004/NĐ-CP ngày 08 tháng 4 năm 2004 của Chính phủ về công tác văn thư;"),
    (2020, 2100, "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;"),
    (2019, 2100, "Căn cứ Thông tư số 02/2019/TT-BNV ngày 24 tháng 01 năm 2019 của Bộ trưởng Bộ Nội vụ quy định "
                 "tiêu chuẩn dữ liệu thông tin đầu vào và yêu cầu bảo quản tài liệu lưu trữ điện tử;"),
    (2011, 2022, "Căn cứ Thông tư số 09/2011/TT-BNV ngày 03 tháng 6 năm 2011 của Bộ Nội vụ quy định thời hạn "
                 "bảo quản hồ sơ, tài liệu hình thành phổ biến trong hoạt động của các cơ quan, tổ chức;"),
    (2023, 2100, "Căn cứ Thông tư số 10/2022/TT-BNV ngày 19 tháng 12 năm 2022 của Bộ trưởng Bộ Nội vụ quy định "
                 "thời hạn bảo quản tài liệu;"),
)


def legal_bases(year: int) -> list[str]:
    """The legal bases in force in ``year``, in citing order (law, decree, circulars)."""
    return [text for first, last, text in BODY_OPENERS if first <= year <= last]


BODY_SENTENCES = (
    "Các phòng, đơn vị có liên quan chủ động phối hợp, bảo đảm tiến độ và chất lượng công việc.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị phản ánh kịp thời để được hướng dẫn giải quyết.",
    "Việc tổ chức thực hiện phải bảo đảm đúng quy định của pháp luật, công khai, minh bạch và tiết kiệm.",
    "Kinh phí thực hiện được bố trí từ nguồn ngân sách nhà nước giao trong dự toán năm của đơn vị.",
    "Kết quả thực hiện được tổng hợp, báo cáo định kỳ hằng quý và đột xuất khi có yêu cầu.",
    "Các đơn vị cập nhật đầy đủ thông tin trên hệ thống quản lý văn bản và điều hành.",
    "Hồ sơ, tài liệu hình thành trong quá trình giải quyết công việc được lập và nộp lưu theo quy định.",
    "Thủ trưởng các đơn vị chịu trách nhiệm trước lãnh đạo về kết quả triển khai tại đơn vị mình.",
    "Văn phòng có trách nhiệm theo dõi, đôn đốc và tổng hợp tình hình thực hiện.",
    "Nội dung này được thực hiện thống nhất, đồng bộ với các nhiệm vụ trọng tâm của năm.",
)
