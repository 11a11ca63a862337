from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_PARAM = "trang"


def paginate(request: HttpRequest, items: Any, per_page: int | None = None) -> Page:
    """The requested page of a list (?trang=N); a bad or out-of-range number gives the nearest page."""
    paginator = Paginator(items, per_page or settings.DANHGIA_PAGE_SIZE)
    return paginator.get_page(request.GET.get(PAGE_PARAM))


def query_without_page(request: HttpRequest) -> str:
    """The current query string without the page number, to build page links."""
    params = request.GET.copy()
    params.pop(PAGE_PARAM, None)
    return params.urlencode()
