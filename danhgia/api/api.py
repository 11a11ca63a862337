"""The JSON API under /api/v1/ (docs/api.md): token-authenticated, within the token owner's scope. The reads are
here; the writes (an import, a recorded decision) are in writes.py, on the same `api`.

Every answer is JSON, errors included, with a Vietnamese `detail`. A bad parameter is a 400 naming it; a row
outside the owner's scope is a 404, as on the pages (its existence does not leak), and the refusal is audited.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import time
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Annotated, Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Query
from ninja.decorators import decorate_view
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer
from pydantic import BeforeValidator

from danhgia.accounts.access import access_period, access_unit, visible_person_ids
from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import scope_for
from danhgia.api import schemas, selectors
from danhgia.api.models import ApiToken
from danhgia.api.services import token_authenticate
from danhgia.audit.models import Action
from danhgia.audit.services import record
from danhgia.lib.forms import MAX_ID  # the largest id a BigAutoField holds: anything above is a 400

if TYPE_CHECKING:
    from danhgia.accounts.models import User
    from danhgia.orgs.models import Unit

logger = logging.getLogger(__name__)

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


def _ascii_digits(value: object) -> object:
    # Python's int() reads «١٢٣» and «1_000»; an id in a URL is plain ASCII digits or it is a mistake.
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{1,19}", value):
        raise ValueError("not an id")
    return value


Digits = BeforeValidator(_ascii_digits)


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after


class ReadOnlyToken(Exception):
    """A token made without «Cho phép ghi dữ liệu» calling a write endpoint."""


class TokenAuth(HttpBearer):
    """`Authorization: Bearer dg_…`. A session cookie is not accepted: a page's session cannot call the API (a
    forged cross-site request carries the cookie, never the token), and the API never reads request.user.

    `write`: the endpoint writes, and only a token made to write may call it (`ApiToken.can_write`); the call is
    counted against the rate limit before it is refused, like any other."""

    def __init__(self, *, write: bool = False) -> None:
        super().__init__()
        self.write = write

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = token_authenticate(token.strip())
        if found is not None:
            _count_call(found)
            if self.write and not found.can_write:
                raise ReadOnlyToken
        return found


def _count_call(token: ApiToken) -> None:
    """A fixed one-minute window per token in Django's cache (shared by the workers when it is Redis)."""
    limit = settings.DANHGIA_API_RATE_PER_MINUTE
    now = time.time()
    window = int(now // 60)
    key = f"danhgia-api-rate:{token.pk}:{window}"
    cache.add(key, 0, timeout=90)
    try:
        calls = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        calls = 1
    if calls > limit:
        raise RateLimited(retry_after=max(1, math.ceil((window + 1) * 60 - now)))


class Utf8JSONRenderer(JSONRenderer):
    # Vietnamese names as written, not as \u escapes: half the bytes, and readable in curl.
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="DanhGia API",
    version="1",
    description=(
        "Đọc dữ liệu DanhGia (tổ chức, đảng viên, kỳ đánh giá, kết quả kiểm điểm) bằng mã truy cập cá nhân, "
        "trong đúng phạm vi và quyền của người tạo mã; với mã được ghi: nhập dữ liệu từ tệp (chạy thử rồi xác "
        "nhận) và ghi nhận quyết định của cấp có thẩm quyền. Hướng dẫn: docs/api.md."
    ),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # The schema and its page describe the API, not data, but like every page they need a logged-in user.
    docs_decorator=login_required,
    auth=TokenAuth(),
    renderer=Utf8JSONRenderer(),
)


def _error(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = _error(request, 401, _("Thiếu mã truy cập, hoặc mã không đúng, đã hết hạn hay đã bị thu hồi."))
    response["WWW-Authenticate"] = 'Bearer realm="danhgia"'
    return response


def _parameter_message(name: str) -> str:
    if name == "limit":
        return _("Tham số «limit» phải là số nguyên từ 1 đến %(max)d.") % {"max": MAX_LIMIT}
    return _("Tham số «%(name)s» phải là một mã số (số nguyên dương, chữ số 0–9).") % {"name": name}


@api.exception_handler(NinjaValidationError)
def _bad_parameters(request: HttpRequest, exc: Exception) -> HttpResponse:
    assert isinstance(exc, NinjaValidationError)
    names = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ())]
        name = loc[1] if len(loc) > 1 else (loc[0] if loc else "?")
        if name not in names:
            names.append(name)
    errors = [{"parameter": name, "message": _parameter_message(name)} for name in names]
    return _error(request, 400, errors[0]["message"] if errors else _("Yêu cầu không hợp lệ."), errors=errors)


class UnknownParameter(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


@api.exception_handler(UnknownParameter)
def _unknown_parameter(request: HttpRequest, exc: Exception) -> HttpResponse:
    assert isinstance(exc, UnknownParameter)
    message = _("Tham số «%(name)s» không được hỗ trợ ở địa chỉ này.") % {"name": exc.name[:40]}
    return _error(request, 400, message, errors=[{"parameter": exc.name[:40], "message": message}])


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, _("Không tìm thấy hoặc không thuộc phạm vi của bạn."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, _("Bạn không có quyền thực hiện thao tác này."))


@api.exception_handler(ReadOnlyToken)
def _read_only(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(
        request,
        403,
        _("Mã truy cập này chỉ được đọc dữ liệu. Để ghi, hãy tạo mã có chọn «Cho phép ghi dữ liệu»."),
    )


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: Exception) -> HttpResponse:
    assert isinstance(exc, RateLimited)
    response = _error(
        request,
        429,
        _("Mã truy cập này đã gọi quá %(limit)d lần trong một phút. Hãy thử lại sau %(seconds)d giây.")
        % {"limit": settings.DANHGIA_API_RATE_PER_MINUTE, "seconds": exc.retry_after},
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    assert isinstance(exc, HttpError)
    return _error(request, exc.status_code, _("Yêu cầu không hợp lệ."))


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s", request.path)
    return _error(request, 500, _("Lỗi máy chủ. Sự cố đã được ghi lại, xin thử lại sau."))


def with_etag(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ETag on every successful answer (a hash of its bytes) and 304 when If-None-Match already has it."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = run(request, *args, **kwargs)
        # The answer depends on whose token asked: no shared cache may hand it to another client.
        response["Cache-Control"] = "private, no-cache"
        patch_vary_headers(response, ["Authorization", "Accept-Language"])
        if response.status_code != 200:
            return response
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        response["ETag"] = etag
        conditional = get_conditional_response(request, etag=etag, response=response)
        if conditional is not None and conditional is not response:
            return conditional  # 304: nothing sent that the client did not hold, so no read to audit
        pending = getattr(request, "_danhgia_api_read", None)
        if pending is not None:
            record(**pending)
        return response

    return wrapper


def only(request: HttpRequest, *names: str) -> None:
    """Refuse a parameter this address does not read: «updated_since» silently ignored would resync everything."""
    for name in request.GET:
        if name not in names:
            raise UnknownParameter(name)


def owner(request: HttpRequest) -> User:
    token = request.auth  # type: ignore[attr-defined]
    assert isinstance(token, ApiToken)
    return token.user


def page(request: HttpRequest, rows: list[Any], limit: int, key: Callable[[Any], int]) -> tuple[list[Any], str | None]:
    """The first `limit` of `rows` (fetched as limit + 1) and the address of the next page, or None."""
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    params = request.GET.copy()
    params["after_id"] = str(key(rows[-1]))
    return rows, request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def audit_read(request: HttpRequest, count: int, within: Unit | None, scope_path: str = "") -> None:
    """An API read of personal data: which address and how many rows, never what they hold (Decree 13/2023).
    Recorded by `with_etag` once the answer is sent whole (a 304 sends nothing the client did not hold)."""
    token = request.auth  # type: ignore[attr-defined]
    new: dict[str, Any] = {"endpoint": request.path, "count": count}
    if within is not None:
        new["unit"] = within.pk
    request._danhgia_api_read = {  # type: ignore[attr-defined]
        "actor": token.user,
        "action": Action.API_READ,
        "target": token,
        "scope_path": within.path if within is not None else scope_path,
        "new": new,
    }


Limit = Annotated[int, Digits]
AnId = Annotated[int, Digits]
LIMIT = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Số dòng mỗi trang, tối đa {MAX_LIMIT}")
AFTER_ID = Query(0, ge=0, le=MAX_ID, description="Chỉ các dòng có mã lớn hơn (trang sau, đồng bộ tăng dần)")
UNIT = Query(None, ge=1, le=MAX_ID, description="Chỉ trong cây con của đơn vị này")
ERRORS: dict[int, Any] = {
    304: None,
    400: schemas.BadRequest,
    401: schemas.Error,
    404: schemas.Error,
    429: schemas.Error,
}


def _within(user: User, unit_id: int | None) -> Unit | None:
    return access_unit(user, unit_id) if unit_id is not None else None


@api.get("/units/", summary="Danh sách tổ chức, đơn vị", response={200: schemas.UnitPage, **ERRORS}, tags=["Tổ chức"])
@decorate_view(with_etag)
def units(
    request: HttpRequest,
    limit: Limit = LIMIT,
    after_id: AnId = AFTER_ID,
    unit: Annotated[int | None, Digits] = UNIT,
) -> dict[str, Any]:
    """Tổ chức, đơn vị trong phạm vi xem cây tổ chức của người tạo mã, theo mã tăng dần."""
    only(request, "limit", "after_id", "unit")
    user = owner(request)
    rows = list(selectors.api_units(user, within=_within(user, unit)).filter(pk__gt=after_id)[: limit + 1])
    shown, next_url = page(request, rows, limit, key=lambda u: u.pk)
    return {"items": [_unit(u) for u in shown], "next": next_url}


@api.get(
    "/units/{unit_id}/", summary="Một tổ chức, đơn vị", response={200: schemas.UnitOut, **ERRORS}, tags=["Tổ chức"]
)
@decorate_view(with_etag)
def unit_detail(request: HttpRequest, unit_id: Annotated[int, Digits] = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    """Một tổ chức, đơn vị; ngoài phạm vi thì 404."""
    only(request)
    return _unit(access_unit(owner(request), unit_id))


def _unit(unit: Unit) -> dict[str, Any]:
    return {
        "id": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "locality": unit.locality,
        "is_grassroots": unit.is_grassroots,
        "parent_id": unit.parent_id,
        "collective_name": unit.collective_name,
        "founded_on": unit.founded_on,
        "dissolved_on": unit.dissolved_on,
    }


@api.get("/members/", summary="Danh sách đảng viên", response={200: schemas.MemberPage, **ERRORS}, tags=["Đảng viên"])
@decorate_view(with_etag)
def members(
    request: HttpRequest,
    limit: Limit = LIMIT,
    after_id: AnId = AFTER_ID,
    unit: Annotated[int | None, Digits] = UNIT,
) -> dict[str, Any]:
    """Đảng viên hiện sinh hoạt trong phạm vi xem hồ sơ của người tạo mã (và chính người đó), theo mã cá nhân
    tăng dần; `after_id` là mã cá nhân."""
    only(request, "limit", "after_id", "unit")
    user = owner(request)
    within = _within(user, unit)
    stays = selectors.api_members(user, within=within).filter(member__person_id__gt=after_id)
    rows = list(stays[: limit + 1])
    shown, next_url = page(request, rows, limit, key=lambda m: m.member.person_id)
    # The event is read by whoever oversees the owner's scope (the audit page filters by scope_path).
    roots = scope_for(user, Perm.PEOPLE_VIEW).roots
    audit_read(request, len(shown), within, scope_path=roots[0] if len(roots) == 1 else "")
    return {"items": [_member(m) for m in shown], "next": next_url}


def _member(stay: Any) -> dict[str, Any]:
    member = stay.member
    person = member.person
    return {
        "person_id": person.pk,
        "full_name": person.full_name,
        "family_name": person.family_name,
        "middle_name": person.middle_name,
        "given_name": person.given_name,
        "birth_date": person.birth_date,
        "gender": person.gender,
        "card_number": member.card_number,
        "admitted_on": member.admitted_on,
        "official_on": member.official_on,
        "status": stay.status,
        "cell_id": stay.unit_id,
        "in_cell_since": stay.valid_from,
    }


@api.get(
    "/periods/", summary="Danh sách kỳ đánh giá", response={200: schemas.PeriodPage, **ERRORS}, tags=["Kỳ đánh giá"]
)
@decorate_view(with_etag)
def periods(request: HttpRequest, limit: Limit = LIMIT, after_id: AnId = AFTER_ID) -> dict[str, Any]:
    """Kỳ đánh giá áp dụng cho phạm vi của người tạo mã, theo mã tăng dần."""
    only(request, "limit", "after_id")
    rows = list(selectors.api_periods(owner(request)).filter(pk__gt=after_id)[: limit + 1])
    shown, next_url = page(request, rows, limit, key=lambda p: p.pk)
    items = [
        {
            "id": p.pk,
            "name": p.name,
            "kind": p.kind,
            "year": p.year,
            "quarter": p.quarter,
            "regime": p.regime,
            "starts_on": p.starts_on,
            "ends_on": p.ends_on,
            "unit_id": p.unit_id,
            "status": p.status,
        }
        for p in shown
    ]
    return {"items": items, "next": next_url}


@api.get(
    "/periods/{period_id}/reviews/",
    summary="Kết quả kiểm điểm của một kỳ",
    response={200: schemas.ReviewPage, **ERRORS},
    tags=["Kỳ đánh giá"],
)
@decorate_view(with_etag)
def reviews(
    request: HttpRequest,
    period_id: Annotated[int, Digits] = Path(..., ge=1, le=MAX_ID),
    limit: Limit = LIMIT,
    after_id: AnId = AFTER_ID,
    unit: Annotated[int | None, Digits] = UNIT,
) -> dict[str, Any]:
    """Bản kiểm điểm của kỳ mà người tạo mã được xem: trạng thái, mức đề xuất, mức đã quyết định. Không có ý kiến
    của các nhóm lấy ý kiến (ẩn danh) nào, dưới hay trên ngưỡng."""
    only(request, "limit", "after_id", "unit")
    user = owner(request)
    period = access_period(user, period_id)
    within = _within(user, unit)
    rows = list(selectors.api_reviews(user, period, within=within).filter(pk__gt=after_id)[: limit + 1])
    shown, next_url = page(request, rows, limit, key=lambda r: r.pk)
    named = visible_person_ids(user, {r.person_id for r in shown if r.person_id})
    items = []
    for review in shown:
        hidden = review.person_id is not None and review.person_id not in named
        if hidden:
            review.hide_subject_name()  # as the decision pages do
        decision = review.decision
        items.append(
            {
                "id": review.pk,
                "kind": review.kind,
                "person_id": None if hidden else review.person_id,
                "unit_id": review.unit_id,
                "subject_name": review.subject_name,
                "context_id": review.context_id,
                "authority_id": review.authority_id,
                "state": review.state,
                "proposed_level": review.proposed_level,
                "decided_level": decision.level if decision else "",
                "decision_number": decision.number if decision else "",
                "decision_signed_on": decision.signed_on if decision else None,
            }
        )
    audit_read(request, len(shown), within, scope_path=period.unit.path)
    return {"items": items, "next": next_url}


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other address under /api/: a JSON 404, not the HTML page; an endpoint's address without its final slash
    is redirected to it, as Django's APPEND_SLASH does for the pages (this catch-all would otherwise shadow it)."""
    if not request.path.endswith("/"):
        match = resolve_or_none(request.path + "/")
        if match is not None and match.func is not not_found:
            target = request.path + "/" + (f"?{request.GET.urlencode()}" if request.GET else "")
            if request.method in {"GET", "HEAD"}:
                return HttpResponsePermanentRedirect(target)
            # A 301 turns a POST into a GET in every client; 308 keeps the method and the body.
            moved = HttpResponse(status=308)
            moved["Location"] = target
            return moved
    return JsonResponse(
        {"detail": _("Không có địa chỉ này trong API.")}, status=404, json_dumps_params={"ensure_ascii": False}
    )


def resolve_or_none(path: str) -> ResolverMatch | None:
    try:
        return resolve(path)
    except Resolver404:
        return None


# The write endpoints register themselves on `api` (writes.py imports this module, which is complete by now).
from danhgia.api import writes  # noqa: E402, F401
