import datetime as dt

import pytest
from django.core.cache import cache

from tests.reviews.conftest import proposed  # noqa: F401  (the review workflow's commune, cells decided)


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    # Token ids come back after a test's rollback: a count left in the cache would belong to the next test's token.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token_of():
    """token_of(user, write=False): a new token's secret for that user, made through the service."""
    from danhgia.api.services import token_create

    def make(user, days=30, write=False):
        expires = dt.date.today() + dt.timedelta(days=days)
        _, raw = token_create(user=user, name="Kho dữ liệu", expires_on=expires, actor=user, can_write=write)
        return raw

    return make


@pytest.fixture
def call(client):
    """call(raw, url, **headers): a GET with the token, without a session."""

    def get(raw, url, **headers):
        if raw is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        return client.get(url, **headers)

    return get


@pytest.fixture
def post(client):
    """post(raw, url, data=None, json=None, **headers): a POST with the token, without a session; `data` is sent as
    multipart (files as SimpleUploadedFile), `json` as an application/json body."""
    import json as jsonlib

    def send(raw, url, data=None, json=None, **headers):
        if raw is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        if json is not None:
            return client.post(url, jsonlib.dumps(json), content_type="application/json", **headers)
        return client.post(url, data or {}, **headers)

    return send
