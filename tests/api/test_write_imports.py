"""Importing through the API: the page's dry run → confirm flow, the page's checks, with a token made to write."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from danhgia.accounts.models import Role
from danhgia.api.models import ApiToken
from danhgia.audit.models import Action, AuditEvent
from danhgia.imports.models import Import, ImportStatus
from danhgia.orgs.models import Unit
from danhgia.people.models import PartyMember
from tests.conftest import make_user
from tests.imports.test_views import province_file

URL = "/api/v1/imports/"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def upload(path, name=None):
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def test_the_dry_run_then_the_import(world, token_of, post, call, media):
    raw = token_of(world.users["officer"], write=True)
    token = ApiToken.objects.get(user=world.users["officer"])
    path = province_file(world, media / "tinh.xlsx")
    response = post(raw, URL, {"scope": world.province.pk, "file": upload(path)})
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store" and "ETag" not in response
    body = response.json()
    run = Import.objects.get()
    assert response["Location"] == f"/api/v1/imports/{run.pk}/"
    assert body["id"] == run.pk and body["status"] == "planned" and body["scope_id"] == world.province.pk
    assert body["digest"] == run.report["digest"] and body["file_name"] == "tinh.xlsx"
    assert body["counts"] == {"created": 3, "updated": 0, "unchanged": 1, "refused": 1}
    [refusal] = [r for sheet in body["sheets"] for r in sheet["refused"]]
    assert refusal == {
        "sheet": "Đơn vị",
        "row": 5,
        "column": "Mã đơn vị cấp trên",
        "value": "X7",
        "reason": "Không có đơn vị mã «X7» trong tệp hay trong phạm vi.",
    }
    assert body["page"] == f"http://testserver/nhap-du-lieu/{run.pk}/"
    assert not Unit.objects.filter(code="X9").exists()  # a dry run
    planned = AuditEvent.objects.get(action=Action.IMPORT_PLANNED)
    assert planned.source == f"api:{token.pk}" and planned.actor_id == world.users["officer"].pk

    # The import's page, read back: an audited read, with an ETag like every read.
    again = call(raw, f"/api/v1/imports/{run.pk}/")
    assert again.status_code == 200 and again.json() == body and again["ETag"]
    read = AuditEvent.objects.get(action=Action.API_READ)
    absent = sum(len(sheet["absent"]) for sheet in body["sheets"])  # in the province, not in the file: never deleted
    assert absent and "Nguyễn Văn An (Chi bộ Xóm Đồng)" in body["sheets"][1]["absent"]
    assert read.new == {"endpoint": f"/api/v1/imports/{run.pk}/", "count": 1 + absent, "unit": world.province.pk}
    assert "Nguyễn" not in str(read.new)

    # Refused rows stop the import unless the caller says to skip them; said, the rest is written.
    apply = f"/api/v1/imports/{run.pk}/apply/"
    stopped = post(raw, apply, json={"digest": body["digest"]})
    assert stopped.status_code == 400
    assert stopped.json()["errors"][0]["parameter"] == "skip_refused"
    assert "dòng bị từ chối" in stopped.json()["detail"]
    assert not Unit.objects.filter(code="X9").exists()
    done = post(raw, apply, json={"digest": body["digest"], "skip_refused": True})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "applied" and done.json()["skip_refused"] and done.json()["applied_at"]
    assert done["Cache-Control"] == "no-store"
    assert Unit.objects.get(code="C9").parent.code == "X9"
    assert PartyMember.objects.get(card_number="17999999").person.full_name == "Phan Văn Tới"
    applied = AuditEvent.objects.get(action=Action.IMPORT_APPLIED)
    assert applied.source == f"api:{token.pk}"
    # Each row the import wrote is the import's (and so, through it, the token's).
    created = AuditEvent.objects.get(action=Action.UNIT_CREATED, target_label__contains="Chi bộ Thôn Mới")
    assert created.source == f"import:{run.pk}"
    # Applied once: a second time is refused, naming the state.
    twice = post(raw, apply, json={"digest": body["digest"], "skip_refused": True})
    assert twice.status_code == 400 and twice.json()["errors"][0]["parameter"] == "status"


def test_confirming_as_a_form_and_discarding(world, token_of, post, media):
    raw = token_of(world.users["officer"], write=True)
    path = province_file(world, media / "tinh.xlsx")
    run_id = post(raw, URL, {"scope": world.province.pk, "file": upload(path)}).json()["id"]
    discarded = post(raw, f"/api/v1/imports/{run_id}/discard/")
    assert discarded.status_code == 200 and discarded.json()["status"] == "discarded"
    assert AuditEvent.objects.filter(action=Action.IMPORT_DISCARDED, source__startswith="api:").exists()
    digest = Import.objects.get().report["digest"]
    # The confirmation as form fields (curl -d) reads as the page's form; a discarded import cannot be confirmed.
    response = post(raw, f"/api/v1/imports/{run_id}/apply/", {"digest": digest, "skip_refused": "true"})
    assert response.status_code == 400 and "đã hủy" in response.json()["detail"]
    assert not Unit.objects.filter(code="X9").exists()
    assert post(raw, f"/api/v1/imports/{run_id}/discard/").status_code == 400


def test_a_wrong_digest_writes_nothing(world, token_of, post, media):
    raw = token_of(world.users["officer"], write=True)
    path = province_file(world, media / "tinh.xlsx")
    run_id = post(raw, URL, {"scope": world.province.pk, "file": upload(path)}).json()["id"]
    for digest in ["0" * 64, "", 12]:
        response = post(raw, f"/api/v1/imports/{run_id}/apply/", json={"digest": digest, "skip_refused": True})
        assert response.status_code == 400, digest
        assert response.json()["errors"][0]["parameter"] == "digest", digest
    assert "Dữ liệu đã thay đổi từ khi chạy thử" in response.json()["detail"]
    assert Import.objects.get().status == ImportStatus.PLANNED and not Unit.objects.filter(code="X9").exists()
    assert not AuditEvent.objects.filter(action=Action.IMPORT_APPLIED).exists()


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({"skip_refused": True}, "digest"),
        ({"digest": "x", "skip_refused": "có"}, "skip_refused"),
        ({"digest": "x", "skip_refuse": True}, "skip_refuse"),
        ([], ""),
    ],
)
def test_a_bad_confirmation_names_the_field(world, token_of, post, media, body, parameter):
    raw = token_of(world.users["officer"], write=True)
    path = province_file(world, media / "tinh.xlsx")
    run_id = post(raw, URL, {"scope": world.province.pk, "file": upload(path)}).json()["id"]
    response = post(raw, f"/api/v1/imports/{run_id}/apply/", json=body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == parameter
    assert Import.objects.get().status == ImportStatus.PLANNED


def test_bad_files_get_the_pages_vietnamese_errors_and_nothing_is_kept(world, token_of, post, media, settings):
    raw = token_of(world.users["officer"], write=True)
    fake = media / "danh-sach.xlsx"
    fake.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    response = post(raw, URL, {"scope": world.province.pk, "file": upload(fake)})
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == [{"parameter": "file", "message": body["detail"]}]
    assert body["detail"].startswith("Đây là tệp PDF, không đọc được số liệu trong đó")
    # Missing fields, each named.
    missing = post(raw, URL, {"scope": world.province.pk}).json()
    assert [e["parameter"] for e in missing["errors"]] == ["file"]
    missing = post(raw, URL, {"file": upload(fake)}).json()
    assert [e["parameter"] for e in missing["errors"]] == ["scope"]
    unknown = post(raw, URL, {"scope": world.province.pk, "file": upload(fake), "kind": "units"})
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["parameter"] == "kind"
    # The page's size limit.
    settings.DANHGIA_IMPORT_MAX_MB = 0
    path = province_file(world, media / "tinh.xlsx")
    large = post(raw, URL, {"scope": world.province.pk, "file": upload(path)}).json()
    assert large["errors"] == [{"parameter": "file", "message": "Tệp lớn hơn giới hạn 0 MB."}]
    assert not Import.objects.exists()
    assert not [f for f in media.glob("media/**/*") if f.is_file()]  # no file kept either


def test_the_pages_scope_a_commune_officer_imports_into_the_commune_only(world, token_of, post, call, media):
    officer_a = make_user("bantochuc.xa.a", Role.OFFICER, world.commune_a)
    raw = token_of(officer_a, write=True)
    path = province_file(world, media / "tinh.xlsx")
    # Outside the scope: not found, and the refusal audited (as the page); a unit they see but may not import into
    # does not exist above them.
    outside = post(raw, URL, {"scope": world.commune_b.pk, "file": upload(path)})
    assert outside.status_code == 404
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, target_id=str(world.commune_b.pk)).exists()
    assert post(raw, URL, {"scope": world.province.pk, "file": upload(path)}).status_code == 404
    # A unit inside the scope that is not one of the page's choices (the roots) is refused as the form refuses it.
    inner = post(raw, URL, {"scope": world.cell_a1.pk, "file": upload(path)})
    assert inner.status_code == 400 and inner.json()["errors"][0]["parameter"] == "scope"
    # Inside: every row outside the commune is refused by the plan, as on the page.
    mine = post(raw, URL, {"scope": world.commune_a.pk, "file": upload(path)})
    assert mine.status_code == 201
    assert mine.json()["counts"]["created"] == 0 and mine.json()["counts"]["refused"] >= 1
    # The officer of the province cannot be read by them, nor their imports.
    province_run = post(
        token_of(world.users["officer"], write=True), URL, {"scope": world.province.pk, "file": upload(path)}
    )
    run_id = province_run.json()["id"]
    assert call(raw, f"/api/v1/imports/{run_id}/").status_code == 404
    digest = province_run.json()["digest"]
    assert (
        post(raw, f"/api/v1/imports/{run_id}/apply/", json={"digest": digest, "skip_refused": True}).status_code == 404
    )
    assert post(raw, f"/api/v1/imports/{run_id}/discard/").status_code == 404
    assert Import.objects.get(pk=run_id).status == ImportStatus.PLANNED


@pytest.mark.parametrize("persona", ["secretary_a1", "committee_a", "member_a1", "inspector"])
def test_who_cannot_import_on_the_page_cannot_through_the_api(world, token_of, post, call, media, persona):
    raw = token_of(world.users[persona], write=True)
    path = province_file(world, media / "tinh.xlsx")
    response = post(raw, URL, {"scope": world.cell_a1.pk, "file": upload(path)})
    assert response.status_code == 403
    assert response.json()["detail"] == "Bạn không có quyền thực hiện thao tác này."
    assert not Import.objects.exists()


def test_a_read_only_token_cannot_write_but_reads_the_import(world, token_of, post, call, media):
    officer = world.users["officer"]
    writer, reader = token_of(officer, write=True), token_of(officer)
    path = province_file(world, media / "tinh.xlsx")
    refused = post(reader, URL, {"scope": world.province.pk, "file": upload(path)})
    assert refused.status_code == 403 and "chỉ được đọc" in refused.json()["detail"]
    assert not Import.objects.exists()
    body = post(writer, URL, {"scope": world.province.pk, "file": upload(path)}).json()
    apply = f"/api/v1/imports/{body['id']}/apply/"
    assert post(reader, apply, json={"digest": body["digest"], "skip_refused": True}).status_code == 403
    assert post(reader, f"/api/v1/imports/{body['id']}/discard/").status_code == 403
    assert call(reader, f"/api/v1/imports/{body['id']}/").status_code == 200
    assert Import.objects.get().status == ImportStatus.PLANNED


def test_a_session_is_not_accepted_for_a_write(world, client, media):
    client.force_login(world.users["officer"])
    path = province_file(world, media / "tinh.xlsx")
    response = client.post(URL, {"scope": world.province.pk, "file": upload(path)})
    assert response.status_code == 401 and response.json()["detail"]
    assert not Import.objects.exists()


def test_a_write_without_its_final_slash_keeps_its_method(world, token_of, post):
    response = post(token_of(world.users["officer"], write=True), "/api/v1/imports")
    assert response.status_code == 308 and response["Location"] == "/api/v1/imports/"


def test_a_body_django_cannot_parse_is_a_json_400(world, token_of, client):
    raw = token_of(world.users["officer"], write=True)
    response = client.post(URL, b"x", content_type="multipart/form-data", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Yêu cầu không hợp lệ.", "errors": []}


@pytest.mark.parametrize(
    "body",
    [
        b'{"\\ud800": 1}',  # a lone surrogate: not even writable in the error
        b'{"digest": "\\ud800"}',
        b"[" * 100_000 + b"]" * 100_000,  # deeper than Python's stack
        b"\xff\xfe",
        b'{"digest": 1e999}',
        b'{"digest": "a\\u0000b", "skip_refused": true}',  # a control character, as the forms refuse it
        b'{"x\\u0001": 1}',
        b"null",
    ],
)
def test_crafted_json_is_a_400_never_a_server_error(world, token_of, post, client, media, body):
    raw = token_of(world.users["officer"], write=True)
    path = province_file(world, media / "tinh.xlsx")
    run_id = post(raw, URL, {"scope": world.province.pk, "file": upload(path)}).json()["id"]
    response = client.post(
        f"/api/v1/imports/{run_id}/apply/", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 400 and response.json()["detail"]
    assert Import.objects.get().status == ImportStatus.PLANNED
