"""The documents DanhGia writes, the fields each one offers to a Word template, and their fixed wording.

Pure data, no Django: the Word-template generator (tools/make_document_templates.py), the PDF layouts and the
check of an uploaded template all read it, so that the bundled Word files, the PDFs and the field list shown to
an officer never disagree.

Forms (rules-2025.md §8; rules-research.md §6):
- R2025 (QĐ 366 + HD 43): Mẫu 01 (collective), 2A (leaders), 2B (individuals without a leadership post),
  2C (members not working in the political system). Only the two group totals (30 + 70) are central; the item
  table printed under them is the province's criteria table (HD 43 §7.12), as the review was scored.
- R2018 / R2023 (QĐ 132 + HD 21, QĐ 124 + HD 25): the individual self-review 02A (no leadership post) and 02B
  (leaders), the collective report 01; criteria graded Xuất sắc / Tốt / Trung bình / Kém.
- The meeting minutes (no central template exists, rules-2025.md G26) and the notice of results (QĐ 366
  Art. 15: results are notified to the subject and made public).

Layout follows the Party's document format (Hướng dẫn 36-HD/VPTW on QĐ 66-QĐ/TW, replaced by QĐ 399-QĐ/TW of
09/01/2026 — whose text we have not seen, rules-2025.md C4): the issuing body top left (the body above in
regular capitals, the issuer in bold, an asterisk below), "ĐẢNG CỘNG SẢN VIỆT NAM" top right, bold and
underlined, the place-and-date line in italics beneath it; A4, margins 20/20/30/15 mm, Times New Roman 14 pt.
The exact layout of the part for the cell's comment on the 2025 individual forms is UNCONFIRMED (rules-2025.md
§12 question 9): a province that words it differently uploads its own Word template.
"""

from __future__ import annotations

from dataclasses import dataclass

DOTS = "…" * 30  # a line left to be filled by hand
BLANK = "…"  # an unknown value in a sentence ("ngày … tháng … năm …")
CHECKED, UNCHECKED = "■", "□"  # both in Times New Roman and Liberation Serif (WGL4), unlike ☒ / ☐

# Field name → what it holds, shown to officers who write their own Word template. Row lists name their keys.
FIELDS: dict[str, str] = {
    # Header and date line (every document).
    "ma_mau": "Ký hiệu mẫu, ví dụ «Mẫu 02B-HD KĐ.ĐG 2025»",
    "cap_tren": "Tên cấp ủy, tổ chức cấp trên (chữ in hoa), dòng trên cùng bên trái",
    "co_quan": "Tên cơ quan, tổ chức ban hành hoặc nơi kiểm điểm (chữ in hoa)",
    "ten_co_quan": "Tên cơ quan, tổ chức ban hành (chữ thường, dùng trong câu)",
    "so_ky_hieu": (
        "Số và ký hiệu văn bản: số để trống cho văn thư ghi, loại văn bản, ký hiệu cấp ủy ban hành (HU huyện ủy,"
        " ĐU đảng ủy, CB chi bộ …), ví dụ «     -TB/HU»"
    ),
    "dia_danh": "Địa danh ở dòng ngày tháng, ví dụ «Hòa Bình»",
    "ngay": "Ngày (hai chữ số), hoặc «…» khi chưa có",
    "thang": "Tháng (tháng 1, 2 ghi 01, 02; tháng 3 đến 12 không có số 0 đứng trước), hoặc «…»",
    "nam": "Năm, hoặc «…»",
    "nam_danh_gia": "Năm đánh giá, xếp loại",
    "ky_danh_gia": "Tên kỳ đánh giá",
    "can_cu": "Quy định, hướng dẫn áp dụng, ví dụ «Quy định số 366-QĐ/TW ngày 30/8/2025 của Bộ Chính trị»",
    # The person.
    "ho_ten": "Họ và tên",
    "ngay_sinh": "Ngày sinh (dd/mm/yyyy)",
    "chuc_vu_dang": "Chức vụ đảng",
    "chuc_vu_khac": "Chức vụ chính quyền, đoàn thể",
    "don_vi_cong_tac": "Đơn vị công tác",
    "chi_bo": "Chi bộ sinh hoạt",
    # The collective.
    "ten_tap_the": "Tên tập thể, tổ chức tự kiểm điểm",
    # The written sections (each a list of paragraphs; an empty section is one dotted line).
    "uu_diem": "Mục I — Ưu điểm, kết quả đạt được (danh sách đoạn văn)",
    "han_che": "Mục II — Hạn chế, khuyết điểm và nguyên nhân (danh sách đoạn văn)",
    "khac_phuc": "Mục III — Kết quả khắc phục hạn chế, khuyết điểm kỳ trước (danh sách đoạn văn)",
    "giai_trinh": "Mục IV — Giải trình vấn đề được gợi ý kiểm điểm (danh sách đoạn văn)",
    "trach_nhiem": "Mục V — Trách nhiệm đối với hạn chế, khuyết điểm của tập thể (danh sách đoạn văn)",
    "phuong_huong": "Mục VI — Phương hướng, biện pháp khắc phục (danh sách đoạn văn)",
    # Self-assessment.
    "tieu_chi_chung": (
        "Tiêu chí nhóm chung; mỗi dòng: stt, noi_dung, toi_da, diem (hoặc xuat_sac, tot, trung_binh, kem)"
    ),
    "tieu_chi_nhiem_vu": "Tiêu chí nhóm kết quả thực hiện nhiệm vụ; mỗi dòng như tieu_chi_chung",
    "diem_chung": "Điểm nhóm tiêu chí chung (trên 30)",
    "diem_nhiem_vu": "Điểm nhóm kết quả thực hiện nhiệm vụ (trên 70)",
    "tong_diem": "Tổng điểm (trên 100)",
    "muc_tu_xep_loai": "Mức tự xếp loại (chữ đầy đủ)",
    "o_htxs": "Ô «Hoàn thành xuất sắc nhiệm vụ»: ■ nếu tự xếp mức này, □ nếu không",
    "o_htt": "Ô «Hoàn thành tốt nhiệm vụ»",
    "o_ht": "Ô «Hoàn thành nhiệm vụ»",
    "o_kht": "Ô «Không hoàn thành nhiệm vụ»",
    "nhiem_vu": "Nhiệm vụ và kết quả; mỗi dòng: stt, ten, ket_qua, minh_chung",
    # Assessment by the cell and the competent level.
    "nhan_xet": "Nhận xét, đánh giá của hội nghị (danh sách đoạn văn)",
    "chi_bo_de_xuat": "Mức hội nghị đề xuất (chữ đầy đủ)",
    "bieu_quyet": "Kết quả biểu quyết, ví dụ «tán thành 7/8 …»",
    "muc_xep_loai": "Mức xếp loại của cấp có thẩm quyền (chữ đầy đủ)",
    "quyet_dinh": "Số, ngày quyết định, cấp quyết định",
    "nhan_xet_cua": (
        "Tập thể nhận xét, đánh giá nơi kiểm điểm: «chi bộ», «chi ủy» (chi bộ có chi ủy), «Đảng ủy xã …» (cán bộ"
        " lãnh đạo kiểm điểm ở đảng ủy) …"
    ),
    "tm_nhan_xet": "Dòng «T/M …» của phần nhận xét: «T/M CHI BỘ», «T/M CHI ỦY», «T/M ĐẢNG ỦY» …",
    "bi_thu": (
        "Họ tên người ký phần nhận xét: bí thư (người đứng đầu) nơi kiểm điểm vào ngày của văn bản; phó bí thư trên"
        " bản kiểm điểm của chính bí thư"
    ),
    "chuc_danh_nhan_xet": "Chức danh người ký phần nhận xét: «BÍ THƯ», hoặc «PHÓ BÍ THƯ» trên bản của bí thư",
    # Signature blocks.
    "tm": "Dòng «T/M …» của khối chữ ký, ví dụ «T/M CHI ỦY»",
    "chuc_danh_ky": "Chức danh người ký, ví dụ «BÍ THƯ»",
    "nguoi_ky": "Họ tên người ký: người giữ chức vụ vào ngày của văn bản",
    "noi_nhan": "Nơi nhận (danh sách dòng)",
    # Minutes.
    "ten_don_vi": "Tên chi bộ, tập thể họp (chữ thường)",
    "ngay_hop": "Ngày họp (dd/mm/yyyy)",
    "chu_tri": "Người chủ trì",
    "thu_ky": "Thư ký hội nghị (dòng chấm nếu chưa ghi)",
    "dia_diem": "Địa điểm họp (dòng chấm nếu chưa ghi)",
    "gio_bat_dau": "Giờ bắt đầu, ví dụ «7 giờ 30»",
    "gio_ket_thuc": "Giờ kết thúc, ví dụ «11 giờ»",
    "so_trieu_tap": "Số được triệu tập",
    "so_co_mat": "Số có mặt",
    "so_vang": "Số vắng mặt",
    "so_tinh_bieu_quyet": "Số đảng viên được tính khi biểu quyết (Điều lệ Đảng Điều 9; QĐ 24 mục 9.3)",
    "khong_tinh": "Không tính vào tổng số khi biểu quyết; mỗi dòng: loai, so",
    "dien_bien": "Diễn biến hội nghị (danh sách đoạn văn)",
    "ly_do": "Nhận xét, lý do đề xuất của hội nghị, mỗi đối tượng một đoạn «Tên: nhận xét» (danh sách đoạn văn)",
    "de_xuat": (
        "Đề xuất và biểu quyết; mỗi dòng: stt, ten, doi_tuong, diem, tu_xep_loai, de_xuat, tan_thanh,"
        " khong_tan_thanh, khong_bieu_quyet, ket_qua, nhan_xet"
    ),
    # Notice.
    "don_vi": "Chi bộ, tập thể có kết quả được thông báo",
    "doi_tuong": "Đối tượng được thông báo, ví dụ «đảng viên», «cán bộ lãnh đạo, quản lý», «tập thể, cá nhân»",
    "so_quyet_dinh": "Số quyết định xếp loại được thông báo (để trống khi không có)",
    "ngay_quyet_dinh": "Ngày của quyết định xếp loại (dd/mm/yyyy; để trống khi không có)",
    "can_cu_quyet_dinh": "Dòng «Căn cứ Quyết định số … ngày … của …;» (để trống khi không có quyết định riêng)",
    "can_cu_ket_qua": (
        "Dòng «Căn cứ kết quả kiểm điểm, đề xuất của … (và kết quả thẩm định),»: chỉ nêu thẩm định khi đã thẩm định"
    ),
    "de_nghi": "Đoạn cuối: đề nghị thông báo kết quả và quyền khiếu nại (cho từng tập thể, cá nhân, hoặc một người)",
    "ket_qua": "Kết quả xếp loại; mỗi dòng: stt, ten, doi_tuong, muc, quyet_dinh",
    "tong_hop": "Tổng hợp theo mức; mỗi dòng: muc, so, ty_le (thông báo cho một đối tượng: không có)",
}

_HEADER = ("ma_mau", "cap_tren", "co_quan", "dia_danh", "ngay", "thang", "nam", "nam_danh_gia", "ky_danh_gia", "can_cu")
_SECTIONS = ("uu_diem", "han_che", "khac_phuc", "giai_trinh", "trach_nhiem", "phuong_huong")
_SCORES = (
    *("tieu_chi_chung", "tieu_chi_nhiem_vu", "diem_chung", "diem_nhiem_vu", "tong_diem", "muc_tu_xep_loai"),
    *("o_htxs", "o_htt", "o_ht", "o_kht", "nhiem_vu"),
)
_ASSESSMENT = (
    *("nhan_xet", "chi_bo_de_xuat", "bieu_quyet", "muc_xep_loai", "quyet_dinh"),
    *("nhan_xet_cua", "tm_nhan_xet", "bi_thu", "chuc_danh_nhan_xet"),
)
_PERSON = ("ho_ten", "ngay_sinh", "chuc_vu_dang", "chuc_vu_khac", "don_vi_cong_tac", "chi_bo")
_SIGNATURE = ("tm", "chuc_danh_ky", "nguoi_ky", "noi_nhan")

# Fixed wording shared by the Word templates and the PDF layouts.
HEADINGS = {
    "a": "A. NỘI DUNG KIỂM ĐIỂM",
    "uu_diem": "I. Ưu điểm, kết quả đạt được",
    "han_che": "II. Hạn chế, khuyết điểm và nguyên nhân",
    "khac_phuc": (
        "III. Kết quả khắc phục những hạn chế, khuyết điểm đã được cấp có thẩm quyền kết luận hoặc được chỉ ra "
        "ở các kỳ kiểm điểm trước"
    ),
    "giai_trinh": "IV. Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)",
    "trach_nhiem": "V. Làm rõ trách nhiệm của cá nhân đối với những hạn chế, khuyết điểm của tập thể (nếu có)",
    "trach_nhiem_tap_the": "V. Trách nhiệm của tập thể, cá nhân đối với những hạn chế, khuyết điểm",
    "phuong_huong": "VI. Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm",
    "b": "B. NỘI DUNG TỰ ĐÁNH GIÁ, XẾP LOẠI",
    "b_cu": "B. TỰ NHẬN MỨC XẾP LOẠI CHẤT LƯỢNG",
    "b1": "I. Đánh giá theo các nhóm tiêu chí",
    "b1_cu": "I. Tự đánh giá theo các tiêu chí",
    "b2": "II. Đề xuất xếp loại mức chất lượng",
    "b2_cu": "II. Tự nhận mức xếp loại chất lượng",
    "nhom_chung": "1. Nhóm tiêu chí chung",
    "nhom_nhiem_vu": "2. Nhóm tiêu chí về kết quả thực hiện nhiệm vụ",
    "nhiem_vu": "Phụ lục: Kết quả thực hiện nhiệm vụ (sản phẩm, tiến độ, chất lượng)",
    "c": "C. NHẬN XÉT, ĐÁNH GIÁ, XẾP LOẠI",
}
LEVEL_BOXES = (
    ("o_htxs", "Hoàn thành xuất sắc nhiệm vụ"),
    ("o_htt", "Hoàn thành tốt nhiệm vụ"),
    ("o_ht", "Hoàn thành nhiệm vụ"),
    ("o_kht", "Không hoàn thành nhiệm vụ"),
)


@dataclass(frozen=True)
class DocSpec:
    code: str
    # What the document is, for the officer choosing a template.
    title: str
    # "self" (an individual's self-review), "collective" (Mẫu 01), "minutes", "notice".
    kind: str
    # The heading printed on the document, and the line in brackets below it.
    heading: str
    subheading: str
    # "points" (R2025, 30 + 70) or "grades" (R2018 / R2023); empty for minutes and notices.
    scoring: str
    fields: tuple[str, ...]

    @property
    def docx(self) -> str:
        """The bundled Word template's file name (danhgia/documents/docx/)."""
        return f"mau-{self.code}.docx"


_SELF = (*_HEADER, *_PERSON, *_SECTIONS, *_SCORES, *_ASSESSMENT)
_COLLECTIVE = (*_HEADER, "ten_tap_the", *_SECTIONS, *_SCORES, *_ASSESSMENT, *_SIGNATURE)

DOCS: dict[str, DocSpec] = {
    spec.code: spec
    for spec in (
        DocSpec(
            "2A",
            "Mẫu 02A (HD 43) — bản kiểm điểm cá nhân giữ chức vụ lãnh đạo, quản lý",
            "self",
            "BẢN KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CÁ NHÂN",
            "(Dùng cho cá nhân giữ chức vụ lãnh đạo, quản lý)",
            "points",
            _SELF,
        ),
        DocSpec(
            "2B",
            "Mẫu 02B (HD 43) — bản kiểm điểm cá nhân không giữ chức vụ lãnh đạo, quản lý",
            "self",
            "BẢN KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CÁ NHÂN",
            "(Dùng cho cá nhân không giữ chức vụ lãnh đạo, quản lý)",
            "points",
            _SELF,
        ),
        DocSpec(
            "2C",
            "Mẫu 02C (HD 43) — bản kiểm điểm đảng viên không làm việc trong hệ thống chính trị",
            "self",
            "BẢN KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CÁ NHÂN",
            "(Dùng cho đảng viên không làm việc trong hệ thống chính trị)",
            "points",
            _SELF,
        ),
        DocSpec(
            "01",
            "Mẫu 01 (HD 43) — báo cáo kiểm điểm, tự đánh giá, xếp loại tập thể",
            "collective",
            "BÁO CÁO KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG TẬP THỂ",
            "",
            "points",
            _COLLECTIVE,
        ),
        DocSpec(
            "02A",
            "Mẫu 02A (HD 21, HD 25) — bản kiểm điểm cá nhân không giữ chức vụ lãnh đạo, quản lý",
            "self",
            "BẢN KIỂM ĐIỂM CÁ NHÂN",
            "(Dùng cho cá nhân không giữ chức vụ lãnh đạo, quản lý)",
            "grades",
            _SELF,
        ),
        DocSpec(
            "02B",
            "Mẫu 02B (HD 21, HD 25) — bản kiểm điểm cá nhân giữ chức vụ lãnh đạo, quản lý",
            "self",
            "BẢN KIỂM ĐIỂM CÁ NHÂN",
            "(Dùng cho cá nhân giữ chức vụ lãnh đạo, quản lý)",
            "grades",
            _SELF,
        ),
        DocSpec(
            "01-cu",
            "Mẫu 01 (HD 21, HD 25) — báo cáo kiểm điểm tập thể",
            "collective",
            "BÁO CÁO KIỂM ĐIỂM TẬP THỂ",
            "",
            "grades",
            _COLLECTIVE,
        ),
        DocSpec(
            "bien-ban",
            "Biên bản hội nghị kiểm điểm, đề xuất xếp loại",
            "minutes",
            "BIÊN BẢN",
            "Hội nghị kiểm điểm, đánh giá, đề xuất xếp loại chất lượng",
            "",
            (
                *_HEADER,
                "so_ky_hieu",
                *("ten_don_vi", "ngay_hop", "gio_bat_dau", "gio_ket_thuc", "dia_diem", "chu_tri", "thu_ky"),
                *("so_trieu_tap", "so_co_mat", "so_vang"),
                *("so_tinh_bieu_quyet", "khong_tinh", "dien_bien", "de_xuat", "ly_do", "tong_hop"),
            ),
        ),
        DocSpec(
            "thong-bao",
            "Thông báo kết quả đánh giá, xếp loại chất lượng",
            "notice",
            "THÔNG BÁO",
            "Kết quả đánh giá, xếp loại chất lượng",
            "",
            (
                *_HEADER,
                *("so_ky_hieu", "ten_co_quan", "don_vi", "doi_tuong", "so_quyet_dinh", "ngay_quyet_dinh"),
                *("can_cu_quyet_dinh", "can_cu_ket_qua", "ket_qua", "tong_hop", "de_nghi", *_SIGNATURE),
            ),
        ),
    )
}


def doc_code(regime: str, form_code: str) -> str:
    """The document of a review's form: its own code, except the collective report before 2025."""
    if form_code == "01" and regime != "R2025":
        return "01-cu"
    return form_code


def form_label(regime: str, form_code: str) -> str:
    """The form's mark as printed top right: "Mẫu 02B-HD KĐ.ĐG 2025" (HD 43), "… 2023" (HD 25), "… 2019" (HD 21)."""
    if regime == "R2025":
        number = form_code if form_code == "01" else f"0{form_code}"
        return f"Mẫu {number}-HD KĐ.ĐG 2025"
    if regime == "R2023":
        return f"Mẫu {form_code}-HD KĐ.ĐG 2023"
    # HD 21 (2019) had one individual form, Mẫu 02, split into 02A / 02B only in 2023 (rules-research.md §6).
    return "Mẫu 01-HD KĐ.ĐG 2019" if form_code == "01" else "Mẫu 02-HD KĐ.ĐG 2019"


BASIS = {
    "R2025": (
        "Quy định số 366-QĐ/TW ngày 30/8/2025 của Bộ Chính trị và Hướng dẫn số 43-HD/BTCTW ngày 31/10/2025 "
        "của Ban Tổ chức Trung ương"
    ),
    "R2023": (
        "Quy định số 124-QĐ/TW ngày 04/10/2023 của Bộ Chính trị và Hướng dẫn số 25-HD/BTCTW ngày 10/11/2023 "
        "của Ban Tổ chức Trung ương"
    ),
    "R2018": (
        "Quy định số 132-QĐ/TW ngày 08/3/2018 của Bộ Chính trị và Hướng dẫn số 21-HD/BTCTW ngày 18/10/2019 "
        "của Ban Tổ chức Trung ương"
    ),
}


# Keys of the rows of the list fields, for the sample an uploaded template is test-rendered with.
ROW_KEYS = {
    "tieu_chi_chung": ("stt", "noi_dung", "toi_da", "diem", "xuat_sac", "tot", "trung_binh", "kem"),
    "tieu_chi_nhiem_vu": ("stt", "noi_dung", "toi_da", "diem", "xuat_sac", "tot", "trung_binh", "kem"),
    "nhiem_vu": ("stt", "ten", "ket_qua", "minh_chung"),
    "khong_tinh": ("loai", "so"),
    "de_xuat": (
        *("stt", "ten", "doi_tuong", "diem", "tu_xep_loai", "de_xuat", "tan_thanh", "khong_tan_thanh"),
        *("khong_bieu_quyet", "ket_qua", "nhan_xet"),
    ),
    "ket_qua": ("stt", "ten", "doi_tuong", "muc", "quyet_dinh"),
    "tong_hop": ("muc", "so", "ty_le"),
}
PARAGRAPH_FIELDS = frozenset(
    {"uu_diem", "han_che", "khac_phuc", "giai_trinh", "trach_nhiem", "phuong_huong", "nhan_xet", "dien_bien", "ly_do"}
)
LINE_FIELDS = frozenset({"noi_nhan"})


def sample_context(code: str) -> dict[str, object]:
    """Every field of a document filled with sample text (with "&" and "<…>", which must survive)."""
    context: dict[str, object] = {}
    for field in DOCS[code].fields:
        if field in ROW_KEYS:
            context[field] = [{key: f"{key} 1 & <mẫu>" for key in ROW_KEYS[field]} for _ in range(2)]
        elif field in PARAGRAPH_FIELDS:
            context[field] = [f"Đoạn thứ nhất của {field} & <mẫu>.", "Đoạn thứ hai."]
        elif field in LINE_FIELDS:
            context[field] = ["Nơi nhận thứ nhất", "Lưu"]
        else:
            context[field] = f"{field} & <mẫu>"
    return context
