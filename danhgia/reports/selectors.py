"""Read models for the home dashboard: the user's pending work first, then the counts of their scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import Scope, scope_for
from danhgia.lib import dates
from danhgia.orgs.models import CELL_KINDS, Unit, in_subtree
from danhgia.orgs.selectors import SubtreeCounts, cells_without_head, subtree_counts
from danhgia.people.models import QuotaGroup
from danhgia.periods.models import Period, Phase
from danhgia.periods.selectors import open_phase_deadlines
from danhgia.reviews.criteria import form_label
from danhgia.reviews.models import Review, ReviewKind, ReviewState
from danhgia.reviews.opinions import pending_sheets
from danhgia.reviews.selectors import my_reviews

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from danhgia.accounts.models import User


@dataclass
class Task:
    text: str
    url: str
    deadline: dt.date | None = None
    overdue: bool = False


MANAGED_UNITS = 5  # at most this many units of the viewer's scope get their own line per phase


def _own(review: Review) -> str:
    """Which of the viewer's reviews: a person may have a member's and a leader's review in the same period."""
    return _("%(kind)s, Mẫu %(form)s") % {"kind": review.get_kind_display(), "form": form_label(review.form_code)}


KIND_ORDER = {kind: i for i, kind in enumerate(ReviewKind.values)}


def own_reviews(viewer: User | AnonymousUser) -> list[Review]:
    """The viewer's reviews in open periods: by period, then the member's review before the leader's."""
    return sorted(my_reviews(viewer), key=lambda r: (r.period.starts_on, r.period_id, KIND_ORDER.get(r.kind, 99)))


def own_review_tasks(mine: list[Review], today: dt.date) -> list[Task]:
    """The viewer's own self-reviews (`mine`) still being written, each a link to its form, late once the step is
    past."""
    reviews = [r for r in mine if r.state == ReviewState.DRAFT]
    deadlines = dict(
        Phase.objects.filter(period__in={r.period_id for r in reviews}, code="self_review").values_list(
            "period_id", "deadline"
        )
    )
    tasks = []
    for review in reviews:
        text = (_("Tiếp tục viết bản tự kiểm điểm (%(own)s) — %(period)s") if review.saved_at
                else _("Viết bản tự kiểm điểm (%(own)s) — %(period)s"))  # fmt: skip
        deadline = deadlines.get(review.period_id)
        tasks.append(
            Task(
                text % {"own": _own(review), "period": review.period.name},
                reverse("reviews-self", args=[review.pk]),
                deadline,
                deadline is not None and deadline < today,
            )
        )
    return tasks


def _managed_units(scope: Scope, period: Period) -> list[Unit]:
    """Where in the period the viewer runs the review: each root of their scope inside the period's unit, or the
    period's unit itself when their scope is above it."""
    if scope.empty:
        return []
    if scope.everything or scope.contains(period.unit.path):
        return [period.unit]
    paths = [root for root in scope.roots if in_subtree(root, period.unit.path)]
    return list(Unit.objects.filter(path__in=paths).order_by("path")[:MANAGED_UNITS])


def _holds_reviews(period: Period, unit: Unit) -> bool:
    return Review.objects.filter(period=period, context=unit).exists()


def phase_tasks(viewer: User | AnonymousUser, period: Period, phase: Phase, mine: list[Review]) -> list[Task]:
    """A running phase's work for this viewer, each linked to the page where it is done. Only those who run the
    step get it: a member's own part (their self-review, their opinion sheets) comes from their reviews and sheets,
    not from the phase."""
    manage = scope_for(viewer, Perm.REVIEWS_MANAGE)

    def task(text: str, url: str) -> Task:
        return Task(text, url, phase.deadline)

    def on_period(view: str) -> Task:
        return task(f"{phase.name} — {period.name}", reverse(view, args=[period.pk]))

    code = phase.code
    if code == "plan":
        plans = scope_for(viewer, Perm.PERIODS_MANAGE).overlaps(period.unit.path)
        return [on_period("periods-detail")] if plans else []
    if code == "self_review":
        return [
            task(f"{phase.name} — {unit.name}", reverse("reviews-unit", args=[period.pk, unit.pk]))
            if unit.kind in CELL_KINDS else on_period("reviews-period")
            for unit in _managed_units(manage, period)
        ]  # fmt: skip
    if code == "opinions":
        return [
            task(f"{phase.name} — {unit.name}", reverse("opinions-unit", args=[period.pk, unit.pk]))
            for unit in _managed_units(manage, period)
        ]
    if code == "meeting":
        return [
            task(f"{phase.name} — {unit.name}", reverse("reviews-meeting", args=[period.pk, unit.pk]))
            if _holds_reviews(period, unit) else on_period("reviews-period")
            for unit in _managed_units(manage, period)
        ]  # fmt: skip
    if code == "appraisal":
        return [on_period("reviews-period")] if not scope_for(viewer, Perm.REVIEWS_APPRAISE).empty else []
    if code == "decision":
        return [on_period("reviews-decisions")] if not scope_for(viewer, Perm.REVIEWS_DECIDE).empty else []
    if code == "notification":
        tasks = [on_period("reviews-complaints")] if not scope_for(viewer, Perm.COMPLAINTS_HANDLE).empty else []
        for review in [r for r in mine if r.period_id == period.pk and r.decision_id]:
            tasks.append(
                task(
                    _("Xem kết quả xếp loại (%(own)s) — %(period)s") % {"own": _own(review), "period": period.name},
                    reverse("reviews-detail", args=[review.pk]),
                )
            )
        return tasks
    if code == "synthesis":
        view = scope_for(viewer, Perm.REVIEWS_VIEW)
        return [
            task(f"{phase.name} — {unit.name}",
                 f"{reverse('reports-synthesis')}?{urlencode({'don-vi': unit.pk, 'ky': period.pk})}")
            for unit in _managed_units(view, period)
        ]  # fmt: skip
    return [on_period("periods-detail")] if not manage.empty else []


def opinion_tasks(viewer: User | AnonymousUser) -> list[Task]:
    if not viewer.is_authenticated:
        return []
    sheets = pending_sheets(viewer)
    if not sheets:
        return []
    n = len(sheets)
    text = ngettext("Cho ý kiến nhận xét, đánh giá: %(n)d phiếu đang chờ",
                    "Cho ý kiến nhận xét, đánh giá: %(n)d phiếu đang chờ", n) % {"n": n}  # fmt: skip
    return [Task(text, reverse("opinions-mine"), min(s.group.deadline for s in sheets))]


def pending_work(
    viewer: User | AnonymousUser, today: dt.date | None = None, mine: list[Review] | None = None
) -> list[Task]:
    """What the user has to do now, each item a link to the page where it is done (the form, the meeting, the
    sheets), not to the period: their own self-reviews and opinion sheets, then the steps they run. `mine`: the
    viewer's own reviews (`own_reviews`), if the caller has already read them."""
    today = today or dates.today()
    mine = own_reviews(viewer) if mine is None else mine
    tasks = own_review_tasks(mine, today) + opinion_tasks(viewer)
    for period, phase in open_phase_deadlines(viewer, today):
        tasks += phase_tasks(viewer, period, phase, mine)
    org_scope = scope_for(viewer, Perm.ORGS_VIEW)
    if not org_scope.empty:
        missing = cells_without_head(org_scope).count()
        if missing:
            text = ngettext(
                "%(n)d chi bộ chưa có bí thư: cần kiện toàn trước khi kiểm điểm",
                "%(n)d chi bộ chưa có bí thư: cần kiện toàn trước khi kiểm điểm",
                missing,
            ) % {"n": missing}
            tasks.append(Task(text, reverse("orgs-missing-heads")))
    quota_scope = scope_for(viewer, Perm.QUOTAS_MANAGE)
    if not quota_scope.empty:
        empty = (
            QuotaGroup.objects.filter(quota_scope.q("unit__path"), period__status="open")
            .annotate(n=Count("entries")).filter(n=0).select_related("period")
        )  # fmt: skip
        for group in empty[:5]:
            tasks.append(
                Task(
                    _("Nhóm «%(name)s» chưa có đối tượng") % {"name": group.name},
                    reverse("periods-group", args=[group.period_id, group.pk]),
                )
            )
    return tasks


def scope_summary(viewer: User | AnonymousUser) -> SubtreeCounts | None:
    scope = scope_for(viewer, Perm.ORGS_VIEW)
    return None if scope.empty else subtree_counts(scope)
