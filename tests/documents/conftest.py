"""A commune whose first cell has written, met and been decided: the world of the documents tests.

The member under test has a name with the letters that break badly set documents (Đ, ặ, ư, ờ) and writes a
self-review with "&", "<…>" and more such letters; the commune's decision is signed by "Trần Văn Lễ".
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from danhgia.accounts.models import Role
from danhgia.people.services import member_admit, person_create
from danhgia.reviews import decisions, services
from danhgia.reviews.models import Review
from danhgia.reviews.opening import period_open_reviews
from tests.conftest import make_user
from tests.reviews.conftest import Commune, build_commune
from tests.reviews.helpers import fill, meet, points, propose
from tests.shared import shared

NAME = "Đặng Ngọc Hường"
SIGNER = "Trần Văn Lễ"
SECTIONS = {
    "uu_diem": "Ưu điểm: giữ vững lập trường, tư tưởng; dặn dò Nhân dân giữ gìn trật tự & vệ sinh <khu dân cư>.\n"
    "Hoàn thành tốt việc tổ chức Lễ hội truyền thống của thôn.",
    "han_che": "Có lúc chưa thường xuyên nghiên cứu nghị quyết; việc sửa chữa đường thôn còn chậm.",
    "phuong_huong": "Tiếp tục học tập, rèn luyện; chủ động hơn trong công việc được giao.",
}
TASKS = [
    {"title": "Tổ chức Lễ hội & <hội thi> của thôn", "status": "exceeded", "evidence": "Báo cáo số 12"},
    {"title": "Vận động Nhân dân hiến đất làm đường", "status": "exceeded", "evidence": "Biên bản nghiệm thu"},
    {"title": "Tham gia sinh hoạt chi bộ đầy đủ", "status": "on_time"},
]


@dataclass
class Docs:
    world: Commune
    person: object
    user: object
    review: Review  # the member's, submitted, proposed and decided
    draft: Review  # another member's, never written
    cell: object
    meeting: object
    media: Path  # where the build wrote its files


def build_docs() -> Docs:
    world = build_commune()
    period: Any = world.period  # typed `object` on the shared Commune
    cell = world.cells[0]
    officer, committee = world.users["officer"], world.users["committee"]
    person = person_create(
        family_name="Đặng",
        middle_name="Ngọc",
        given_name="Hường",
        gender="nu",
        birth_date=dt.date(1985, 3, 9),
        civil_servant="cong_chuc",
        actor=None,
    )
    member_admit(
        person=person, cell=cell, admitted_on=dt.date(2012, 5, 19), official_on=dt.date(2013, 5, 19), actor=None
    )
    user = make_user("dv.huong", Role.MEMBER, cell, person)
    period_open_reviews(period=period, actor=officer)
    review = Review.objects.get(period=period, kind="member", person=person)
    services.review_save(
        review=review,
        actor=user,
        items=points(review, 27.5, 60),
        sections=SECTIONS,
        self_level="HTT",
        tasks=TASKS,
    )
    services.review_submit(review=Review.objects.get(pk=review.pk), actor=user)
    others = list(
        Review.objects.filter(period=period, context=cell, kind="member").exclude(pk=review.pk).order_by("pk")
    )
    for other in others[:2]:
        fill(other, officer, general=26, task=58, level="HTT")
    meeting = meet(
        world.period,
        cell,
        officer,
        summoned=7,
        present=6,
        secretary="Đinh Thị Thu",
        place="Nhà văn hóa xóm Đồi",
        starts_at=dt.time(7, 30),
        ends_at=dt.time(11, 0),
    )
    propose(
        meeting, review, "HTT", officer, votes_for=6, comment="Đồng chí Hường cần phát huy ưu điểm & khắc phục hạn chế."
    )
    for other in others[:2]:
        propose(meeting, other, "HTT", officer, votes_for=5)
    decisions.decide(
        reviews=[Review.objects.get(pk=review.pk)],
        levels={review.pk: "HTT"},
        actor=committee,
        number="15-QĐ/ĐU",
        signed_on=timezone.localdate(),
        signer=SIGNER,
    )
    return Docs(
        world=world,
        person=person,
        user=user,
        review=Review.objects.get(pk=review.pk),
        draft=others[3],
        cell=cell,
        meeting=meeting,
        media=Path(django_settings.MEDIA_ROOT),
    )


INLINE_DOCUMENTS = {"DANHGIA_DOCUMENT_JOBS": "inline", "DANHGIA_DOCUMENT_WORKERS": 0}
_docs = shared("_docs", build_docs, MEDIA_ROOT=lambda own: own / "media", **INLINE_DOCUMENTS)


@pytest.fixture
def docs(_docs, settings, tmp_path) -> Docs:
    # The test's own copy of the files the build wrote, under its own media directory.
    media = tmp_path / "media"
    if _docs.media.exists():
        shutil.copytree(_docs.media, media)
    settings.MEDIA_ROOT = media
    for name, value in INLINE_DOCUMENTS.items():
        setattr(settings, name, value)
    return _docs


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (poppler-utils; make system-packages)")
    return path


def pdf_text(data: bytes, tmp_path: Path) -> str:
    """The text of a PDF as poppler's pdftotext reads it (a real reader, not our own code)."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    out = subprocess.run([tool("pdftotext"), str(path), "-"], capture_output=True, check=True, timeout=60)
    # Justified lines wrap anywhere: compare phrases with their spaces and line ends collapsed.
    return " ".join(nfc(out.stdout.decode("utf-8")).split())


def pdf_fonts(data: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    out = subprocess.run([tool("pdffonts"), str(path)], capture_output=True, check=True, timeout=60).stdout.decode()
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def libreoffice_pdf(paths: list[Path], tmp_path: Path) -> dict[str, Path]:
    """Convert Word files to PDF with LibreOffice headless, with a profile of its own (stack-notes.md §6)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (make system-packages)")
    out = tmp_path / "lo-out"
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(out),
         *map(str, paths)],
        capture_output=True, check=True, timeout=180,
    )  # fmt: skip
    return {p.stem: out / f"{p.stem}.pdf" for p in paths}
