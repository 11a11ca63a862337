"""Who issues, numbers, dates and signs each document: the letterhead of the forms, minutes and notices, read back
from the rendered Word and PDF files (python-docx, pdftotext)."""

from __future__ import annotations

import datetime as dt

import pytest

from danhgia.documents import contexts, services
from danhgia.orgs.models import Locality, Unit, UnitKind
from danhgia.orgs.services import unit_create
from danhgia.people.models import Post, PostRole
from danhgia.people.services import post_assign, post_end
from danhgia.reviews import decisions
from danhgia.reviews.models import Review
from tests.documents.conftest import NAME, SIGNER, pdf_text
from tests.documents.test_render import docx_text
from tests.reviews.helpers import fill, propose


def rendered(prepared, tmp_path) -> dict[str, str]:
    return {
        "pdf": pdf_text(services.render(prepared, "pdf"), tmp_path),
        "docx": " ".join(docx_text(services.render(prepared, "docx")).split()),
    }


def decide_another(docs, **decision) -> Review:
    """Write, propose and decide a second member of the cell: not its secretary (who waits for the cell's own
    level), nor the commune's (who decides), nor the fixture's draft."""
    world, officer = docs.world, docs.world.users["officer"]
    other = (
        Review.objects.filter(period=world.period, context=docs.cell, kind="member", state="draft")
        .exclude(person__in=world.members[docs.cell.name][:2])
        .exclude(pk=docs.draft.pk)
        .order_by("pk")
        .first()
    )
    assert other is not None
    fill(other, officer, general=26, task=58, level="HTT")
    propose(docs.meeting, Review.objects.get(pk=other.pk), "HTT", officer)
    other = Review.objects.get(pk=other.pk)
    decisions.decide(reviews=[other], levels={other.pk: "HTT"}, actor=world.users["committee"], **decision)
    return other


def form_of(review: Review) -> contexts.Prepared:
    [prepared] = contexts.review_documents([contexts.review_queryset().get(pk=review.pk)])
    return prepared


# ------------------------------------------------------------------------------------------------ the date line
def test_the_date_line_writes_the_day_and_the_month_as_the_documents_rules_do():
    """HD 36-HD/VPTW and NĐ 30/2020/NĐ-CP: a leading zero for days under 10 and for months 1 and 2 only."""
    from danhgia.documents import letterhead

    assert letterhead.date_line("Hòa Bình", dt.date(2027, 1, 5)) == "Hòa Bình, ngày 05 tháng 01 năm 2027"
    assert letterhead.date_line("Hòa Bình", dt.date(2027, 3, 5)) == "Hòa Bình, ngày 05 tháng 3 năm 2027"
    assert letterhead.date_line("Hòa Bình", dt.date(2027, 9, 30)) == "Hòa Bình, ngày 30 tháng 9 năm 2027"
    assert letterhead.date_line("Hòa Bình", dt.date(2026, 12, 20)) == "Hòa Bình, ngày 20 tháng 12 năm 2026"
    assert letterhead.date_line("Hòa Bình", None) == "Hòa Bình, ngày … tháng … năm …"


# ------------------------------------------------------------------------------------------------ number and symbol
@pytest.mark.parametrize(
    ("kind", "name", "symbol"),
    [
        (UnitKind.DISTRICT_COMMITTEE, "Đảng bộ huyện Tân Lạc", "HU"),
        (UnitKind.DISTRICT_COMMITTEE, "Đảng bộ quận Ba Đình", "QU"),
        (UnitKind.DISTRICT_COMMITTEE, "Đảng bộ thị xã Sơn Tây", "TU"),
        (UnitKind.DISTRICT_COMMITTEE, "Đảng bộ thành phố Hòa Bình", "TU"),
        (UnitKind.PROVINCE_COMMITTEE, "Đảng bộ tỉnh Hòa Bình", "TU"),
        (UnitKind.COMMUNE_COMMITTEE, "Đảng bộ xã Hòa Bình", "ĐU"),
        (UnitKind.BLOC_COMMITTEE, "Đảng bộ Khối các cơ quan tỉnh", "ĐUK"),
        (UnitKind.BLOC_COMMITTEE, "Đảng bộ Quân sự tỉnh", "ĐU"),
        (UnitKind.GRASSROOTS_COMMITTEE, "Đảng bộ Trường Trung học phổ thông Lạc Sơn", "ĐU"),
        (UnitKind.CELL, "Chi bộ Xóm Đồi", "CB"),
    ],
)
def test_a_committees_numbers_end_with_its_own_symbol(kind, name, symbol):
    """HD 36-HD/VPTW: the symbol after the slash is the issuing committee's (huyện ủy HU, quận ủy QU, thị ủy and
    thành ủy TU, đảng ủy ĐU, đảng ủy khối ĐUK, chi bộ CB)."""
    assert contexts.number_suffix(Unit(name=name, kind=kind), "TB").endswith(f"-TB/{symbol}")


def test_a_district_committees_notice_is_numbered_hu(docs, tmp_path):
    world = docs.world
    district = unit_create(
        parent=world.province, kind=UnitKind.DISTRICT_COMMITTEE, name="Đảng bộ huyện Tân Lạc",
        locality=Locality.DISTRICT, actor=None,
    )  # fmt: skip
    notice = contexts.notice_document([contexts.review_queryset().get(pk=docs.review.pk)], docs.cell, district)
    assert notice.context["so_ky_hieu"].endswith("-TB/HU")
    for text in rendered(notice, tmp_path).values():
        assert "-TB/HU" in text and "-TB/ĐU" not in text
        assert "HUYỆN ỦY TÂN LẠC" in text and "T/M BAN THƯỜNG VỤ" in text


# ------------------------------------------------------------------------------------------------ the assessing body
def test_a_commune_secretarys_form_is_assessed_and_signed_by_the_committee(docs, tmp_path):
    """A leader is reviewed where they lead: the commune committee's secretary by the committee (signed by its
    deputy secretary, since nobody assesses their own record), not by «chi ủy (chi bộ)»."""
    world = docs.world
    chief = world.members[docs.cell.name][1]
    deputy = world.members[docs.cell.name][2]
    post_assign(person=deputy, unit=world.commune, title="Phó Bí thư Đảng ủy xã", role=PostRole.DEPUTY,
                starts_on=dt.date(2020, 1, 1), actor=None)  # fmt: skip
    review = Review.objects.get(period=world.period, kind="leader", person=chief)
    form = form_of(review)
    assert form.code == "2A"
    assert form.context["nhan_xet_cua"] == "Đảng ủy xã Hòa Bình"
    assert form.context["tm_nhan_xet"] == "T/M ĐẢNG ỦY"
    assert (form.context["chuc_danh_nhan_xet"], form.context["bi_thu"]) == ("PHÓ BÍ THƯ", deputy.full_name)
    for fmt, text in rendered(form, tmp_path).items():
        assert "Nhận xét, đánh giá của Đảng ủy xã Hòa Bình:" in text, fmt
        assert "T/M ĐẢNG ỦY PHÓ BÍ THƯ" in text, fmt
        assert "(CHI BỘ)" not in text and "chi ủy (chi bộ)" not in text, fmt


def test_a_members_form_is_assessed_by_the_cell_or_by_its_committee(docs, tmp_path):
    """The central form's «chi ủy (chi bộ)» is a choice: a cell with an elected committee (its leadership
    collective, «Chi ủy …») comments through it, any other cell as a whole."""
    form = form_of(docs.review)
    assert (form.context["nhan_xet_cua"], form.context["tm_nhan_xet"]) == ("chi bộ", "T/M CHI BỘ")
    for fmt, text in rendered(form, tmp_path).items():
        assert "Nhận xét, đánh giá của chi bộ:" in text and "T/M CHI BỘ BÍ THƯ" in text, fmt
        assert "(CHI BỘ)" not in text, fmt
    Unit.objects.filter(pk=docs.cell.pk).update(collective_name="Chi ủy Chi bộ Xóm Đồi")
    form = form_of(docs.review)
    assert (form.context["nhan_xet_cua"], form.context["tm_nhan_xet"]) == ("chi ủy", "T/M CHI ỦY")
    text = rendered(form, tmp_path)["pdf"]
    assert "Nhận xét, đánh giá của chi ủy:" in text and "T/M CHI ỦY" in text


# ------------------------------------------------------------------------------------------------ signers then
def test_documents_are_signed_by_who_held_the_post_at_their_date(docs, tmp_path):
    """A decided form is signed by the cell's secretary of the day of the decision, a notice by the committee's
    secretary of the day it is issued: a successor appointed since does not sign a past year's papers."""
    world, cell = docs.world, docs.cell
    decided_on = docs.review.decision.signed_on
    old_secretary, new_secretary = world.secretaries[cell.name], world.members[cell.name][4]
    old_chief = world.members[cell.name][1]
    new_chief = world.members[world.cells[1].name][1]
    for unit, successor in ((cell, new_secretary), (world.commune, new_chief)):
        post = Post.objects.get(unit=unit, role=PostRole.HEAD, ends_on__isnull=True)
        post_end(post=post, ends_on=decided_on + dt.timedelta(days=1), actor=None)
        post_assign(person=successor, unit=unit, title="Bí thư", role=PostRole.HEAD,
                    starts_on=decided_on + dt.timedelta(days=1), actor=None)  # fmt: skip
    form = form_of(docs.review)
    assert form.context["bi_thu"] == old_secretary.full_name
    text = rendered(form, tmp_path)["pdf"]
    assert old_secretary.full_name in text and new_secretary.full_name not in text
    # A decision that recorded no signer: the notice is signed by the committee's secretary of its day.
    other = decide_another(docs, signed_on=decided_on)
    full = contexts.review_queryset().get(pk=other.pk)
    notice = contexts.notice_document([full], cell, world.commune, personal=True)
    assert notice.context["nguoi_ky"] == old_chief.full_name
    # A recorded signer is the one who signed.
    notice = contexts.notice_document([contexts.review_queryset().get(pk=docs.review.pk)], cell, world.commune)
    assert notice.context["nguoi_ky"] == SIGNER


# ------------------------------------------------------------------------------------------------ names of forms
def test_files_name_the_forms_as_the_screens_do(docs):
    form = form_of(docs.review)
    assert form.title == f"Mẫu 02B - {NAME}"
    assert form.name.startswith("Mau-02B_Dang-Ngoc-Huong_")


# ------------------------------------------------------------------------------------------------ the notice
def test_a_one_person_notice_reads_as_one(docs, tmp_path):
    full = contexts.review_queryset().get(pk=docs.review.pk)
    notice = contexts.notice_document([full], full.context, full.decision.authority, personal=True)
    for fmt, text in rendered(notice, tmp_path).items():
        assert f"thông báo kết quả đến đồng chí {NAME}" in text, fmt
        assert "Đồng chí có tên trên" in text and "Các đồng chí có tên trên" not in text, fmt
        assert "từng tập thể, cá nhân" not in text and "Tập thể, cá nhân có ý kiến khác" not in text, fmt
        # No summary by level for one person ("Hoàn thành tốt nhiệm vụ: 1 (100,0 %)").
        assert "Tổng hợp" not in text and "100,0 %" not in text, fmt
    # A notice for the whole cell still addresses everyone and sums up.
    decide_another(docs, signed_on=full.decision.signed_on)
    [(_authority, reviews)] = contexts.notice_reviews(docs.world.period, docs.cell).items()
    assert len(reviews) == 2
    text = rendered(contexts.notice_document(reviews, docs.cell, docs.world.commune), tmp_path)["pdf"]
    assert "đến từng tập thể, cá nhân" in text and "Tổng hợp" in text


def test_the_notice_cites_an_appraisal_only_when_there_was_one(docs, tmp_path):
    def notice_text() -> dict[str, str]:
        full = contexts.review_queryset().get(pk=docs.review.pk)
        return rendered(contexts.notice_document([full], docs.cell, docs.world.commune), tmp_path)

    for fmt, text in notice_text().items():
        assert "Căn cứ kết quả kiểm điểm, đề xuất của Chi bộ Xóm Đồi," in text, fmt
        assert "thẩm định" not in text, fmt
    Review.objects.filter(pk=docs.review.pk).update(appraised_level="HTT", appraisal_note="Đồng ý.")
    for fmt, text in notice_text().items():
        assert "Căn cứ kết quả kiểm điểm, đề xuất của Chi bộ Xóm Đồi và kết quả thẩm định," in text, fmt


def test_the_notice_context_takes_a_decision_number_and_date(docs, tmp_path):
    """The decision behind a notice, when it has one, is cited among the bases (the `flow` work records them)."""
    full = contexts.review_queryset().get(pk=docs.review.pk)
    notice = contexts.notice_document(
        [full], docs.cell, docs.world.commune, decision_number="20-QĐ/ĐU", decision_date=dt.date(2026, 12, 28)
    )
    assert notice.context["so_quyet_dinh"] == "20-QĐ/ĐU" and notice.context["ngay_quyet_dinh"] == "28/12/2026"
    for fmt, text in rendered(notice, tmp_path).items():
        assert "Căn cứ Quyết định số 20-QĐ/ĐU ngày 28/12/2026 của Đảng ủy xã Hòa Bình" in text, fmt


# ------------------------------------------------------------------------------------------------ header names
def test_the_header_keeps_a_place_name_on_one_line(docs):
    """«ĐẢNG ỦY THỊ TRẤN QUY CHIỀNG» may wrap in the narrow header column, but never inside «QUY CHIỀNG»: the
    place (with its kind) is joined by no-break spaces, in the Word and the PDF alike."""
    world = docs.world
    town = unit_create(
        parent=world.province, kind=UnitKind.COMMUNE_COMMITTEE, name="Đảng bộ thị trấn Quy Chiềng",
        locality=Locality.COMMUNE, actor=None,
    )  # fmt: skip
    notice = contexts.notice_document([contexts.review_queryset().get(pk=docs.review.pk)], docs.cell, town)
    assert notice.context["co_quan"] == "ĐẢNG ỦY THỊ\u00a0TRẤN\u00a0QUY\u00a0CHIỀNG"
    assert notice.context["cap_tren"] == "ĐẢNG BỘ TỈNH\u00a0MẪU"
    # Names in sentences are ordinary text.
    assert notice.context["ten_co_quan"] == "Đảng ủy thị trấn Quy Chiềng"


def test_the_template_size_message_keeps_its_commas(docs):
    from django.core.exceptions import ValidationError

    world = docs.world
    with pytest.raises(ValidationError) as refused:
        services.job_create(
            period=world.period, unit=world.commune, subtree=True, formats=["pdf"], actor=world.users["officer"],
            limit=3,
        )  # fmt: skip
    message = " ".join(refused.value.messages)
    assert "Hãy tạo theo từng đảng bộ, chi bộ, hoặc đề nghị quản trị" in message, message
    assert "(tối đa 3)" in message and "tệp, quá lớn" in message, message
