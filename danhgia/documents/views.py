"""Downloads of the forms, batch jobs with their progress, and the province's Word templates.

Each view: one access check (a review through access_review, a place through access_period + access_review_unit,
a batch through access_job), one service, a response. Every document handed out is audited
by the service that renders it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danhgia.accounts.access import access_period
from danhgia.documents import catalogue, contexts, engine, selectors, services
from danhgia.documents.access import access_job, access_template, access_template_unit
from danhgia.documents.forms import BatchForm, TemplateUploadForm
from danhgia.documents.models import JobState
from danhgia.documents.templatetags.documents import block_context
from danhgia.lib import files
from danhgia.lib.error_views import shows_unavailable
from danhgia.lib.forms import apply_errors
from danhgia.orgs.models import Unit
from danhgia.periods.models import Period
from danhgia.reviews.access import access_review, access_review_unit


def _file(data: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=services.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store"  # personal data: not kept by proxies or the browser's cache
    return response


def _download(
    request: HttpRequest, prepared: contexts.Prepared, fmt: str, target: Any, scope_path: str
) -> HttpResponse:
    data, _name = services.document_download(
        prepared=prepared,
        fmt=fmt,
        actor=request.user,  # type: ignore[arg-type]
        target=target,
        scope_path=scope_path,
    )
    return _file(data, fmt, f"{prepared.title}.{fmt}")


@shows_unavailable
def review_document(request: HttpRequest, review_id: int, kind: str, fmt: str) -> HttpResponse:
    """A review's form (self-review, collective report) or its notice of results, as Word or PDF."""
    review = access_review(request.user, review_id, action="content" if kind == "ban-kiem-diem" else "view")
    if kind == "ban-kiem-diem":
        prepared = contexts.review_documents([selectors.review_for_document(review)])[0]
    else:
        full = selectors.review_for_document(review)
        if full.decision is None:
            raise Http404(_("Chưa có quyết định xếp loại để thông báo."))
        prepared = contexts.notice_document([full], full.context, full.decision.authority, personal=True)
    return _download(request, prepared, fmt, review, review.context.path)


def _place(request: HttpRequest, period_id: int, unit_id: int) -> tuple[Period, Unit]:
    return access_period(request.user, period_id), access_review_unit(request.user, unit_id)


@shows_unavailable
def minutes_document(request: HttpRequest, period_id: int, unit_id: int, fmt: str) -> HttpResponse:
    period, unit = _place(request, period_id, unit_id)
    meeting = selectors.meeting_of(period, unit)
    if meeting is None:
        raise Http404(_("Chưa ghi nhận hội nghị kiểm điểm."))
    prepared = contexts.minutes_documents([meeting])[0]
    return _download(request, prepared, fmt, meeting, unit.path)


@shows_unavailable
def notice_document(request: HttpRequest, period_id: int, unit_id: int, authority_id: int, fmt: str) -> HttpResponse:
    period, unit = _place(request, period_id, unit_id)
    reviews = contexts.notice_reviews(period, unit, authority_id).get(authority_id)
    if not reviews or reviews[0].decision is None:
        raise Http404(_("Chưa có quyết định xếp loại để thông báo."))
    prepared = contexts.notice_document(reviews, unit, reviews[0].decision.authority)
    return _download(request, prepared, fmt, unit, unit.path)


# ------------------------------------------------------------------------------------------------ batches
def batch(request: HttpRequest, period_id: int, unit_id: int) -> HttpResponse:
    """GET: the unit page's documents block. POST: start writing every document of the unit into one zip."""
    period, unit = _place(request, period_id, unit_id)
    form = None
    if request.method == "POST":
        form = BatchForm(request.POST)
        if form.is_valid():
            try:
                job = services.job_create(
                    period=period,
                    unit=unit,
                    subtree=form.cleaned_data["subtree"],
                    formats=form.cleaned_data["formats"],
                    actor=request.user,  # type: ignore[arg-type]
                    limit=services.web_limit(),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                services.job_launch(job)
                if not request.htmx:  # type: ignore[attr-defined]
                    messages.success(request, _("Đang tạo bộ văn bản; tiến độ hiện ở cuối trang."))
                    return redirect("reviews-unit", period_id=period.pk, unit_id=unit.pk)
                form = None
        if form is not None and not request.htmx:  # type: ignore[attr-defined]
            messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
            return redirect("reviews-unit", period_id=period.pk, unit_id=unit.pk)
    return render(request, "documents/_batch.html", block_context(request, period, unit, form))


def job_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress of a batch (polled by htmx every second while it runs)."""
    job = access_job(request.user, job_id)
    return render(request, "documents/_job.html", {"job": job, "stale": services.job_is_stale(job)})


@shows_unavailable
def job_file(request: HttpRequest, job_id: int) -> FileResponse:
    job = access_job(request.user, job_id)
    if job.state != JobState.DONE or not job.result:
        raise Http404(_("Bộ văn bản chưa tạo xong."))
    handle = files.open_stored(job.result, "Bộ văn bản đã tạo", "Hãy tạo lại bộ văn bản ở trang của đơn vị.")
    services.job_download(job=job, actor=request.user)  # type: ignore[arg-type]
    name = (job.result.name or "bo-van-ban.zip").rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["Cache-Control"] = "no-store"
    return response


# ------------------------------------------------------------------------------------------------ templates
def templates(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit's Word templates: which one each document uses, the versions uploaded, the fields, an upload."""
    unit = access_template_unit(request.user, unit_id)
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.template_upload(
                unit=unit,
                code=form.cleaned_data["code"],
                upload=form.cleaned_data["file"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã nạp mẫu «%(title)s», phiên bản %(version)s.")
                % {"title": template.get_code_display(), "version": template.version},
            )
            return redirect("documents-templates", unit_id=unit.pk)
    uploaded = list(selectors.templates_for(unit))
    inherited = selectors.inherited_templates(unit)
    rows = []
    for spec in catalogue.DOCS.values():
        versions = [t for t in uploaded if t.code == spec.code]
        rows.append(
            {
                "spec": spec,
                "active": next((t for t in versions if t.active), None),
                "inherited": inherited.get(spec.code),
                "versions": versions,
                "fields": [(name, catalogue.FIELDS[name]) for name in spec.fields],
            }
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "documents/templates.html", {"unit": unit, "rows": rows, "form": form}, status=status)


def bundled_template(request: HttpRequest, unit_id: int, code: str) -> FileResponse:
    access_template_unit(request.user, unit_id)
    spec = catalogue.DOCS.get(code)
    if spec is None:
        raise Http404(_("Không có mẫu này."))
    path = engine.BUNDLED / spec.docx
    return FileResponse(path.open("rb"), as_attachment=True, filename=spec.docx)


@shows_unavailable
def template_file(request: HttpRequest, template_id: int) -> FileResponse:
    template = access_template(request.user, template_id)
    what = f"Mẫu Word «{template.name}» (phiên bản {template.version})"
    return FileResponse(files.open_stored(template.file, what), as_attachment=True, filename=template.name)


@require_POST
def template_withdraw(request: HttpRequest, template_id: int) -> HttpResponse:
    template = access_template(request.user, template_id)
    try:
        services.template_withdraw(template=template, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Đã ngừng dùng phiên bản %(version)s.") % {"version": template.version})
    return redirect("documents-templates", unit_id=template.unit_id)
