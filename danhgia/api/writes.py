"""The API's writes (docs/api.md): an import — the dry run, then confirmed or discarded — and a decision taken outside
the system, recorded. Each makes exactly the checks of its page, with the page's access helpers and forms, and calls
the page's service, which audits; every event a call records is marked `source = "api:<token id>"` (the rows an
import writes keep their «import:<id>», which leads back to the import and so to the token).

Only a token made to write calls them (`TokenAuth(write=True)`: any other is a 403 before anything is read); the rate
limit counts them like the reads; an answer is never stored by a cache (no ETag, `Cache-Control: no-store`).
A bad value is a 400 naming the field, with the page's Vietnamese message, and writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import wraps
from typing import TYPE_CHECKING, Annotated, Any

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Path as PathParam
from ninja import Status
from ninja.decorators import decorate_view

from danhgia.accounts.access import access_period, access_quota_group, refuse
from danhgia.api import schemas
from danhgia.api.api import (
    Digits,
    TokenAuth,
    UnknownParameter,
    _error,
    api,
    audit_read,
    only,
    owner,
    with_etag,
)
from danhgia.audit.services import source
from danhgia.imports import services as imports
from danhgia.imports.access import access_import, access_import_unit, import_roots, import_scope
from danhgia.imports.forms import ConfirmForm, UploadForm
from danhgia.lib.forms import MAX_ID, parse_id
from danhgia.lib.middleware import CONTROL
from danhgia.reviews import decisions
from danhgia.reviews.access import access_review
from danhgia.reviews.forms import RecordedDecisionForm
from danhgia.reviews.models import LEVEL_CHOICES, DecisionKind

if TYPE_CHECKING:
    from danhgia.imports.models import Import

WRITE = TokenAuth(write=True)
WRITE_ERRORS: dict[int, Any] = {
    400: schemas.BadRequest,
    401: schemas.Error,
    403: schemas.Error,
    404: schemas.Error,
    429: schemas.Error,
}
IMPORTS = "Nhập dữ liệu"
DECISIONS = "Quyết định xếp loại"


class Invalid(Exception):
    """A refused value: (the field as the API names it, the Vietnamese message), first the one `detail` repeats."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors or [("", _("Yêu cầu không hợp lệ."))]


@api.exception_handler(Invalid)
def _invalid(request: HttpRequest, exc: Exception) -> HttpResponse:
    assert isinstance(exc, Invalid)
    errors = [{"parameter": name, "message": message} for name, message in exc.errors]
    return _error(request, 400, exc.errors[0][1], errors=errors)


def refused(error: ValidationError | ErrorDict, names: Mapping[str, str] | None = None) -> Invalid:
    """A form's or a service's errors, each on the field the API names (`names`: the service's name → the API's)."""
    names = names or {}
    if isinstance(error, ValidationError):
        by_field = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    else:
        by_field = {name: [str(m) for m in messages] for name, messages in error.items()}
    errors = []
    for name, messages in by_field.items():
        shown = names.get(name, "" if name == "__all__" else name)
        errors += [(shown, str(message)) for message in messages]
    return Invalid(errors)


def no_store(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A write's answer, errors included, is the caller's alone and never replayed: no cache keeps it."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = run(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        patch_vary_headers(response, ["Authorization", "Accept-Language"])
        return response

    return wrapper


def via(request: HttpRequest) -> str:
    """The audit source of the call: which token wrote (the reads name it as their event's target)."""
    return f"api:{request.auth.pk}"  # type: ignore[attr-defined]


def fields(request: HttpRequest, *names: str) -> None:
    """Refuse a field the endpoint does not read, as `only` refuses a query parameter: «skip_refuse» silently
    ignored would import nothing and say why only later."""
    only(request)
    for name in [*request.POST, *request.FILES]:
        if name not in names:
            raise UnknownParameter(name)


def json_or_form(request: HttpRequest, *names: str) -> QueryDict | dict[str, Any]:
    """The body as a JSON object (`application/json`) or as form fields, with only `names` in it."""
    if request.content_type != "application/json":
        fields(request, *names)
        return request.POST
    only(request)
    try:
        data = json.loads(request.body or b"{}")
    except RequestDataTooBig:  # over DATA_UPLOAD_MAX_MEMORY_SIZE, as a form would be
        raise Invalid([]) from None
    except (ValueError, RecursionError):  # not JSON; nested deeper than Python's stack
        data = None
    if not isinstance(data, dict):
        raise Invalid([("", _("Nội dung yêu cầu phải là một đối tượng JSON."))])
    for name, value in data.items():
        for text in [name, value] if isinstance(value, str) else [name]:
            if not _writable(text):  # a lone surrogate «\ud800» cannot even be written back in an error
                raise Invalid([])
            if CONTROL.search(text):  # as lib/middleware.py refuses it in a form
                shown = CONTROL.sub("?", name[:40])
                raise Invalid([(shown, _("Tham số «%(name)s» chứa ký tự điều khiển.") % {"name": shown})])
        if name not in names:
            raise UnknownParameter(name)
    return data


def _writable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _form_body(properties: dict[str, Any], required: list[str], media: tuple[str, ...]) -> dict[str, Any]:
    body = {"type": "object", "properties": properties, "required": required, "additionalProperties": False}
    return {"requestBody": {"required": True, "content": {m: {"schema": body} for m in media}}}


MULTIPART = ("multipart/form-data",)
FILE = {"type": "string", "format": "binary"}
# A form value with a control character is a 400 before anything else (lib/middleware.py): the schema says so.
TEXT = {"type": "string", "pattern": f"^[^{CONTROL.pattern[1:-1]}]*$"}
AnId = Annotated[int, Digits]


# ------------------------------------------------------------------------------------------------ imports


def _counts(counts: Mapping[str, int]) -> dict[str, int]:
    return {key: int(counts.get(key, 0)) for key in ("created", "updated", "unchanged", "refused")}


def _import(request: HttpRequest, run: Import) -> dict[str, Any]:
    """The import as its page shows it: counts and, row by row, what was refused and why; the rows to create or
    change are on the page (a province's plan is some 75,000 of them)."""
    sheets = []
    totals = dict.fromkeys(("created", "updated", "unchanged", "refused"), 0)
    for sheet in run.report.get("sheets", []):
        counts = _counts(run.counts.get(sheet["sheet"], {}))
        for key, value in counts.items():
            totals[key] += value
        sheets.append(
            {
                "sheet": sheet["sheet"],
                "kind": sheet["kind"],
                "counts": counts,
                "refused": sheet.get("refused", []),
                "warnings": sheet.get("warnings", []),
                "absent": sheet.get("absent", []),
            }
        )
    return {
        "id": run.pk,
        "status": run.status,
        "scope_id": run.scope_id,
        "file_name": run.file_name,
        "sha256": run.sha256,
        "size": run.size,
        "created_at": run.created_at,
        "applied_at": run.applied_at,
        "skip_refused": run.skip_refused,
        "digest": run.report.get("digest", ""),
        "counts": totals,
        "sheets": sheets,
        "page": request.build_absolute_uri(reverse("imports-detail", args=[run.pk])),
    }


IMPORT_ID = PathParam(..., ge=1, le=MAX_ID)


@api.post(
    "/imports/",
    auth=WRITE,
    summary="Chạy thử nhập dữ liệu từ tệp",
    response={201: schemas.ImportOut, **WRITE_ERRORS},
    tags=[IMPORTS],
    openapi_extra=_form_body(
        {
            "scope": {"type": "integer", "minimum": 1, "description": "Đơn vị nhập vào (như ô «Nhập vào» của trang)"},
            "file": {**FILE, "description": "Tệp Excel (.xlsx) hoặc CSV theo mẫu của DanhGia"},
        },
        ["scope", "file"],
        MULTIPART,
    ),
)
@decorate_view(no_store)
def import_create(request: HttpRequest, response: HttpResponse) -> Status[dict[str, Any]]:
    """Đọc tệp và lập kết quả chạy thử (thêm, sửa, giữ nguyên, từ chối từng dòng); chưa ghi gì ngoài lần nhập này.
    Ai được nhập và vào đâu như trang «Nhập dữ liệu»: người sửa được cả cây tổ chức và hồ sơ đảng viên của đơn vị."""
    fields(request, "scope", "file")
    user = owner(request)
    with source(via(request)):
        if import_scope(user).empty:
            refuse(user, None, not_found=False)
        wanted = parse_id(request.POST.get("scope"))
        if wanted is not None:
            access_import_unit(user, wanted)  # outside the scope: 404 (403 when seen), audited, as the page
        form = UploadForm(request.POST, request.FILES, roots=import_roots(user))
        if not form.is_valid():
            raise refused(form.errors)
        unit = access_import_unit(user, form.cleaned_data["scope"].pk)
        try:
            run = imports.import_plan_upload(upload=form.cleaned_data["file"], actor=user, scope=unit)
        except ValidationError as error:
            raise refused(error) from error
    response["Location"] = reverse("api-v1:import_detail", args=[run.pk])
    return Status(201, _import(request, run))


@api.get(
    "/imports/{import_id}/",
    summary="Một lần nhập dữ liệu: trạng thái, số dòng, các dòng bị từ chối",
    response={200: schemas.ImportOut, 304: None, **WRITE_ERRORS},
    tags=[IMPORTS],
)
@decorate_view(with_etag)
def import_detail(request: HttpRequest, import_id: AnId = IMPORT_ID) -> dict[str, Any]:
    """Đọc được bằng mã chỉ đọc; ai được xem như trang của lần nhập (người được nhập vào đơn vị đó)."""
    only(request)
    run = access_import(owner(request), import_id)
    shown = _import(request, run)
    rows = sum(len(s["refused"]) + len(s["absent"]) for s in shown["sheets"])
    audit_read(request, rows, run.scope)  # refused values and absent members are personal data
    return shown


CONFIRM = _form_body(
    {
        "digest": {**TEXT, "description": "«digest» của kết quả chạy thử đã đọc"},
        "skip_refused": {"type": "boolean", "description": "Nhập các dòng hợp lệ, bỏ qua các dòng bị từ chối"},
    },
    ["digest"],
    ("application/json", "application/x-www-form-urlencoded"),
)


@api.post(
    "/imports/{import_id}/apply/",
    auth=WRITE,
    summary="Xác nhận nhập dữ liệu đã chạy thử",
    response={200: schemas.ImportOut, **WRITE_ERRORS},
    tags=[IMPORTS],
    openapi_extra=CONFIRM,
)
@decorate_view(no_store)
def import_confirm(request: HttpRequest, import_id: AnId = IMPORT_ID) -> dict[str, Any]:
    """Ghi cả lần nhập trong một giao dịch, hoặc không ghi gì: chạy thử lại và chỉ ghi khi kết quả vẫn đúng như
    «digest» đã đọc; có dòng bị từ chối thì chỉ nhập khi «skip_refused» là true."""
    data = json_or_form(request, "digest", "skip_refused")
    if not isinstance(data, QueryDict) and not isinstance(data.get("skip_refused", False), bool):
        raise Invalid([("skip_refused", _("«skip_refused» phải là true hoặc false."))])
    user = owner(request)
    with source(via(request)):
        run = access_import(user, import_id)
        form = ConfirmForm(data)
        if not form.is_valid():
            raise refused(form.errors)
        try:
            run = imports.import_apply(
                run=run,
                actor=user,
                digest=form.cleaned_data["digest"],
                skip_refused=form.cleaned_data["skip_refused"],
            )
        except ValidationError as error:
            raise refused(error) from error
    return _import(request, run)


@api.post(
    "/imports/{import_id}/discard/",
    auth=WRITE,
    summary="Hủy lần nhập đã chạy thử",
    response={200: schemas.ImportOut, **WRITE_ERRORS},
    tags=[IMPORTS],
)
@decorate_view(no_store)
def import_drop(request: HttpRequest, import_id: AnId = IMPORT_ID) -> dict[str, Any]:
    """Hủy lần chạy thử: không ghi gì, và không xác nhận được nữa."""
    fields(request)
    user = owner(request)
    with source(via(request)):
        run = access_import(user, import_id)
        try:
            run = imports.import_discard(run=run, actor=user)
        except ValidationError as error:
            raise refused(error) from error
    return _import(request, run)


# ------------------------------------------------------------------------------------------------ decisions

DECISION_FIELDS = ("level", "number", "signed_on", "signer", "reason", "scan")
REVIEW_ID = PathParam(..., ge=1, le=MAX_ID)


@api.post(
    "/reviews/{review_id}/decision/",
    auth=WRITE,
    summary="Ghi nhận quyết định xếp loại của cấp có thẩm quyền",
    response={201: schemas.DecisionOut, **WRITE_ERRORS},
    tags=[DECISIONS],
    openapi_extra=_form_body(
        {
            "level": {"type": "string", "enum": [code for code, _label in LEVEL_CHOICES]},
            "number": {**TEXT, "maxLength": 60, "description": "Số quyết định, ví dụ 125-QĐ/ĐU"},
            "signed_on": {"type": "string", "format": "date", "description": "Ngày ký (YYYY-MM-DD hoặc DD/MM/YYYY)"},
            "signer": {**TEXT, "maxLength": 120, "description": "Người ký"},
            "reason": {**TEXT, "description": "Lý do (cần khi quy định hoặc mức tự đánh giá đòi hỏi)"},
            "scan": {**FILE, "description": "Bản quét quyết định (PDF, ảnh, Word, …)"},
        },
        ["level", "number", "signed_on", "signer"],
        MULTIPART,
    ),
)
@decorate_view(no_store)
def review_decision(request: HttpRequest, review_id: AnId = REVIEW_ID) -> Status[dict[str, Any]]:
    """Ghi một quyết định đã ký ngoài hệ thống (số, ngày ký, người ký, bản quét) như trang quyết định xếp loại:
    chỉ cấp có thẩm quyền quyết định bản kiểm điểm này, với đúng các kiểm tra về tỷ lệ, người đứng đầu và lý do."""
    fields(request, *DECISION_FIELDS)
    user = owner(request)
    with source(via(request)):
        # The decision page's checks: the period, the quota group, and that the user decides the review's authority.
        review = access_review(user, review_id, action="decide")
        access_period(user, review.period_id)
        if review.quota_group_id is not None:
            access_quota_group(user, review.quota_group_id)
        # The page's form, its file field named as the page names it.
        files = MultiValueDict({"attachment": request.FILES.getlist("scan")}) if "scan" in request.FILES else None
        recorded = RecordedDecisionForm(request.POST, files)
        if not recorded.is_valid():
            raise refused(recorded.errors, {"attachment": "scan"})
        level = request.POST.get("level", "")
        names = {
            "levels": "level",
            f"level_{review.pk}": "level",
            f"reason_{review.pk}": "reason",
            "attachment": "scan",
        }
        try:
            # The page's call: the service locks the review's quota group and checks the level against the whole.
            [made] = decisions.decide(
                reviews=[review],
                levels={review.pk: level},
                reasons={review.pk: request.POST.get("reason", "")},
                actor=user,
                kind=DecisionKind.RECORDED,
                number=recorded.cleaned_data["number"],
                signed_on=recorded.cleaned_data["signed_on"],
                signer=recorded.cleaned_data["signer"],
                attachment=recorded.cleaned_data.get("attachment"),
            )
        except ValidationError as error:
            raise refused(error, names) from error
    return Status(
        201,
        {
            "review_id": review.pk,
            "decision_id": made.pk,
            "kind": made.kind,
            "level": made.level,
            "number": made.number,
            "signed_on": made.signed_on,
            "signer": made.signer,
            "reason": made.reason,
            "has_scan": bool(made.attachment),
            "state": made.review.state,
        },
    )
