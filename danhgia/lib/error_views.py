"""Error views of our own: the CSRF failure with the layout and menu, the 400 page without the request, and the
page of a stored file that cannot be handed out."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from danhgia.lib.files import Unavailable


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent with a missing or stale CSRF token: say the form expired and link back to it.

    Django's own view renders 403_csrf.html without the request; this one gives it the layout and the menu.
    The link goes back to the page the form was on (the Referer, when it is this site), else to the address
    the form was sent to, which shows the form again on a GET.
    """
    referer = request.headers.get("Referer", "")
    same_site = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    form_url = referer if referer and same_site else request.get_full_path()
    return render(request, "403_csrf.html", {"form_url": form_url, "reason": reason}, status=403)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400, rendered without the request like 500.html: it may come before the middleware set the user. Under
    /api/ it is JSON, as every answer of the API (a body Django cannot parse: a multipart without its boundary)."""
    if request.path.startswith("/api/"):
        body = {"detail": _("Yêu cầu không hợp lệ."), "errors": []}  # the schema's BadRequest
        return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
    return HttpResponseBadRequest(loader.get_template("400.html").render())


def shows_unavailable(view: Callable[..., Any]) -> Callable[..., Any]:
    """A view that hands out a stored file: when the file is gone or cannot be used (lib/files.Unavailable), the
    reason on a page with the layout and the menu, with the error's status (410 for a lost file), not a 500."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except Unavailable as error:
            return render(request, "errors/unavailable.html", {"message": str(error)}, status=error.status)

    return wrapper
