from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from danhgia.accounts.access import require_perm
from danhgia.accounts.permissions import Perm
from danhgia.audit.display import describe
from danhgia.audit.forms import AuditFilterForm
from danhgia.audit.selectors import audit_events
from danhgia.lib.paging import paginate, query_without_page


def event_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.AUDIT_VIEW)
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, audit_events(request.user, **{k: v for k, v in filters.items() if v}))
    rows = [describe(event) for event in page]
    context = {"form": form, "page": page, "rows": rows, "page_query": query_without_page(request)}
    return render(request, "audit/list.html", context)
