"""Importing a file: plan it (the dry run, which writes only the import's own record), then apply it whole.

    run = import_plan(path=..., name="tinh.xlsx", actor=officer, scope=province)   # nothing of the file written
    import_apply(run=run, actor=officer, digest=run.report["digest"])              # one transaction, or nothing

The sheets are read in dependency order (the tree before the members who sit in its cells). Applying plans again
inside the transaction and writes only if the plan is the one the officer read (its digest): a change made to
the data in between asks for a new dry run.
"""

from __future__ import annotations

import hashlib
import itertools
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danhgia.audit.models import Action
from danhgia.audit.services import record, source
from danhgia.imports import members, persons, posts, quotas, results, template, units
from danhgia.imports.cleaning import match_key
from danhgia.imports.models import Import, ImportStatus
from danhgia.imports.plan import Plan, Row, SheetPlan
from danhgia.imports.reading import (
    HEADER_SCAN_ROWS,
    PERSON_ALIASES,
    PERSON_REQUIRED,
    UNIT_ALIASES,
    UNIT_REQUIRED,
    FileError,
    Header,
    Sheet,
    find_header,
    open_table_file,
)
from danhgia.lib.numbers import number

if TYPE_CHECKING:
    from danhgia.accounts.models import User
    from danhgia.orgs.models import Unit


@dataclass(frozen=True)
class Kind:
    code: str
    sheet: str  # the template's sheet name
    aliases: dict[str, tuple[str, ...]]  # field → every header accepted, the template's first
    required: frozenset[str]


def _with_template(columns: dict[str, str], others: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    fields = [*columns, *(f for f in others if f not in columns)]
    return {f: tuple(dict.fromkeys([*([columns[f]] if f in columns else []), *others.get(f, ())])) for f in fields}


# The person columns of the posts and results sheets are read under the members sheet's headers and aliases.
WHO_ALIASES = {f: PERSON_ALIASES.get(f, ()) for f in persons.COLUMNS}

KINDS = [
    Kind("units", template.UNITS_SHEET, _with_template(units.COLUMNS, UNIT_ALIASES), UNIT_REQUIRED),
    Kind("members", template.MEMBERS_SHEET, _with_template(members.COLUMNS, PERSON_ALIASES), PERSON_REQUIRED),
    Kind(
        "posts",
        template.POSTS_SHEET,
        _with_template(posts.COLUMNS, {**WHO_ALIASES, **posts.ALIASES}),
        posts.REQUIRED,
    ),
    Kind(
        "results",
        template.RESULTS_SHEET,
        _with_template(results.COLUMNS, {**WHO_ALIASES, **results.ALIASES}),
        results.REQUIRED,
    ),
    Kind(
        "quotas",
        template.QUOTAS_SHEET,
        _with_template(quotas.COLUMNS, {**WHO_ALIASES, **quotas.ALIASES}),
        quotas.REQUIRED,
    ),
]
KIND_NAMES = "đơn vị, đảng viên, chức vụ, kết quả các năm, nhóm tương đồng"


def max_bytes() -> int:
    return int(settings.DANHGIA_IMPORT_MAX_MB) * 1024 * 1024


@dataclass
class Read:
    """The file's sheets as rows of fields, by kind, and what was left out of them."""

    rows: dict[str, list[Row]] = field(default_factory=dict)
    sheet_names: dict[str, str] = field(default_factory=dict)  # kind → the sheet's name in the file
    notes: list[str] = field(default_factory=list)


def _kind_by_name(sheet_name: str) -> Kind | None:
    return next((kind for kind in KINDS if match_key(sheet_name) == match_key(kind.sheet)), None)


def _find(sheet: Sheet) -> tuple[Kind, Header, Iterator[Any]] | None:
    """The sheet's kind and header: the template's sheets by name; another file's by its headers (the kind whose
    required columns are all there, matching the most columns)."""
    named = _kind_by_name(sheet.name)
    if named is not None:
        header, rest = find_header(sheet, aliases=named.aliases, required=named.required)
        return named, header, rest
    rows = list(itertools.islice(sheet.rows, HEADER_SCAN_ROWS))
    best: tuple[int, Kind] | None = None
    for kind in KINDS:
        try:
            # The probe does not check merged cells: only the chosen kind's header is checked, below.
            header, _ = find_header(Sheet(sheet.name, iter(rows)), aliases=kind.aliases, required=kind.required)
        except FileError:
            continue
        if not header.missing and (best is None or len(header.columns) > best[0]):
            best = (len(header.columns), kind)
    if best is None:
        return None
    kind = best[1]
    replay = Sheet(sheet.name, itertools.chain(rows, sheet.rows), sheet.merged_ranges)
    header, rest = find_header(replay, aliases=kind.aliases, required=kind.required)
    return kind, header, rest


def read(path: Path, *, name: str) -> Read:
    result = Read()
    with open_table_file(path, name=name, max_bytes=max_bytes()) as book:
        for sheet in book.sheets():
            if sheet.name == template.GUIDE_SHEET:
                continue  # the template's own guide
            found = _find(sheet)
            if found is None:
                result.notes.append(f"Trang «{sheet.name}»: không nhận ra là bảng nào ({KIND_NAMES}): bỏ qua.")
                continue
            kind, header, rest = found
            if kind.code in result.rows:
                first = result.sheet_names[kind.code]
                raise FileError(
                    f"Tệp có hai trang {kind.sheet.lower()} («{first}» và «{sheet.name}»): hãy gộp làm một."
                )
            if header.missing:
                wanted = ", ".join(f"«{kind.aliases[m][0]}»" for m in header.missing if m in kind.aliases)
                raise FileError(f"Trang «{sheet.name}» (tiêu đề ở dòng {header.row_number}) thiếu cột {wanted}.")
            if header.unknown:
                ignored = ", ".join(f"«{u}»" for u in header.unknown)
                result.notes.append(f"Trang «{sheet.name}»: bỏ qua các cột không dùng đến: {ignored}.")
            headers = {f: kind.aliases[f][0] for f in header.columns.values()}
            result.rows[kind.code] = [Row(number, header.record(cells), headers) for number, cells in rest]
            result.sheet_names[kind.code] = sheet.name
        skipped = [s for s in book.skipped_sheets if s.name != template.LISTS_SHEET]  # the template's drop-downs
        result.notes.extend(f"Trang «{s.name}» không được đọc: {s.reason}" for s in skipped)
    if not result.rows:
        raise FileError(f"Tệp không có trang dữ liệu nào nhận ra được ({KIND_NAMES}): hãy dùng tệp mẫu của DanhGia.")
    return result


@dataclass
class Planned:
    plan: Plan
    unit_lines: list[units.Line] = field(default_factory=list)
    member_lines: list[members.Line] = field(default_factory=list)
    post_lines: list[posts.Line] = field(default_factory=list)
    result_lines: list[results.Line] = field(default_factory=list)
    quota_lines: list[quotas.Line] = field(default_factory=list)


def plan_read(content: Read, *, scope: Unit | None, actor: User | None = None) -> Planned:
    """Plan each sheet in dependency order: the tree, its members, then what names units and persons."""
    planned = Planned(Plan())
    plan = planned.plan

    def sheet(kind: str) -> SheetPlan:
        plan.sheets.append(SheetPlan(content.sheet_names[kind], kind))
        return plan.sheets[-1]

    if "units" in content.rows:
        planned.unit_lines = units.plan_units(content.rows["units"], scope=scope, plan=sheet("units"))
    new_units = {units.code_key(line.code): line.name for line in planned.unit_lines if line.unit is None}
    if "members" in content.rows:
        planned.member_lines = members.plan_members(
            content.rows["members"], scope=scope, plan=sheet("members"), new_cells=new_units
        )
    new_members = [line for line in planned.member_lines if line.member is None]
    if "posts" in content.rows:
        planned.post_lines = posts.plan_posts(
            content.rows["posts"], scope=scope, plan=sheet("posts"), new_units=new_units, new_members=new_members
        )
    if "results" in content.rows:
        planned.result_lines = results.plan_results(
            content.rows["results"],
            scope=scope,
            plan=sheet("results"),
            new_units=new_units,
            new_roots=units.root_keys(planned.unit_lines),
            new_members=new_members,
        )
    if "quotas" in content.rows:
        planned.quota_lines = quotas.plan_quotas(
            content.rows["quotas"], scope=scope, plan=sheet("quotas"), actor=actor, new_members=new_members
        )
    if plan.sheets:
        plan.sheets[0].warnings[:0] = content.notes
    return planned


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@transaction.atomic
def import_plan(*, path: Path, name: str, actor: User | None, scope: Unit | None) -> Import:
    """The dry run: read and plan the file, keep it and its plan as an import; nothing else is written."""
    try:
        planned = plan_read(read(path, name=name), scope=scope, actor=actor)
    except FileError as error:
        raise ValidationError({"file": str(error)}) from error
    plan = planned.plan
    run = Import(
        scope=scope,
        created_by=actor if actor is not None and actor.pk else None,
        file_name=Path(name).name[:200],
        sha256=_sha256(path),
        size=path.stat().st_size,
        counts=plan.counts(),
        report={**plan.as_json(), "digest": plan.digest},
    )
    with path.open("rb") as f:
        run.file.save(f"{run.sha256[:16]}{Path(name).suffix.lower()[:8]}", File(f), save=False)
    run.save()
    record(
        actor=actor,
        action=Action.IMPORT_PLANNED,
        target=run,
        unit=scope,
        new={"file": run.file_name, "sha256": run.sha256, "counts": run.counts},
    )
    return run


def import_plan_upload(*, upload: UploadedFile, actor: User | None, scope: Unit | None) -> Import:
    """The dry run of an uploaded file (the page's, the API's): its size checked, then read from a file of its own
    (the reader opens a path)."""
    if upload.size is not None and upload.size > max_bytes():
        limit = number(max_bytes() // (1024 * 1024))
        raise ValidationError({"file": _("Tệp lớn hơn giới hạn %(limit)s MB.") % {"limit": limit}})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        with path.open("wb") as f:
            for chunk in upload.chunks():
                f.write(chunk)
        return import_plan(path=path, name=upload.name or "tep", actor=actor, scope=scope)


@transaction.atomic
def import_apply(*, run: Import, actor: User | None, digest: str, skip_refused: bool = False) -> Import:
    """Write the planned import in one transaction: all of it, or nothing."""
    run = Import.objects.select_for_update().get(pk=run.pk)
    if run.status != ImportStatus.PLANNED:
        raise ValidationError({"status": f"Lần nhập này {run.get_status_display().lower()}."})
    kept = Path(run.file.path) if run.file else None
    if kept is None or not kept.exists():
        raise ValidationError({"file": "Không còn tệp đã chạy thử: hãy chạy thử lại."})
    planned = plan_read(read(kept, name=run.file_name), scope=run.scope, actor=actor)
    plan = planned.plan
    if plan.digest != digest:
        changed = "Dữ liệu đã thay đổi từ khi chạy thử (hoặc đây không phải kết quả chạy thử đã xem)"
        raise ValidationError({"digest": f"{changed}: hãy chạy thử lại."})
    if plan.refused and not skip_refused:
        raise ValidationError(
            {"skip_refused": f"Có {plan.refused} dòng bị từ chối: sửa tệp, hoặc chọn nhập bỏ qua các dòng đó."}
        )
    with source(run.audit_source):
        cells = units.apply_units(planned.unit_lines, actor=actor)
        members.apply_members(planned.member_lines, actor=actor, cells=cells)
        posts.apply_posts(planned.post_lines, actor=actor, units=cells)
        results.apply_results(planned.result_lines, actor=actor, units=cells, file_name=run.file_name)
        quotas.apply_quotas(planned.quota_lines, actor=actor)
    run.status = ImportStatus.APPLIED
    run.applied_at = timezone.now()
    run.skip_refused = skip_refused and plan.refused > 0
    run.save(update_fields=["status", "applied_at", "skip_refused"])
    record(actor=actor, action=Action.IMPORT_APPLIED, target=run, unit=run.scope, new={"counts": run.counts})
    return run


@transaction.atomic
def import_discard(*, run: Import, actor: User | None) -> Import:
    run = Import.objects.select_for_update().get(pk=run.pk)
    if run.status != ImportStatus.PLANNED:
        raise ValidationError({"status": f"Lần nhập này {run.get_status_display().lower()}."})
    run.status = ImportStatus.DISCARDED
    run.save(update_fields=["status"])
    record(actor=actor, action=Action.IMPORT_DISCARDED, target=run, unit=run.scope)
    return run
