"""The import pages: upload a file (the dry run), read its plan, then import it or discard it."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import IO

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danhgia.accounts.access import refuse
from danhgia.audit.models import Action
from danhgia.audit.services import record
from danhgia.imports import services, template
from danhgia.imports.access import access_import, access_import_unit, import_roots, import_scope
from danhgia.imports.forms import ConfirmForm, UploadForm
from danhgia.imports.models import Import, ImportStatus
from danhgia.lib.forms import apply_errors

SHOWN = 200  # rows of each list drawn on the page; the counts are whole
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def imports(request: HttpRequest) -> HttpResponse:
    """The imports in the user's scope, newest first, and the upload of a new file."""
    scope = import_scope(request.user)
    if scope.empty:
        refuse(request.user, None, not_found=False)
    roots = import_roots(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, roots=roots)
    if request.method == "POST" and form.is_valid():
        unit = access_import_unit(request.user, form.cleaned_data["scope"].pk)
        try:
            run = services.import_plan_upload(upload=form.cleaned_data["file"], actor=request.user, scope=unit)  # type: ignore[arg-type]
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("imports-detail", import_id=run.pk)
    runs = Import.objects.select_related("scope", "created_by")
    if not scope.everything:  # the command line's imports (no scope) are the superuser's to read
        runs = runs.filter(scope__isnull=False).filter(scope.q("scope__path"))
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "runs": runs[:100], "roots": roots}
    return render(request, "imports/list.html", context, status=status)


def _sheets(run: Import) -> list[dict]:
    sheets = []
    for sheet in run.report.get("sheets", []):
        sheets.append(
            {
                **sheet,
                "counts": run.counts.get(sheet["sheet"], {}),
                "created_shown": sheet["created"][:SHOWN],
                "updated_shown": sheet["updated"][:SHOWN],
                "refused_shown": sorted(sheet["refused"], key=lambda r: r["row"])[:SHOWN],  # in the file's order
                "absent_shown": sheet["absent"][:SHOWN],
            }
        )
    return sheets


def detail(request: HttpRequest, import_id: int) -> HttpResponse:
    run = access_import(request.user, import_id)
    form = ConfirmForm(initial={"digest": run.report.get("digest", "")})
    return render(request, "imports/detail.html", _context(run, form))


def _context(run: Import, form: ConfirmForm) -> dict:
    refused = sum(c.get("refused", 0) for c in run.counts.values())
    writes = sum(c.get("created", 0) + c.get("updated", 0) for c in run.counts.values())
    return {
        "run": run,
        "sheets": _sheets(run),
        "form": form,
        "refused": refused,
        "writes": writes,
        "planned": run.status == ImportStatus.PLANNED,
        "shown": SHOWN,
    }


@require_POST
def confirm(request: HttpRequest, import_id: int) -> HttpResponse:
    run = access_import(request.user, import_id)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            services.import_apply(
                run=run,
                actor=request.user,  # type: ignore[arg-type]
                digest=form.cleaned_data["digest"],
                skip_refused=form.cleaned_data["skip_refused"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Đã nhập dữ liệu từ tệp «%(name)s».") % {"name": run.file_name})
            return redirect("imports-detail", import_id=run.pk)
    return render(request, "imports/detail.html", _context(run, form), status=400)


@require_POST
def discard(request: HttpRequest, import_id: int) -> HttpResponse:
    run = access_import(request.user, import_id)
    try:
        services.import_discard(run=run, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, _("Đã hủy lần nhập này: không có gì được ghi."))
    return redirect("imports-list")


def _workbook(write: Callable[[IO[bytes]], None], filename: str) -> FileResponse:
    stream = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    write(stream)
    stream.seek(0)
    return FileResponse(stream, as_attachment=True, filename=filename, content_type=XLSX)


def blank_template(request: HttpRequest) -> FileResponse:
    """The empty template workbook, for those who import."""
    if import_scope(request.user).empty:
        refuse(request.user, None, not_found=False)
    return _workbook(template.blank, "mau-nhap-du-lieu-danhgia.xlsx")


def export(request: HttpRequest, unit_id: int) -> FileResponse:
    """The units and members of a unit in the template (personal data: audited)."""
    unit = access_import_unit(request.user, unit_id)
    response = _workbook(lambda stream: template.export(stream, scope=unit), f"danh-sach-{unit.pk}.xlsx")
    record(actor=request.user, action=Action.REGISTRY_EXPORTED, target=unit, unit=unit)  # type: ignore[arg-type]
    return response
