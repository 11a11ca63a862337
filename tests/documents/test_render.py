"""Every generated file is opened with a real reader: python-docx for Word, pdftotext and pdffonts for PDF, and
(once) LibreOffice to turn our Word output into PDF — what a secretary's office suite will do with it."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.utils import timezone
from docx import Document
from docxtpl import DocxTemplate

from danhgia.documents import catalogue, contexts, engine, services
from danhgia.reviews.models import Meeting
from tests.documents.conftest import NAME, SIGNER, libreoffice_pdf, nfc, pdf_fonts, pdf_text

PARTY = "Đảng Cộng sản Việt Nam".upper()  # the header prints it in capitals


def docx_text(data: bytes) -> str:
    """Every paragraph of the body and of its tables (python-docx reads the tables apart from the paragraphs)."""
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]

    def cells(tables: list) -> None:
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    parts.extend(p.text for p in cell.paragraphs)
                    cells(cell.tables)

    cells(document.tables)
    # Places in the header are joined by no-break spaces (letterhead.keep_place): read as ordinary spaces.
    return nfc("\n".join(parts)).replace("\u00a0", " ")


# ------------------------------------------------------------------------------------------------ bundled templates
@pytest.mark.parametrize("code", list(catalogue.DOCS))
def test_bundled_templates_are_word_files_using_only_their_fields(code):
    spec = catalogue.DOCS[code]
    path = engine.BUNDLED / spec.docx
    document = Document(str(path))
    # Fonts named explicitly: Times New Roman in every script slot, Vietnamese language; A4 with Party margins.
    normal = document.styles["Normal"].element.rPr
    fonts = normal.rFonts
    assert {fonts.get(f"{{{fonts.nsmap['w']}}}{slot}") for slot in ("ascii", "hAnsi", "eastAsia", "cs")} == {
        "Times New Roman"
    }
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert (round(section.left_margin.cm, 1), round(section.right_margin.cm, 1)) == (3.0, 1.5)
    used = DocxTemplate(str(path)).get_undeclared_template_variables()
    assert used <= set(spec.fields), used - set(spec.fields)
    # The header: the Party's name top right, the place-and-date line under it.
    header = document.tables[0].rows[0].cells[1].text
    assert PARTY in header and "{{ dia_danh }}, ngày {{ ngay }} tháng {{ thang }} năm {{ nam }}" in header


@pytest.mark.parametrize("code", list(catalogue.DOCS))
def test_bundled_templates_render_every_field_escaped(code):
    data = engine.render_docx((engine.BUNDLED / catalogue.DOCS[code].docx).read_bytes(), catalogue.sample_context(code))
    text = docx_text(data)
    assert "{{" not in text and "{%" not in text
    assert "& <mẫu>" in text  # autoescape: "&" and "<…>" survive
    assert "co_quan & <mẫu>" in text and PARTY in text


def test_field_catalogue_lists_every_field_of_every_document():
    for spec in catalogue.DOCS.values():
        assert set(spec.fields) <= set(catalogue.FIELDS), set(spec.fields) - set(catalogue.FIELDS)


# ------------------------------------------------------------------------------------------------ a self-review
def prepared_review(docs):
    return contexts.review_documents([contexts.review_queryset().get(pk=docs.review.pk)])[0]


def test_self_review_in_word(docs):
    prepared = prepared_review(docs)
    data = services.render(prepared, "docx")
    text = docx_text(data)
    today = timezone.localtime(docs.review.submitted_at).date()
    assert "Mẫu 02B-HD KĐ.ĐG 2025" in text
    assert "BẢN KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CÁ NHÂN NĂM" in text
    assert "ĐẢNG BỘ XÃ HÒA BÌNH" in text and "CHI BỘ XÓM ĐỒI" in text
    assert f"Hòa Bình, ngày {today:%d} tháng" in text
    assert NAME in text and "09/03/1985" in text
    assert "dặn dò Nhân dân giữ gìn trật tự & vệ sinh <khu dân cư>." in text
    assert "Hoàn thành tốt việc tổ chức Lễ hội truyền thống của thôn." in text  # second paragraph of section I
    assert "27,5" in text and "/30 điểm" in text and "87,5" in text
    assert "■ Hoàn thành tốt nhiệm vụ" in text and "□ Hoàn thành xuất sắc nhiệm vụ" in text
    assert "Tổ chức Lễ hội & <hội thi> của thôn" in text and "Hoàn thành vượt mức" in text
    assert "Đồng chí Hường cần phát huy ưu điểm & khắc phục hạn chế." in text
    assert "(Quyết định số 15-QĐ/ĐU ngày" in text
    assert "{{" not in text and "{%" not in text
    # Every run that carries text resolves to Times New Roman through the styles.
    document = Document(io.BytesIO(data))
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if run.text.strip():
                style = paragraph.style
                while run.font.name is None and style is not None and style.font.name is None:
                    style = style.base_style
                assert (run.font.name or style.font.name) == "Times New Roman", paragraph.text


def test_self_review_in_pdf_embeds_its_fonts_and_keeps_every_diacritic(docs, tmp_path):
    data = services.render(prepared_review(docs), "pdf")
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    for expected in (
        PARTY,
        "ĐẢNG BỘ XÃ HÒA BÌNH",
        "BẢN KIỂM ĐIỂM, TỰ ĐÁNH GIÁ, XẾP LOẠI CÁ NHÂN NĂM",
        "Mẫu 02B-HD KĐ.ĐG 2025",
        NAME,
        "giữ gìn trật tự & vệ sinh <khu dân cư>",
        "Lễ hội truyền thống",
        "sửa chữa đường thôn",
        "Tổng điểm: 87,5/100 điểm",
        "III. Kết quả khắc phục những hạn chế, khuyết điểm",
        "NGƯỜI TỰ KIỂM ĐIỂM",
    ):
        assert expected in text, expected
    fonts = pdf_fonts(data, tmp_path)
    assert fonts and all(row[-5] == "yes" for row in fonts)  # embedded
    assert all("Liberation-Serif" in row[0] or "Times" in row[0] for row in fonts), fonts


# ------------------------------------------------------------------------------------------------ minutes, notice
def test_the_secretarys_own_form_is_signed_by_the_deputy(docs, tmp_path):
    from danhgia.people.services import post_assign
    from danhgia.reviews.models import Review

    world, cell = docs.world, docs.cell
    secretary = world.secretaries[cell.name]
    own = Review.objects.get(period=world.period, kind="member", person=secretary)
    [form] = contexts.review_documents([own])
    assert (form.context["chuc_danh_nhan_xet"], form.context["bi_thu"]) == ("PHÓ BÍ THƯ", "")
    deputy = world.members[cell.name][3]
    post_assign(person=deputy, unit=cell, title="Phó Bí thư chi bộ", role="deputy", starts_on=world.period.starts_on,
                actor=None)  # fmt: skip
    [form] = contexts.review_documents([own])
    text = pdf_text(services.render(form, "pdf"), tmp_path)
    assert "PHÓ BÍ THƯ" in text and deputy.full_name in text
    # Anyone else's form is signed by the secretary.
    [other] = contexts.review_documents([docs.review])
    assert (other.context["chuc_danh_nhan_xet"], other.context["bi_thu"]) == ("BÍ THƯ", secretary.full_name)


def test_minutes_and_notice(docs, tmp_path):
    [minutes] = contexts.minutes_documents([docs.meeting])
    text = pdf_text(services.render(minutes, "pdf"), tmp_path)
    assert "BIÊN BẢN" in text and "CHI BỘ XÓM ĐỒI" in text
    assert "Số đảng viên được triệu tập: 7; có mặt: 6; vắng mặt: 1." in text
    assert NAME in text and "Đồng chí Hường cần phát huy" in text
    assert "Hoàn thành tốt nhiệm vụ: 3 (100,0 %)" in text
    assert "Hôm nay, vào lúc 7 giờ 30, ngày" in text and "tại Nhà văn hóa xóm Đồi, Chi bộ Xóm Đồi" in text
    assert "Thư ký hội nghị: Đinh Thị Thu" in text and "kết thúc vào lúc 11 giờ cùng ngày" in text
    word = docx_text(services.render(minutes, "docx"))
    assert "Chủ trì hội nghị: Bí thư chi bộ" in word and NAME in word
    assert "Thư ký hội nghị: Đinh Thị Thu" in word and "vào lúc 7 giờ 30" in word and "Nhà văn hóa xóm Đồi" in word
    # Left unrecorded, the time, place and secretary are dotted lines to fill in by hand.
    Meeting.objects.filter(pk=docs.meeting.pk).update(secretary="", place="", starts_at=None, ends_at=None)
    [bare] = contexts.minutes_documents([Meeting.objects.get(pk=docs.meeting.pk)])
    text = pdf_text(services.render(bare, "pdf"), tmp_path)
    assert "vào lúc … giờ …, ngày" in text and "kết thúc vào lúc … giờ … cùng ngày" in text

    by_authority = contexts.notice_reviews(docs.world.period, docs.cell)
    [(authority_id, reviews)] = by_authority.items()
    notice = contexts.notice_document(reviews, docs.cell, reviews[0].decision.authority)
    text = pdf_text(services.render(notice, "pdf"), tmp_path)
    assert "THÔNG BÁO" in text and "ĐẢNG ỦY XÃ HÒA BÌNH" in text and "ĐẢNG BỘ TỈNH MẪU" in text
    assert NAME in text and "Hoàn thành tốt nhiệm vụ" in text and SIGNER in text
    assert "Số 15-QĐ/ĐU" in text
    word = docx_text(services.render(notice, "docx"))
    assert "T/M ĐẢNG ỦY" in word and SIGNER in word and "Đồng chí có tên trên" in word  # one person decided
    assert authority_id == docs.world.commune.pk


def test_word_output_opens_in_libreoffice_with_every_diacritic(docs, tmp_path):
    """One LibreOffice run (about a second a file) converts our Word self-review and minutes to PDF."""
    review = tmp_path / "review.docx"
    review.write_bytes(services.render(prepared_review(docs), "docx"))
    minutes = tmp_path / "minutes.docx"
    minutes.write_bytes(services.render(contexts.minutes_documents([docs.meeting])[0], "docx"))
    converted = libreoffice_pdf([review, minutes], tmp_path)
    text = pdf_text(converted["review"].read_bytes(), tmp_path)
    for expected in (PARTY, NAME, "giữ gìn trật tự & vệ sinh <khu dân cư>", "Lễ hội truyền thống", "87,5/100"):
        assert expected in text, expected
    text = pdf_text(converted["minutes"].read_bytes(), tmp_path)
    assert "BIÊN BẢN" in text and NAME in text and "CHỦ TRÌ HỘI NGHỊ" in text


# ------------------------------------------------------------------------------------------------ engine
def test_worker_processes_render_the_same_documents(docs):
    """Batches render in spawned worker processes: the tasks and the results cross the process boundary."""
    prepared = prepared_review(docs)
    tasks = [
        ("a.pdf", ("pdf", services.html_for(prepared))),
        ("a.docx", ("docx", str(engine.BUNDLED / "mau-2B.docx"), prepared.context)),
    ]
    with engine.Renderer(2) as renderer:
        results = dict(renderer.stream(tasks))
    assert results["a.pdf"].startswith(b"%PDF")
    assert zipfile.is_zipfile(io.BytesIO(results["a.docx"]))
    assert NAME in docx_text(results["a.docx"])


def test_formatting_helpers():
    import datetime as dt

    assert contexts.points("27.50") == "27,5" and contexts.points(30) == "30" and contexts.points(None) == "…"
    assert contexts.date_parts(dt.date(2026, 1, 5)) == {"ngay": "05", "thang": "01", "nam": "2026"}
    assert contexts.date_parts(dt.date(2026, 12, 31))["thang"] == "12"
    assert contexts.date_parts(dt.date(2026, 3, 9))["thang"] == "3"
    assert contexts.slug("Đặng Ngọc Hường") == "Dang-Ngoc-Huong"
    assert contexts.paragraphs("  \n") == [catalogue.DOTS]


def test_issuers_and_place_names(db):
    from danhgia.orgs.models import Unit, UnitKind

    def unit(name: str, kind: str) -> Unit:
        return Unit(name=name, kind=kind)

    assert contexts.issuer_name(unit("Đảng bộ xã Hòa Bình", UnitKind.COMMUNE_COMMITTEE)) == "Đảng ủy xã Hòa Bình"
    assert contexts.issuer_name(unit("Đảng bộ tỉnh Hòa Bình", UnitKind.PROVINCE_COMMITTEE)) == "Tỉnh ủy Hòa Bình"
    assert contexts.issuer_name(unit("Đảng bộ huyện Tân Lạc", UnitKind.DISTRICT_COMMITTEE)) == "Huyện ủy Tân Lạc"
    assert contexts.issuer_name(unit("Chi bộ Xóm Đồi", UnitKind.CELL)) == "Chi bộ Xóm Đồi"
    assert contexts.place_name(unit("Đảng bộ thị xã Sơn Tây", UnitKind.DISTRICT_COMMITTEE)) == "Sơn Tây"
    assert contexts.place_name(unit("Đảng bộ phường Đống Đa", UnitKind.COMMUNE_COMMITTEE)) == "Đống Đa"


def test_the_cut_user_agent_stylesheet_lays_out_as_the_full_one(docs, tmp_path):
    """pdf/ua.css replaces WeasyPrint's HTML5 sheet for speed: the pages must come out the same."""
    import weasyprint

    html = services.html_for(prepared_review(docs))
    engine.render_pdf("<p></p>")  # the stylesheets and our HTML class are loaded
    options = {"stylesheets": [engine._css], "font_config": engine._fonts}
    ours = engine._html(string=html, base_url=str(engine.HERE)).render(**options)
    full = weasyprint.HTML(string=html, base_url=str(engine.HERE)).render(**options)
    assert len(ours.pages) == len(full.pages) >= 2
    assert pdf_text(ours.write_pdf(), tmp_path) == pdf_text(full.write_pdf(), tmp_path)
