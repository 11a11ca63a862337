"""«Mã truy cập API»: the user's own personal access tokens — create (the secret is shown once), list, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from danhgia.accounts.models import User
from danhgia.api import services
from danhgia.api.access import access_token
from danhgia.api.forms import TokenForm
from danhgia.api.models import ApiToken
from danhgia.lib.forms import apply_errors


@never_cache  # the page that shows a new secret must never be stored by a browser or a proxy
def tokens(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.token_create(
                user=user,
                name=form.cleaned_data["name"],
                expires_on=form.cleaned_data["expires_on"],
                can_write=form.cleaned_data["can_write"],
                actor=user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            form = TokenForm()
    listed = ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
    return render(request, "api/tokens.html", {"form": form, "secret": secret, "tokens": listed})


@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    token = access_token(user, token_id)
    try:
        services.token_revoke(token=token, actor=user)
    except ValidationError:
        messages.info(request, _("Mã này đã được thu hồi trước đó."))
    else:
        messages.success(request, _("Đã thu hồi mã «%(name)s»: mã không còn dùng được.") % {"name": token.name})
    return redirect("api-tokens")
