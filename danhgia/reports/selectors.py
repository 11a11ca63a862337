"""Read models for the home dashboard: the user's pending work first, then the counts of their scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import scope_for
from danhgia.lib import dates
from danhgia.orgs.selectors import SubtreeCounts, cells_without_head, subtree_counts
from danhgia.people.models import QuotaGroup
from danhgia.periods.selectors import open_phase_deadlines

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from danhgia.accounts.models import User


@dataclass
class Task:
    text: str
    url: str
    deadline: dt.date | None = None
    overdue: bool = False


def pending_work(viewer: User | AnonymousUser, today: dt.date | None = None) -> list[Task]:
    """What the user has to do now, each item a link to the page where it is done."""
    today = today or dates.today()
    tasks = [
        Task(f"{phase.name} — {period.name}", reverse("periods-detail", args=[period.pk]), phase.deadline,
             phase.deadline < today)
        for period, phase in open_phase_deadlines(viewer, today)
    ]  # fmt: skip
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
