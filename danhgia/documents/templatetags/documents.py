"""{% documents_block period unit %}: the unit page's documents block (links and the batch), rendered on the server
so that the reviews app's view needs no change and the block works without JavaScript."""

from __future__ import annotations

from typing import Any

from django import template

from danhgia.documents import selectors, services
from danhgia.documents.forms import BatchForm
from danhgia.orgs.models import Unit
from danhgia.periods.models import Period

register = template.Library()


def block_context(request: Any, period: Period, unit: Unit, form: BatchForm | None = None) -> dict[str, Any]:
    job = selectors.latest_job(request.user, period, unit)
    return {
        "period": period,
        "unit": unit,
        "job": job,
        "stale": job is not None and services.job_is_stale(job),
        "form": form or BatchForm(initial={"subtree": True, "formats": ["docx", "pdf"]}),
        "has_children": unit.children.exists(),
        "authorities": selectors.notice_authorities(period, unit),
        "meeting": selectors.meeting_of(period, unit),
        "request": request,
    }


@register.inclusion_tag("documents/_batch.html", takes_context=True)
def documents_block(context: template.Context, period: Period, unit: Unit) -> dict[str, Any]:
    return {**block_context(context["request"], period, unit), "csrf_token": context.get("csrf_token")}
