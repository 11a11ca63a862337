from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_PARAM = "trang"


class DeferredJoinPaginator(Paginator):
    """Pages of a large queryset: first the ids of the page (a sort on narrow rows), then only those rows.

    OFFSET over a join sorts every joined row in full width; sorting ids and fetching 50 rows keeps deep
    pages (page 700 of a province's 69,190 members) as fast as the first ones.
    """

    # Paginator._get_page is Django's documented hook for the page's object list; the stubs omit it.
    def _get_page(self, object_list: Any, number: int, paginator: Paginator) -> Page:
        full = self.object_list
        if isinstance(object_list, QuerySet) and isinstance(full, QuerySet):
            ids = list(object_list.values_list("pk", flat=True))
            rows = {row.pk: row for row in full.filter(pk__in=ids)}
            object_list = [rows[i] for i in ids if i in rows]
        return Page(object_list, number, paginator)


def paginate(request: HttpRequest, items: Any, per_page: int | None = None) -> Page:
    """The requested page of a list (?trang=N); a bad or out-of-range number gives the nearest page."""
    paginator = DeferredJoinPaginator(items, per_page or settings.DANHGIA_PAGE_SIZE)
    return paginator.get_page(request.GET.get(PAGE_PARAM))


def query_without_page(request: HttpRequest) -> str:
    """The current query string without the page number, to build page links."""
    params = request.GET.copy()
    params.pop(PAGE_PARAM, None)
    return params.urlencode()
