from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import scope_for
from danhgia.orgs.selectors import root_rows
from danhgia.reports import selectors
from danhgia.reviews.selectors import my_reviews


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "tasks": selectors.pending_work(user),
        "summary": selectors.scope_summary(user),
        "roots": root_rows(user) if not scope_for(user, Perm.ORGS_VIEW).empty else [],
        "own_person": getattr(user, "person", None),
        "my_reviews": list(my_reviews(user)),
    }
    return render(request, "reports/home.html", context)
