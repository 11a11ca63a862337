from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

# Pages reachable without logging in (/i18n/: the language switch, shown on the login page too; /y-kien/lien-ket/:
# opinions given through a single-use link by respondents without an account, the token being their credential;
# /api/: the JSON API authenticates each call by its bearer token and answers 401 in JSON, never a login redirect —
# its schema and documentation pages require the login themselves).
PUBLIC_PREFIXES = ("/dang-nhap/", "/static/", "/favicon.ico", "/i18n/", "/y-kien/lien-ket/", "/api/")


class LoginRequiredMiddleware:
    """Every page needs a logged-in user, except the login page, static files and the language switch."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            if request.path.startswith(reverse("admin:index")):
                return self.get_response(request)
            if getattr(request, "htmx", False):
                response = HttpResponse(status=401)
                response["HX-Redirect"] = settings.LOGIN_URL and reverse(settings.LOGIN_URL)
                return response
            return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
        return self.get_response(request)
