from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from danhgia.accounts.models import User
from danhgia.audit.models import Action
from danhgia.audit.services import record


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý chữ hoa, chữ thường."),
        "inactive": _("Tài khoản này đã bị khóa."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập")
        self.fields["password"].label = _("Mật khẩu")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        # Django sets the field's max_length after building it, so nothing checks it: a 1,000-character name went on
        # to the lock-out's table (django-axes, 255 characters), a server error on PostgreSQL.
        self.fields["username"].validators.append(MaxLengthValidator(User._meta.get_field("username").max_length))


def demo_accounts() -> list[dict[str, Any]]:
    path = Path(settings.VAR_DIR) / "demo-accounts.json"
    if not settings.DEMO_MODE or not path.exists():
        return []
    return json.loads(path.read_text(encoding="utf-8"))


@never_cache
@csrf_protect
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            login(request, user)
            record(actor=user, action=Action.LOGIN, target=user)
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
        # The account tried, when there is one; what was typed otherwise stays out of the log: a password typed into
        # the username box is a secret (never log secrets).
        typed = request.POST.get("username", "").strip()
        tried = User.objects.filter(username=typed).first() if typed else None
        record(actor=None, action=Action.LOGIN_FAILED, target=tried, label="" if tried else "(tài khoản không có)")
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": next_url, "demo_mode": settings.DEMO_MODE, "demo_accounts": demo_accounts()},
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record(actor=request.user, action=Action.LOGOUT, target=request.user)
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)
