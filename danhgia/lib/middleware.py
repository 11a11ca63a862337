"""Requests the application refuses before any view reads them."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from danhgia.lib.error_views import bad_request

# C0 control characters but tab, line feed, vertical tab, form feed and carriage return (which a pasted text can
# hold), and DEL. Nobody types them; PostgreSQL refuses a NUL in a text column (a server error), and the XML of a
# Word or Excel file cannot hold the others.
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


class RefuseControlCharactersMiddleware:
    """A request whose query or form values (or names) hold a control character is a 400, changing nothing.

    Django's form fields refuse a NUL themselves, but the pages with rows of inputs (the self-review's sections and
    tasks, the meeting grid's comments, the decision page's reasons) read the posted values directly: this covers
    them, and any page to come, in one place.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sent = [request.GET, request.POST] if request.method == "POST" else [request.GET]
        for values in sent:
            for key, items in values.lists():
                if CONTROL.search(key) or any(CONTROL.search(item) for item in items):
                    if request.path.startswith("/api/"):  # the JSON API answers every error in JSON
                        name = CONTROL.sub("?", key[:40])
                        message = _("Tham số «%(name)s» chứa ký tự điều khiển.") % {"name": name}
                        return JsonResponse(
                            {"detail": message, "errors": [{"parameter": name, "message": message}]},
                            status=400,
                            json_dumps_params={"ensure_ascii": False},
                        )
                    return bad_request(request, ValueError(f"control character in «{key[:40]}»"))
        return self.get_response(request)
