"""Security review: report views."""

from __future__ import annotations

import pytest
from django.urls import reverse

PAGES = [
    *("reports-dashboard", "reports-synthesis", "reports-quotas", "reports-screening"),
    *("reports-synthesis-xlsx", "reports-synthesis-pdf", "reports-quotas-xlsx", "reports-screening-xlsx"),
]
CASES = [(name, param) for name in PAGES for param in ("don-vi", "ky")] + [
    ("reports-screening", "so-nam"), ("reports-screening-xlsx", "so-nam"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "param"), CASES)
def test_a_non_ascii_digit_in_the_query_is_not_a_server_error(world, client, name, param):
    # str.isdigit() is true for "²" (and "①"), which int() refuses: _number() raises ValueError → 500.
    client.force_login(world.users["officer"])
    response = client.get(reverse(name) + f"?{param}=%C2%B2")
    assert response.status_code in (200, 404)
