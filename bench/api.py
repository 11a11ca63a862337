"""Benchmark of the JSON API (issue 10): a province's members read a page of 500 at a time.

Target (issue 10, PostgreSQL): listing members, 10,000 or more in scope, in pages of 500, each page under 200 ms
of server time. Measured in-process with Django's test client (the whole request through middleware, the token's
authentication, the scope, the query, the JSON and its ETag; no network), as bench/foundation.py measures pages:
the first page, a page in the middle (`after_id`), the last page, and the walk through every page.

Data: the demo province at BENCH_SCALE (default 0.15: about 10,000 members), read with the token of the province's
organization officer (its scope is the whole province).

    .venv/bin/python bench/run.py api          # BENCH_SCALE=1 for the full province (≈ 70,000 members)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path
from typing import Any

from bench.foundation import timed

TARGET_PAGE_MS = 200
PAGE = 500


def run(out_dir: Path) -> dict[str, Any]:
    from django.test import Client, override_settings

    from danhgia.accounts.models import User
    from danhgia.api.services import token_create
    from danhgia.demo.generator import seed
    from danhgia.lib.dates import today
    from danhgia.people.models import PartyMember

    scale = float(os.environ.get("BENCH_SCALE", "0.15"))
    started = time.perf_counter()
    seed(scale=scale, out=lambda line: None, accounts_file=out_dir / "bench-accounts.json", history=0)
    members = PartyMember.objects.count()
    print(f"  Tỉnh trình diễn tỷ lệ {scale:g}: {members:,} đảng viên ({time.perf_counter() - started:.0f} s)")
    officer = User.objects.get(username="bantochuc")
    week = today() + dt.timedelta(days=7)
    _token, raw = token_create(user=officer, name="Đo tốc độ", expires_on=week, actor=officer)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def page(after: int | None = None) -> dict[str, Any]:
        url = f"/api/v1/members/?limit={PAGE}" + (f"&after_id={after}" if after else "")
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        return json.loads(response.content)

    results: list[dict[str, Any]] = []
    # The rate limit is the service's, not what is measured here.
    with override_settings(DANHGIA_API_RATE_PER_MINUTE=1_000_000):
        afters: list[int | None] = [None]
        walked = 0
        walk_started = time.perf_counter()
        body = page()
        while True:
            walked += len(body["items"])
            after = _next_after(body)
            if after is None:
                break
            afters.append(after)
            body = page(after)
        walk_s = time.perf_counter() - walk_started
        for label, after in (
            ("Trang đầu", afters[0]),
            ("Trang giữa", afters[len(afters) // 2]),
            ("Trang cuối", afters[-1]),
        ):
            median, p95 = timed(lambda after=after: page(after))  # type: ignore[misc]
            results.append(
                {"page": label, "median_ms": round(median, 1), "p95_ms": round(p95, 1), "ok": p95 < TARGET_PAGE_MS}
            )
    for r in results:
        verdict = "đạt" if r["ok"] else "KHÔNG ĐẠT"
        print(f"  {r['page']:<12} {PAGE} đảng viên: trung vị {r['median_ms']:>7.1f} ms, p95 {r['p95_ms']:>7.1f} ms"
              f" (< {TARGET_PAGE_MS} ms: {verdict})")  # fmt: skip
    print(f"  Đọc hết {walked:,} đảng viên qua {len(afters)} trang: {walk_s:.2f} s")
    result = {
        "scale": scale,
        "members": members,
        "read": walked,
        "pages": len(afters),
        "walk_s": walk_s,
        "measured": results,
        "ok": walked >= min(members, 10_000) and all(r["ok"] for r in results),
    }
    (out_dir / "api.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return result


def _next_after(body: dict[str, Any]) -> int | None:
    """The `after_id` of the next page, from the answer's `next` link (None on the last page)."""
    link = body.get("next")
    if not link:
        return None
    for part in link.split("?", 1)[-1].split("&"):
        if part.startswith("after_id="):
            return int(part.removeprefix("after_id="))
    return None
