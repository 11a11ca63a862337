"""The Content-Security-Policy header (settings.CONTENT_SECURITY_POLICY) on every response.

Django 5.2 has none built in (6.0 has); the policy is one fixed string, so a middleware of a few lines does it
without a dependency. A view may set its own header: it is left as it is.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Django's debug pages (DEBUG only) are made of inline scripts and styles: the developer reads them whole.
        if settings.DEBUG and response.status_code in {404, 500}:
            return response
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
