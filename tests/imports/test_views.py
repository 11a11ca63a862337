"""The import pages: the organization officer uploads, reads the dry run and confirms; nobody else may, and an
import outside one's scope does not exist for them."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from danhgia.audit.models import Action, AuditEvent
from danhgia.imports.models import Import, ImportStatus
from danhgia.orgs.models import Unit
from danhgia.people.models import PartyMember
from tests.imports.test_import import workbook


def province_file(world, path):
    top = f"DG-{world.province.pk}"  # the export's code of a unit that has none
    units = [
        [top, world.province.name, "Đảng bộ tỉnh, thành phố", "", ""],
        ["X9", "Đảng bộ xã Mới Lập", "Đảng bộ xã, phường, đặc khu", top, "Có"],
        ["C9", "Chi bộ Thôn Mới", "Chi bộ trực thuộc", "X9", ""],
        ["C8", "Chi bộ không có cấp trên", "Chi bộ trực thuộc", "X7", ""],
    ]
    members = [["Phan Văn Tới", "03/04/1982", "Nam", "", "17999999", "01/02/2008", "01/02/2009", "C9", "Chính thức"]]
    return workbook(path, units=units, members=members)


def upload(client, world, path):
    with path.open("rb") as f:
        data = {"scope": world.province.pk, "file": SimpleUploadedFile(path.name, f.read())}
    return client.post(reverse("imports-list"), data)


def test_the_officer_runs_the_dry_run_reads_it_and_imports(world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(world.users["officer"])
    assert "Nhập dữ liệu" in client.get(reverse("home")).content.decode()  # in the menu
    response = upload(client, world, province_file(world, tmp_path / "tinh.xlsx"))
    run = Import.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports-detail", args=[run.pk])
    assert not Unit.objects.filter(code="X9").exists()  # a dry run
    assert AuditEvent.objects.filter(action=Action.IMPORT_PLANNED, target_id=str(run.pk)).exists()
    body = client.get(response["Location"]).content.decode()
    assert "Thêm mới: <strong>2</strong>" in body and "Bị từ chối: <strong>1</strong>" in body
    assert "Không có đơn vị mã «X7» trong tệp hay trong phạm vi." in body
    assert "Nhập 3 thay đổi" in body
    # Without saying so, refused rows stop the import; said, the rest is imported.
    response = client.post(reverse("imports-confirm", args=[run.pk]), {"digest": run.report["digest"]})
    assert response.status_code == 400 and "dòng bị từ chối" in response.content.decode()
    assert not Unit.objects.filter(code="X9").exists()
    data = {"digest": run.report["digest"], "skip_refused": "on"}
    response = client.post(reverse("imports-confirm", args=[run.pk]), data)
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportStatus.APPLIED and run.skip_refused
    assert Unit.objects.get(code="C9").parent.code == "X9"
    assert PartyMember.objects.get(card_number="17999999").person.full_name == "Phan Văn Tới"
    assert Unit.objects.get(pk=world.province.pk).code == ""  # the DG- code names it, it does not become its code


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_form_and_nothing_is_kept(world, client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(world.users["officer"])
    fake = tmp_path / "danh-sach.xlsx"
    fake.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    response = upload(client, world, fake)
    assert response.status_code == 400 and "PDF" in response.content.decode()
    assert not Import.objects.exists()


def test_only_those_who_edit_the_tree_and_the_people_import(world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(world.users["officer"])
    upload(client, world, province_file(world, tmp_path / "tinh.xlsx"))
    run = Import.objects.get()
    for persona in ("committee_a", "secretary_a1", "member_a1", "front_a", "inspector"):
        client.force_login(world.users[persona])
        assert client.get(reverse("imports-list")).status_code == 403, persona
        assert client.get(reverse("imports-detail", args=[run.pk])).status_code == 404, persona
        data = {"digest": run.report["digest"], "skip_refused": "on"}
        assert client.post(reverse("imports-confirm", args=[run.pk]), data).status_code == 404, persona
        assert "Nhập dữ liệu" not in client.get(reverse("home")).content.decode(), persona
    run.refresh_from_db()
    assert run.status == ImportStatus.PLANNED and not Unit.objects.filter(code="X9").exists()


def test_a_discarded_import_writes_nothing_and_cannot_be_confirmed(world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(world.users["officer"])
    upload(client, world, province_file(world, tmp_path / "tinh.xlsx"))
    run = Import.objects.get()
    assert client.post(reverse("imports-discard", args=[run.pk])).status_code == 302
    data = {"digest": run.report["digest"], "skip_refused": "on"}
    response = client.post(reverse("imports-confirm", args=[run.pk]), data)
    assert response.status_code == 400 and "đã hủy" in response.content.decode()
    assert not Unit.objects.filter(code="X9").exists()


def test_the_template_and_the_export_are_for_those_who_import_and_the_export_is_audited(world, client):
    client.force_login(world.users["officer"])
    page = client.get(reverse("imports-list")).content.decode()
    assert reverse("imports-template") in page and reverse("imports-export", args=[world.province.pk]) in page
    response = client.get(reverse("imports-template"))
    assert response.status_code == 200 and load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    response = client.get(reverse("imports-export", args=[world.province.pk]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    names = {(row[1].value, row[3].value) for row in book["Đảng viên"].iter_rows(min_row=2)}
    assert ("Nguyễn", "An") in names and len(names) == len(world.people)
    assert AuditEvent.objects.filter(action=Action.REGISTRY_EXPORTED, target_id=str(world.province.pk)).exists()
    client.force_login(world.users["secretary_a1"])
    assert client.get(reverse("imports-template")).status_code == 403
    assert client.get(reverse("imports-export", args=[world.cell_a1.pk])).status_code == 403
    client.force_login(world.users["secretary_b1"])
    assert client.get(reverse("imports-export", args=[world.cell_a1.pk])).status_code == 404


def test_a_file_over_the_configured_limit_is_refused_naming_it(world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DANHGIA_IMPORT_MAX_MB = 0
    client.force_login(world.users["officer"])
    response = upload(client, world, province_file(world, tmp_path / "tinh.xlsx"))
    assert response.status_code == 400 and "Tệp lớn hơn giới hạn 0 MB." in response.content.decode()
    assert not Import.objects.exists()


def test_a_file_with_nothing_to_change_says_so_and_offers_no_import(world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(world.users["officer"])
    export = client.get(reverse("imports-export", args=[world.province.pk]))
    path = tmp_path / "xuat.xlsx"
    path.write_bytes(b"".join(export.streaming_content))
    body = client.get(upload(client, world, path)["Location"]).content.decode()
    assert "Không có gì để nhập: hệ thống đã có mọi dòng hợp lệ của tệp đúng như trong tệp." in body
    assert "Giữ nguyên: <strong>6</strong>" in body and "Nhập 0 thay đổi" not in body


def test_a_dry_run_whose_file_was_lost_still_opens_and_asks_for_a_new_one(world, client, settings, tmp_path):
    # A database restored without its uploads folder (issue 16, item 9): the plan is in the database, the file is not.
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(world.users["officer"])
    upload(client, world, province_file(world, tmp_path / "tinh.xlsx"))
    run = Import.objects.get()
    run.file.storage.delete(str(run.file.name))
    assert client.get(reverse("imports-detail", args=[run.pk])).status_code == 200
    data = {"digest": run.report["digest"], "skip_refused": "on"}
    response = client.post(reverse("imports-confirm", args=[run.pk]), data)
    assert response.status_code == 400 and "Không còn tệp đã chạy thử: hãy chạy thử lại." in response.content.decode()
    assert not Unit.objects.filter(code="X9").exists()
