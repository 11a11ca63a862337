"""Guards of the API app's own rows: a user's tokens are theirs alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from danhgia.accounts.access import refuse
from danhgia.api.models import ApiToken

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from danhgia.accounts.models import User


def access_token(user: User | AnonymousUser, token_id: int) -> ApiToken:
    """One of the user's own tokens; anybody else's is not found (a token is never managed by another user)."""
    token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
    if token is None:
        raise Http404("Không tìm thấy mã truy cập.")
    if token.user_id != user.pk:
        refuse(user, token, not_found=True)
    return token
