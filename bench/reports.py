"""Benchmark of the reports at full scale: the province's dashboard and its synthesis workbook.

Targets (issue 5, full-scale demo province on PostgreSQL): the province dashboard under 300 ms; the province
synthesis workbook (Excel) under 10 s. Also measured, without a target: the synthesis page, the quota report,
the screening lists and the synthesis PDF.

Set-up, not measured: the demo seeds one period with its reviews, nearly all of them drafts. For realistic
figures most reviews must be decided, over more than one year: levels are written in bulk (Decision rows, and
each review updated to point at its decision), as the decision service would leave them, with a realistic
distribution (before the quota about 22 % HTXS, 62 % HTT, 12 % HT, 2 % KHT, 2 % not yet decided); in each quota
group the 20 % cap keeps the best-scored candidates and moves the others to HTT, as the engine does. A previous
year's period is made from the same subjects (the members present at its end) and decided the same way, with
shortcomings past their deadline. `set_up` also serves the screenshots: it runs on the small SQLite demo too.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections import Counter, defaultdict
from fractions import Fraction
from pathlib import Path
from typing import Any

from bench.foundation import timed

REPEAT = 15
TARGET_DASHBOARD_MS = 300
TARGET_WORKBOOK_S = 10
SEED = 2027
# Levels before the quota, with the share of each (the rest stays undecided).
PRE_LEVELS = [("HTXS", 0.22), ("HTT", 0.62), ("HT", 0.12), ("KHT", 0.02), ("", 0.02)]
SCORES = {"HTXS": (90, 100), "HTT": (70, 89), "HT": (50, 69), "KHT": (30, 49)}
KHT_REASONS = {
    "member": ["R65", "R76-discipline", "R77", "R76-degradation", "R76-prohibition"],
    "member_outside": ["R65", "R76-discipline", "R77"],
    "leader": ["R65", "R72", "R71", "R73"],
    "party_org": ["R65", "R69", "R70"],
    "collective": ["R65", "R66", "R67"],
    "unit": ["R65", "R69"],
}


def _split(points: int, rng: random.Random) -> tuple[int, int]:
    """Points out of 100 as (general /30, task /70), whole points."""
    general = min(30, max(0, round(points * 0.3 + rng.uniform(-2, 2))))
    return general, max(0, min(70, points - general))


def decide_in_bulk(period: Any, rng: random.Random) -> dict[str, Any]:
    """Every review of the period scored, proposed and (nearly all) decided, in bulk statements."""
    from django.db import transaction
    from django.db.models import OuterRef, Subquery

    from danhgia.people.models import QuotaGroup
    from danhgia.reviews.models import Decision, Review, ReviewState
    from danhgia.rules import quota

    started = time.perf_counter()
    reviews = list(Review.objects.filter(period=period).values_list("pk", "kind", "quota_group_id", "authority_id"))
    rates = {g.pk: g.rate for g in QuotaGroup.objects.filter(period=period)}
    levels, weights = zip(*PRE_LEVELS, strict=True)
    plan: dict[int, dict[str, Any]] = {}
    by_group: dict[int | None, list[int]] = defaultdict(list)
    for pk, kind, group_id, authority_id in reviews:
        pre = rng.choices(levels, weights)[0]
        low, high = SCORES.get(pre or "HTT", (70, 89))
        general, task = _split(rng.randint(low, high), rng)
        plan[pk] = {"kind": kind, "pre": pre, "level": pre, "general": general, "task": task,
                    "authority": authority_id, "reasons": [], "position": None}  # fmt: skip
        if pre == "KHT":
            plan[pk]["reasons"] = [rng.choice(KHT_REASONS[kind])]
        by_group[group_id].append(pk)
    capped = 0
    for gid, ids in by_group.items():
        candidates = sorted((pk for pk in ids if plan[pk]["pre"] == "HTXS"),
                            key=lambda pk: -(plan[pk]["general"] + plan[pk]["task"]))  # fmt: skip
        for position, pk in enumerate(candidates, start=1):
            plan[pk]["position"] = position
        if gid is None:
            continue
        htt = sum(1 for pk in ids if plan[pk]["pre"] == "HTT")
        rate = rates.get(gid)
        cap = quota.cap(base="htt_final", rate=Fraction(str(rate)) if rate else Fraction(1, 5), htt=htt,
                        candidates=len(candidates), rounding="floor")  # fmt: skip
        for pk in candidates[cap:]:
            plan[pk]["level"], plan[pk]["reasons"] = "HTT", ["quota"]
            capped += 1
    built = time.perf_counter() - started
    with transaction.atomic():
        # Reviews filled alike share one UPDATE (a few thousand statements instead of one per review).
        alike: dict[tuple[int, int, str], list[int]] = defaultdict(list)
        for pk, p in plan.items():
            alike[(p["general"], p["task"], p["pre"])].append(pk)
        for (general, task, pre), ids in alike.items():
            state = ReviewState.PROPOSED if not pre else ReviewState.DECIDED
            Review.objects.filter(pk__in=ids).update(
                score_general=general, score_task=task, self_level=pre or "HTT", proposed_level=pre or "HTT",
                state=state,
            )  # fmt: skip
        decisions = [
            Decision(
                review_id=pk,
                level=p["level"],
                authority_id=p["authority"],
                engine={
                    "eligible": p["pre"],
                    "level": p["level"],
                    "reasons": p["reasons"],
                    "quota_position": p["position"],
                },
            )
            for pk, p in plan.items()
            if p["pre"]
        ]
        Decision.objects.bulk_create(decisions, batch_size=5000)
        written = Decision.objects.filter(review_id=OuterRef("pk")).values("pk")[:1]
        Review.objects.filter(period=period, state=ReviewState.DECIDED).update(decision=Subquery(written))
    final = Counter(p["level"] for p in plan.values())
    return {"seconds": time.perf_counter() - started, "build_seconds": built, "reviews": len(plan),
            "decided": len(decisions), "capped": capped, "levels": dict(final)}  # fmt: skip


def previous_period(period: Any) -> Any:
    """The year before, for the same scope: the same subjects (members present at its end), copied in bulk."""
    from django.db import transaction
    from django.db.models import Q

    from danhgia.orgs.models import subtree_q
    from danhgia.people.models import PRESENT_STATUSES, Membership, QuotaGroup
    from danhgia.periods.models import PeriodStatus
    from danhgia.periods.services import period_create, period_set_status
    from danhgia.reviews.models import PERSON_KINDS, Exclusion, Review

    with transaction.atomic():
        earlier = period_create(unit=period.unit, year=period.year - 1, actor=None)
        end = earlier.ends_on
        present = set(
            Membership.objects.filter(subtree_q(period.unit.path, "unit__path"), valid_from__lte=end,
                                      status__in=PRESENT_STATUSES)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=end))
            .values_list("member__person_id", flat=True)
        )  # fmt: skip
        groups = {}
        for g in QuotaGroup.objects.filter(period=period):
            groups[g.pk] = QuotaGroup(period=earlier, unit_id=g.unit_id, name=g.name, subject_kind=g.subject_kind,
                                      rule=g.rule, rate=g.rate)  # fmt: skip
        QuotaGroup.objects.bulk_create(list(groups.values()), batch_size=2000)
        copies = [
            Review(
                period=earlier,
                kind=r.kind,
                person_id=r.person_id,
                unit_id=r.unit_id,
                context_id=r.context_id,
                authority_id=r.authority_id,
                heads_id=r.heads_id,
                form_code=r.form_code,
                quota_group_id=groups[r.quota_group_id].pk if r.quota_group_id else None,
            )
            for r in Review.objects.filter(period=period).iterator(chunk_size=5000)
            if r.kind not in PERSON_KINDS or r.person_id in present
        ]
        Review.objects.bulk_create(copies, batch_size=5000)
        Exclusion.objects.bulk_create(
            [Exclusion(period=earlier, person_id=e.person_id, unit_id=e.unit_id, reason=e.reason, basis=e.basis)
             for e in Exclusion.objects.filter(period=period) if e.person_id in present],
            batch_size=5000,
        )  # fmt: skip
        period_set_status(period=earlier, status=PeriodStatus.OPEN, actor=None)
        period_set_status(period=earlier, status=PeriodStatus.CLOSED, actor=None)
    return earlier


def shortcomings_past_deadline(period: Any, rng: random.Random, share: float = 0.03) -> int:
    """Shortcomings found in the period for a few of its members, some remedied, most past their deadline."""
    from danhgia.reviews.models import Review, Shortcoming, ShortcomingStatus

    rows = []
    deadline = period.ends_on + dt.timedelta(days=120)
    for pk, person_id in Review.objects.filter(period=period, kind="member").values_list("pk", "person_id"):
        if rng.random() >= share:
            continue
        status = rng.choice([ShortcomingStatus.OPEN, ShortcomingStatus.IN_PROGRESS, ShortcomingStatus.REMEDIED])
        rows.append(
            Shortcoming(person_id=person_id, review_id=pk, owner_id=person_id, deadline=deadline, status=status,
                        description="Chưa thường xuyên nghiên cứu, học tập nghị quyết; có lúc chưa chủ động phối hợp.",
                        remedy="Xây dựng kế hoạch học tập; báo cáo chi bộ hằng quý.",
                        remedied_on=deadline if status == ShortcomingStatus.REMEDIED else None,
                        evidence="Báo cáo kết quả" if status == ShortcomingStatus.REMEDIED else "")
        )  # fmt: skip
    Shortcoming.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def vacuum() -> None:
    """What autovacuum would have done by the time anyone reads reports: after a bulk load the visibility map is
    empty, so PostgreSQL cannot answer from an index alone, and autovacuum starting in the middle of the timings
    makes them jitter."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("reviews_review", "reviews_decision", "reviews_exclusion", "people_membership"):
                cursor.execute(f"VACUUM ANALYZE {table}")


def set_up() -> dict[str, Any]:
    """Decide the demo's period in bulk and add the previous year, decided too (see the module's docstring)."""
    from danhgia.lib.db import analyze
    from danhgia.periods.models import Period

    rng = random.Random(SEED)
    period = Period.objects.order_by("-year").first()
    assert period is not None
    started = time.perf_counter()
    earlier = previous_period(period)
    before = decide_in_bulk(earlier, rng)
    shortcomings = shortcomings_past_deadline(earlier, rng)
    now = decide_in_bulk(period, rng)
    analyze()
    vacuum()
    return {"seconds": time.perf_counter() - started, "current": now, "previous": before,
            "shortcomings": shortcomings}  # fmt: skip


def measure() -> list[dict[str, Any]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from danhgia.accounts.models import User
    from danhgia.orgs.models import Unit

    client = Client()
    client.force_login(User.objects.get(username="bantochuc"))
    province = Unit.objects.get(parent__isnull=True)
    pages: list[tuple[str, str, float | None, int]] = [
        ("Tổng quan toàn tỉnh (dashboard)", "/bao-cao/", TARGET_DASHBOARD_MS, REPEAT),
        ("Biểu tổng hợp toàn tỉnh: tệp Excel", "/bao-cao/tong-hop.xlsx", TARGET_WORKBOOK_S * 1000, 3),
        ("Biểu tổng hợp toàn tỉnh: trang", "/bao-cao/tong-hop/", None, 5),
        ("Biểu tổng hợp toàn tỉnh: PDF", "/bao-cao/tong-hop.pdf", None, 3),
        ("Tỷ lệ HTXS toàn tỉnh: trang", "/bao-cao/ty-le-htxs/", None, 5),
        ("Tỷ lệ HTXS toàn tỉnh: tệp Excel", "/bao-cao/ty-le-htxs.xlsx", None, 3),
        ("Rà soát toàn tỉnh: trang", "/bao-cao/ra-soat/?so-nam=2", None, 5),
        ("Rà soát toàn tỉnh: tệp Excel", "/bao-cao/ra-soat.xlsx?so-nam=2", None, 3),
    ]
    results = []
    for label, url, target, repeat in pages:
        sizes: list[int] = []

        def get(url: str = url, sizes: list[int] = sizes) -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            sizes.append(len(response.content))

        median, p95 = timed(get, repeat)
        with CaptureQueriesContext(connection) as queries:
            get()
        results.append({"page": label, "url": url, "median_ms": round(median, 1), "p95_ms": round(p95, 1),
                         "target_ms": target, "queries": len(queries), "bytes": sizes[-1],
                         "ok": target is None or p95 < target})  # fmt: skip
    del province
    return results


def run(out_dir: Path, *, seed: bool = True) -> dict[str, Any]:
    if seed:
        from bench.foundation import seed_full_scale

        print("  Nạp tỉnh trình diễn đủ quy mô …")
        seeding = seed_full_scale(out_dir / "bench-accounts.json")
        print(f"  → {seeding['seconds']:.1f} s")
    setup = set_up()
    now, before = setup["current"], setup["previous"]
    print(
        f"  Chuẩn bị (ghi hàng loạt): kỳ năm trước {before['reviews']:,} bản kiểm điểm,"
        f" {before['decided']:,} quyết định;"
        f" kỳ này {now['reviews']:,} bản, {now['decided']:,} quyết định ({now['capped']:,} vượt tỷ lệ);"
        f" {setup['shortcomings']:,} hạn chế → {setup['seconds']:.1f} s"
    )
    print(f"  Mức xếp loại kỳ này: {now['levels']}")
    pages = measure()
    for p in pages:
        verdict = (
            "không có mục tiêu"
            if p["target_ms"] is None
            else f"< {p['target_ms']:.0f} ms: " + ("đạt" if p["ok"] else "KHÔNG ĐẠT")
        )
        print(f"  {p['page']:<40} trung vị {p['median_ms']:>8.1f} ms  p95 {p['p95_ms']:>8.1f} ms"
              f"  {p['queries']:>3} truy vấn  {p['bytes'] / 1024:>7.0f} KB  ({verdict})")  # fmt: skip
    result = {"setup": setup, "pages": pages}
    (out_dir / "reports.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return result
