"""Reads of the documents app, always after an access_* check has passed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from danhgia.documents.contexts import review_queryset
from danhgia.documents.models import DocumentJob, DocumentTemplate
from danhgia.orgs.models import Unit, path_ids
from danhgia.reviews.models import Meeting, Review

if TYPE_CHECKING:
    from danhgia.accounts.access import AnyUser
    from danhgia.periods.models import Period


def review_for_document(review: Review) -> Review:
    """The review again, with everything its form prints (access_review has already checked it)."""
    return review_queryset().get(pk=review.pk)


def meeting_of(period: Period, unit: Unit) -> Meeting | None:
    return Meeting.objects.select_related("period", "unit").filter(period=period, unit=unit).first()


def notice_authorities(period: Period, unit: Unit) -> list[Unit]:
    """The committees that decided reviews held at `unit`: one notice each."""
    ids = (
        Review.objects.filter(period=period, context=unit, decision__isnull=False)
        .values_list("decision__authority_id", flat=True)
        .distinct()
    )
    return list(Unit.objects.filter(pk__in=list(ids)).order_by("path"))


def latest_job(user: AnyUser, period: Period, unit: Unit) -> DocumentJob | None:
    if not user.is_authenticated:
        return None
    return (
        DocumentJob.objects.filter(created_by_id=user.pk, period=period, unit=unit)
        .select_related("unit", "period")
        .order_by("-created_at", "-pk")
        .first()
    )


def templates_for(unit: Unit) -> QuerySet[DocumentTemplate]:
    """Uploaded versions at this unit, newest first."""
    return DocumentTemplate.objects.filter(unit=unit).select_related("created_by").order_by("code", "-version")


def inherited_templates(unit: Unit) -> dict[str, DocumentTemplate]:
    """Active templates uploaded above `unit` that apply to it when it has none of its own."""
    found: dict[str, DocumentTemplate] = {}
    above = path_ids(unit.path)[:-1]
    rows = (
        DocumentTemplate.objects.filter(unit_id__in=above, active=True)
        .select_related("unit")
        .order_by("unit__path", "version")
    )
    for template in rows:
        found[template.code] = template  # deeper and newer ones come last and win
    return found
