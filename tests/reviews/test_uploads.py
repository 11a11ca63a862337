"""Evidence and a decision's scan are checked by their content, not their name (issue 9, item 4)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.urls import reverse

from danhgia.lib import files
from danhgia.reviews import decisions
from danhgia.reviews.models import Decision
from danhgia.reviews.opening import period_open_reviews
from danhgia.reviews.services import check_upload
from tests.reviews.test_views import member_review, owner


def docx() -> bytes:
    from docx import Document

    out = io.BytesIO()
    document = Document()
    document.add_paragraph("Báo cáo kết quả thực hiện nhiệm vụ")
    document.save(out)
    return out.getvalue()


def xlsx() -> bytes:
    import openpyxl

    out = io.BytesIO()
    book = openpyxl.Workbook()
    book.active["A1"] = "Chỉ tiêu"
    book.save(out)
    return out.getvalue()


def odf(mimetype: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("mimetype", mimetype)
        package.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("ghi-chu.txt", "không phải văn bản Word")
    return out.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
OLE = files.OLE2 + b"\x00" * 504
TEXT = "Đây là tệp văn bản thường, đổi tên thành .pdf".encode()

GOOD = [
    ("bao-cao.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"),
    ("anh.jpg", JPEG),
    ("anh.JPEG", JPEG),
    ("anh.png", PNG),
    ("bien-ban.doc", OLE),
    ("bang.xls", OLE),
    ("bao-cao.docx", docx()),
    ("bang.xlsx", xlsx()),
    ("bao-cao.odt", odf("application/vnd.oasis.opendocument.text")),
    ("bang.ods", odf("application/vnd.oasis.opendocument.spreadsheet")),
]
BAD = [
    ("bao-cao.pdf", TEXT),
    ("bao-cao.pdf", b""),
    ("anh.jpg", PNG),
    ("anh.png", b"<html><script>alert(1)</script></html>"),
    ("bien-ban.doc", TEXT),
    ("bao-cao.docx", xlsx()),
    ("bang.xlsx", docx()),
    ("bao-cao.docx", plain_zip()),
    ("bao-cao.odt", odf("application/vnd.oasis.opendocument.spreadsheet")),
    ("bang.xlsx", b"PK\x03\x04 broken"),
]


@pytest.mark.parametrize(("name", "content"), GOOD, ids=[n for n, _ in GOOD])
def test_a_file_of_its_kind_is_accepted(name, content):
    upload = SimpleUploadedFile(name, content)
    assert check_upload(upload, "file") == name
    assert upload.read() == content  # left at its start, whole, to be stored


@pytest.mark.parametrize(("name", "content"), BAD, ids=[f"{n}-{i}" for i, (n, _) in enumerate(BAD)])
def test_a_file_whose_content_is_not_its_name_is_refused(name, content):
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile(name, content), "file")
    [message] = exc.value.message_dict["file"]
    assert message.startswith(f"Tệp «{name}» không phải là tệp ")
    assert "hãy mở tệp bằng chương trình của nó và lưu lại" in message


def test_a_large_upload_on_disk_is_checked_too(settings):
    upload = TemporaryUploadedFile("bao-cao.pdf", "application/pdf", 0, None)
    upload.write(TEXT * 1000)
    upload.seek(0)
    with pytest.raises(ValidationError, match="không phải là tệp PDF"):
        check_upload(upload, "file")
    upload.close()


def test_the_evidence_page_refuses_a_renamed_text_file_and_keeps_nothing(commune, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    period_open_reviews(period=commune.period, actor=commune.users["officer"])
    review = member_review(commune)
    client.force_login(owner(commune, review))
    url = reverse("reviews-evidence-add", args=[review.pk])
    response = client.post(url, {"file": SimpleUploadedFile("bao-cao.pdf", TEXT)}, follow=True)
    assert "Tệp «bao-cao.pdf» không phải là tệp PDF" in response.content.decode()
    assert not review.evidence.exists() and not list(tmp_path.rglob("*.pdf"))
    client.post(url, {"file": SimpleUploadedFile("bao-cao.docx", docx())})
    assert review.evidence.get().name == "bao-cao.docx"


def test_a_decision_scan_that_is_not_a_pdf_is_refused(proposed, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    group = proposed.groups["members"]
    rows, _ = decisions.preview(decisions.group_reviews(proposed.period, group))
    row = next(r for r in rows if r.result.level == "HTT" and r.review.self_level == "HTT" and not r.blocked)
    with pytest.raises(ValidationError) as exc:
        decisions.decide(
            reviews=decisions.group_reviews(proposed.period, group),
            levels={row.review.pk: "HTT"},
            actor=proposed.users["officer"],
            kind="recorded",
            number="1-QĐ/ĐU",
            signer="Bí thư",
            attachment=SimpleUploadedFile("qd.pdf", TEXT),
        )
    assert "Tệp «qd.pdf» không phải là tệp PDF" in exc.value.message_dict["attachment"][0]
    assert not Decision.objects.filter(review=row.review).exists()
