"""access_* helpers for the documents app's own rows (reviews/access.py guards reviews, accounts/access.py units and
periods)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from danhgia.accounts.access import access_unit, refuse
from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import scope_for
from danhgia.documents.models import DocumentJob, DocumentTemplate
from danhgia.orgs.models import Unit

if TYPE_CHECKING:
    from danhgia.accounts.access import AnyUser


def access_job(user: AnyUser, job_id: int) -> DocumentJob:
    """A batch is its requester's alone (it holds every form of the unit), while the unit is in their scope: anyone
    else is told it does not exist."""
    job = DocumentJob.objects.select_related("unit", "period").filter(pk=job_id).first()
    if job is None:
        raise Http404("Không tìm thấy bộ văn bản.")
    if not user.is_authenticated or (job.created_by_id != user.pk and not user.is_superuser):
        refuse(user, job, scope_path=job.unit.path, not_found=True)
    # Its requester keeps it only while the unit is still theirs: one relieved or moved loses it with the rest.
    if not scope_for(user, Perm.REVIEWS_VIEW).contains(job.unit.path):
        refuse(user, job, scope_path=job.unit.path, not_found=True)
    return job


def access_template_unit(user: AnyUser, unit_id: int) -> Unit:
    """The unit whose Word templates are managed: those who manage periods there (the organization committee)."""
    unit = access_unit(user, unit_id)
    if not scope_for(user, Perm.PERIODS_MANAGE).contains(unit.path):
        refuse(user, unit, scope_path=unit.path, not_found=False)
    return unit


def access_template(user: AnyUser, template_id: int) -> DocumentTemplate:
    template = DocumentTemplate.objects.select_related("unit").filter(pk=template_id).first()
    if template is None:
        raise Http404("Không tìm thấy mẫu văn bản.")
    access_template_unit(user, template.unit_id)
    return template
