"""Benchmark of the documents: 1,000 members' self-reviews (Mẫu 2B/2C) as PDF and as Word, written into a zip as
a batch does (`documents.services.write_batch`: read in chunks, laid out in worker processes, zipped).

Target (issue 5): 1,000 PDFs in under 120 s on a 2-core machine. Also timed: the same 1,000 as Word files, and
both formats together (what the unit page's "Tạo bộ văn bản" writes).

Data: the full-scale demo province on PostgreSQL, seeded as bench/foundation.py does. A document's cost does not
depend on the province's size — every read is by id, a fixed number of queries per chunk of 100 reviews — but
the reads run against the full-size tables anyway. The demo's reviews are mostly drafts, so 1,000 members'
reviews (whole cells, in tree order) are first filled as a real self-review leaves them: points for every
criterion, the written sections (one to three paragraphs each, two sections left empty as people do), four to
six tasks with their results and evidence, the cell's meeting and each member's proposal with its vote. That set-up
is written with bulk statements and is not timed against the target.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import tempfile
import time
import zipfile
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

TARGET_PDF_S = 120
COUNT = 1000
SEED = 2026
SENTENCES = [
    "Chấp hành nghiêm chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước và quy định của địa phương.",
    "Giữ gìn phẩm chất đạo đức, lối sống giản dị, gần gũi, đoàn kết với đồng chí, đồng nghiệp và Nhân dân nơi cư trú.",
    "Tham gia đầy đủ các buổi sinh hoạt chi bộ, đóng đảng phí đúng quy định, thực hiện tốt tự phê bình và phê bình.",
    "Hoàn thành các nhiệm vụ chuyên môn được giao đúng tiến độ, bảo đảm chất lượng; có sản phẩm cụ thể, được ghi nhận.",
    "Tích cực tuyên truyền, vận động gia đình và Nhân dân thực hiện các phong trào thi đua, xây dựng nông thôn mới.",
    "Việc nghiên cứu, học tập nghị quyết có lúc chưa thường xuyên; tinh thần chủ động đề xuất giải pháp còn hạn chế.",
    "Nguyên nhân chủ yếu là do khối lượng công việc lớn, việc sắp xếp thời gian học tập, rèn luyện chưa hợp lý.",
    "Các hạn chế được chỉ ra ở kỳ kiểm điểm trước đã được khắc phục cơ bản; việc phối hợp công tác đã chủ động hơn.",
    "Tiếp tục học tập, rèn luyện, nâng cao trình độ lý luận chính trị và chuyên môn, nghiệp vụ.",
    "Chủ động hơn trong công việc được giao; phát huy ưu điểm, khắc phục những hạn chế, khuyết điểm đã nêu.",
]
TASKS = [
    ("Thực hiện nhiệm vụ chuyên môn được giao theo kế hoạch năm", "Báo cáo kết quả công tác năm"),
    ("Tham gia công tác dân vận ở khu dân cư", "Biên bản họp khu dân cư"),
    ("Tuyên truyền, vận động Nhân dân thực hiện chính sách, pháp luật", ""),
    ("Phụ trách hộ gia đình theo phân công của chi bộ", "Sổ theo dõi hộ gia đình"),
    ("Tham gia xây dựng nông thôn mới & chỉnh trang đường làng", "Ảnh, biên bản nghiệm thu"),
    ("Hoàn thành chương trình học tập, quán triệt nghị quyết", "Bài thu hoạch"),
]


def _spread(items: list[Any], total: Decimal) -> dict[str, str]:
    """Points per criterion adding up to `total`: the same share of every maximum, in quarter points."""
    quarter, full = Decimal("0.25"), sum(Decimal(str(item.max)) for item in items)
    given = [(Decimal(str(i.max)) * total / full / quarter).to_integral_value("ROUND_FLOOR") * quarter for i in items]
    left = total - sum(given)
    for i, item in enumerate(items):
        room = Decimal(str(item.max)) - given[i]
        step = min(room, left)
        given[i], left = given[i] + step, left - step
    return {item.code: str(points) for item, points in zip(items, given, strict=True)}


def _level(total: Decimal) -> str:
    return "HTXS" if total >= 90 else "HTT" if total >= 70 else "HT" if total >= 50 else "KHT"


def _paragraphs(rng: random.Random) -> str:
    return "\n".join(" ".join(rng.sample(SENTENCES, rng.randint(2, 4))) for _ in range(rng.randint(1, 3)))


def fill(count: int = COUNT) -> dict[str, Any]:
    """`count` members' reviews, whole cells in tree order, filled as a self-review and a meeting leave them."""
    from django.db import transaction
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from danhgia.periods.models import Period
    from danhgia.reviews import criteria
    from danhgia.reviews.models import Meeting, Proposal, Review, ReviewState, ReviewTask

    rng = random.Random(SEED)
    period = Period.objects.get(status="open")
    started = time.perf_counter()
    candidates = (
        Review.objects.filter(period=period, kind__in=["member", "member_outside"], state=ReviewState.DRAFT)
        .exclude(Exists(Meeting.objects.filter(period=period, unit_id=OuterRef("context_id"))))
        .order_by("context__path", "person__sort_key")
        .values_list("pk", "form_code", "context_id")
    )
    chosen = list(candidates[:count])
    now = timezone.now()
    tasks, proposals, per_context = [], [], Counter(context for _pk, _f, context in chosen)
    with transaction.atomic():
        meetings = {
            m.unit_id: m
            for m in Meeting.objects.bulk_create(
                [
                    Meeting(
                        period=period,
                        unit_id=unit_id,
                        held_on=min(timezone.localdate(), period.ends_on),
                        chaired_by="Bí thư chi bộ",
                        summoned=n + 1,
                        present=n,
                        minutes="Hội nghị kiểm điểm cuối năm.",
                    )
                    for unit_id, n in per_context.items()
                ]
            )
        }
        for pk, form, context in chosen:
            table = criteria.parse(criteria.DEFAULTS[criteria.default_key(period.regime, form)])
            groups = {g.code: g.items for g in table.groups}
            general, task = Decimal(rng.randint(22, 30)), Decimal(rng.randint(48, 69))
            level = _level(general + task)
            sections = {key: _paragraphs(rng) for key in ("uu_diem", "han_che", "khac_phuc", "phuong_huong")}
            Review.objects.filter(pk=pk).update(
                items={**_spread(groups["general"], general), **_spread(groups["task"], task)},
                sections=sections,
                score_general=general,
                score_task=task,
                self_level=level,
                proposed_level=level,
                state=ReviewState.PROPOSED,
                saved_at=now,
                submitted_at=now,
            )
            for i, (title, evidence) in enumerate(rng.sample(TASKS, rng.randint(4, 6)), start=1):
                status = rng.choices(["on_time", "exceeded", "late"], [70, 25, 5])[0]
                tasks.append(ReviewTask(review_id=pk, position=i, title=title, status=status, evidence=evidence))
            present = per_context[context]
            proposals.append(
                Proposal(
                    meeting=meetings[context],
                    review_id=pk,
                    level=level,
                    votes_for=present,
                    votes_against=0,
                    votes_abstain=0,
                    passed=True,
                    comment=rng.choice(["", "", "Đề nghị phát huy ưu điểm, khắc phục hạn chế về thời gian học tập."]),
                )
            )
        ReviewTask.objects.bulk_create(tasks, batch_size=5000)
        Proposal.objects.bulk_create(proposals, batch_size=5000)
    return {"seconds": time.perf_counter() - started, "ids": [pk for pk, _f, _c in chosen], "cells": len(per_context)}


def write(ids: list[int], formats: list[str], workers: int, directory: Path) -> dict[str, Any]:
    """The batch pipeline over these reviews, into a zip; seconds, files, bytes."""
    from danhgia.documents.services import Plan, write_batch

    path = directory / f"bench-{'-'.join(formats)}-{workers}.zip"
    started = time.perf_counter()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        names = write_batch(Plan(review_ids=ids), formats, archive, workers=workers)
    seconds = time.perf_counter() - started
    return {
        "formats": formats,
        "workers": workers,
        "files": len(names),
        "seconds": round(seconds, 1),
        "per_file_ms": round(seconds * 1000 / max(1, len(names)), 1),
        "zip_mb": round(path.stat().st_size / 1024 / 1024, 1),
        "path": path,
    }


def pages(zip_path: Path, sample: int = 20) -> dict[str, Any]:
    """Pages and size of some of the PDFs, read back with poppler's pdfinfo."""
    counts, sizes = [], []
    with zipfile.ZipFile(zip_path) as archive, tempfile.TemporaryDirectory() as tmp:
        for name in [n for n in archive.namelist() if n.endswith(".pdf")][:sample]:
            target = Path(tmp) / "x.pdf"
            target.write_bytes(archive.read(name))
            sizes.append(target.stat().st_size)
            command = [shutil.which("pdfinfo") or "/usr/bin/pdfinfo", str(target)]
            info = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
            counts.append(int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))))
    return {"pages_mean": round(sum(counts) / len(counts), 1), "kb_mean": round(sum(sizes) / len(sizes) / 1024)}


def run(out_dir: Path, *, seed: bool = True) -> dict[str, Any]:
    from danhgia.documents import engine

    if seed:
        from bench.foundation import seed_full_scale

        print("  Nạp tỉnh trình diễn đủ quy mô …")
        seeding = seed_full_scale(out_dir / "bench-accounts.json")
        print(f"  → {seeding['seconds']:.1f} s")
    filled = fill()
    ids = filled["ids"]
    print(f"  Chuẩn bị: {len(ids):,} bản kiểm điểm đã viết, {filled['cells']} hội nghị → {filled['seconds']:.1f} s")
    workers = engine.default_workers()
    results: dict[str, Any] = {"count": len(ids), "workers": workers}
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        # In this process only, for reference: what one core does.
        single = write(ids[:100], ["pdf"], 0, directory)
        print(f"  100 PDF trong một tiến trình: {single['seconds']:.1f} s ({single['per_file_ms']:.0f} ms một tệp)")
        pdf = write(ids, ["pdf"], workers, directory)
        shape = pages(pdf["path"])
        ok = pdf["seconds"] < TARGET_PDF_S
        print(
            f"  {pdf['files']:,} PDF ({workers} tiến trình): {pdf['seconds']:.1f} s,"
            f" {pdf['per_file_ms']:.0f} ms một tệp,"
            f" {shape['pages_mean']} trang, {shape['kb_mean']} KB một tệp (mục tiêu < {TARGET_PDF_S} s:"
            f" {'đạt' if ok else 'KHÔNG ĐẠT'})"
        )
        docx = write(ids, ["docx"], workers, directory)
        print(f"  {docx['files']:,} Word: {docx['seconds']:.1f} s, {docx['per_file_ms']:.0f} ms một tệp")
        both = write(ids, ["docx", "pdf"], workers, directory)
        print(f"  {len(ids):,} bản kiểm điểm, cả Word và PDF ({both['files']:,} tệp): {both['seconds']:.1f} s")
        for entry in (single, pdf, docx, both):
            entry.pop("path")
    results.update({"filled": {k: v for k, v in filled.items() if k != "ids"}, "single": single, "pdf": pdf,
                    "docx": docx, "both": both, "pdf_shape": shape, "ok": ok})  # fmt: skip
    (out_dir / "documents.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return results
