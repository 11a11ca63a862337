"""Benchmark of the import (issue 10): the full demo province exported to the DanhGia template, then imported.

Targets on PostgreSQL, 2-core machine: importing the province's file into an empty database, the dry run and the
import each under 60 s with under 1 GB of memory; importing the unchanged file again (dry run and import) under
30 s.

Data: the full-scale demo province (≈ 70,000 members, 5,200 units, its posts, two past years' results and the open
period's quota groups), seeded as bench/foundation.py does, its units
given codes as a real province's have (the export writes «DG-<id>» for a unit without one, which means nothing to
another database). Each step runs in a fresh process, so that its peak memory is its own.

    .venv/bin/python bench/run.py imports          # BENCH_SCALE=0.2 for a fifth of the province
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

TARGET_FRESH_S = 60.0  # dry run, and import, each
TARGET_AGAIN_S = 30.0  # dry run + import of the unchanged file
TARGET_MEMORY_GB = 1.0
EMPTY_DATABASE = os.environ.get("DANHGIA_BENCH_DB", "danhgia_bench") + "_import"


def _child(step: str, *args: str, database: str) -> dict[str, Any]:
    env = {**os.environ, "PGDATABASE": database, "DANHGIA_DB": "postgres", "DANHGIA_DEMO": "1"}
    done = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--child", step, *args], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode:
        raise RuntimeError(f"{step}: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def child(step: str, args: list[str]) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from danhgia.imports.models import Import
    from danhgia.imports.services import import_apply, import_plan
    from danhgia.orgs.models import Unit

    if step == "migrate":
        call_command("migrate", verbosity=0)
        print(json.dumps({}))
        return
    started = time.perf_counter()
    if step == "plan":
        path, scope_code = Path(args[0]), args[1]
        scope = Unit.objects.get(code=scope_code) if scope_code else None
        run = import_plan(path=path, name=path.name, actor=None, scope=scope)
        result: dict[str, Any] = {"id": run.pk, "counts": run.counts}
    else:
        run = Import.objects.get(pk=int(args[0]))
        import_apply(run=run, actor=None, digest=run.report["digest"], skip_refused=True)
        result = {"id": run.pk}
    result["seconds"] = time.perf_counter() - started
    result["peak_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(json.dumps(result))


def _fresh(name: str) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")


def run(out_dir: Path) -> dict[str, Any]:
    from django.db import connection
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    from danhgia.demo.generator import seed
    from danhgia.imports import template
    from danhgia.orgs.models import Unit
    from danhgia.people.models import Membership

    scale = float(os.environ.get("BENCH_SCALE", "1"))
    started = time.perf_counter()
    seed(scale=scale, out=lambda _: None, history=2)  # two years of results, as the file has
    print(f"  nạp tỉnh trình diễn (tỷ lệ {scale:g}): {time.perf_counter() - started:.1f} s")
    Unit.objects.update(code=Concat(Value("U"), Cast("id", CharField())))
    province = Unit.objects.get(parent=None)
    members = Membership.objects.filter(valid_to__isnull=True).count()
    path = out_dir / "import-province.xlsx"
    started = time.perf_counter()
    with path.open("wb") as f:
        template.export(f, scope=province)
    export_s = time.perf_counter() - started
    size_mb = path.stat().st_size / 1e6
    print(f"  xuất {Unit.objects.count():,} đơn vị, {members:,} đảng viên: {export_s:.1f} s, {size_mb:.1f} MB")
    database = connection.settings_dict["NAME"]
    connection.close()

    again_plan = _child("plan", str(path), province.code, database=database)
    again_apply = _child("apply", str(again_plan["id"]), database=database)
    _fresh(EMPTY_DATABASE)
    _child("migrate", database=EMPTY_DATABASE)
    fresh_plan = _child("plan", str(path), "", database=EMPTY_DATABASE)
    fresh_apply = _child("apply", str(fresh_plan["id"]), database=EMPTY_DATABASE)
    again_s = again_plan["seconds"] + again_apply["seconds"]
    result = {
        "scale": scale,
        "members": members,
        "file_mb": size_mb,
        "export_s": export_s,
        "fresh": {"plan": fresh_plan, "apply": fresh_apply},
        "again": {"plan": again_plan, "apply": again_apply},
        "ok": fresh_plan["seconds"] < TARGET_FRESH_S
        and fresh_apply["seconds"] < TARGET_FRESH_S
        and again_s < TARGET_AGAIN_S
        and max(s["peak_gb"] for s in (fresh_plan, fresh_apply, again_plan, again_apply)) < TARGET_MEMORY_GB,
    }
    for what, step in (
        ("Chạy thử, cơ sở dữ liệu trống", fresh_plan),
        ("Nhập, cơ sở dữ liệu trống", fresh_apply),
        ("Chạy thử tệp không đổi", again_plan),
        ("Nhập tệp không đổi", again_apply),
    ):
        counts = f" {step['counts']}" if "counts" in step else ""
        print(f"  {what}: {step['seconds']:.1f} s, bộ nhớ đỉnh {step['peak_gb']:.2f} GB{counts}")
    print(f"  mục tiêu: < {TARGET_FRESH_S:.0f} s mỗi bước (trống), < {TARGET_AGAIN_S:.0f} s (không đổi), < 1 GB: "
          f"{'đạt' if result['ok'] else 'KHÔNG ĐẠT'}")  # fmt: skip
    (out_dir / "imports.json").write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    return result


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3:])
