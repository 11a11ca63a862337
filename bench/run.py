"""Run the benchmarks and print their figures (`make bench`).

    .venv/bin/python bench/run.py [foundation ...] [--keep]

Each benchmark that needs a database gets a fresh PostgreSQL database (`danhgia_bench`, or the name in
DANHGIA_BENCH_DB; dropped and created again), as the targets are stated for PostgreSQL at full scale. Results
are printed and written as JSON under bench/out/; docs/benchmarks.md records them with the machine they ran on.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
# Another name (DANHGIA_BENCH_DB) lets two benchmarks run at once on one server without dropping each other's.
DATABASE = os.environ.get("DANHGIA_BENCH_DB", "danhgia_bench")
BENCHMARKS = ["foundation", "classify", "reviews", "reports", "documents", "imports", "api"]


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GB"
    except (OSError, ValueError, IndexError):
        pass
    with psycopg.connect(dbname="postgres") as conn:
        row = conn.execute("SHOW server_version").fetchone()
    postgres = row[0] if row else "?"
    return f"{cpu}, {os.cpu_count()} cores, {mem}; Python {platform.python_version()}; PostgreSQL {postgres}"


def fresh_database() -> None:
    with psycopg.connect(dbname="postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    os.environ.update({"DANHGIA_DB": "postgres", "PGDATABASE": DATABASE, "DANHGIA_DEMO": "1"})
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> int:
    parser = argparse.ArgumentParser(description="DanhGia benchmarks")
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all of {', '.join(BENCHMARKS)})")
    args = parser.parse_args()
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"không có benchmark: {', '.join(unknown)} (có: {', '.join(BENCHMARKS)})")
    args.names = args.names or BENCHMARKS
    sys.path.insert(0, str(ROOT))
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"Máy: {machine()}")
    failed = []
    for name in args.names:
        print(f"\n== {name} ==")
        if name == "foundation":
            fresh_database()
            from bench import foundation

            result = foundation.run(OUT)
            if not result["seed_ok"] or not all(p["ok"] for p in result["pages"]):
                failed.append(name)
        elif name == "classify":
            # The engine needs no database: generated case files, each classified in a fresh process.
            from bench import classify

            outcome = classify.run(OUT, [*classify.PROVINCE_CASES, "nation"])
            if not all(r["ok"] for r in outcome.values()):
                failed.append(name)
        elif name == "reviews":
            fresh_database()
            from bench import reviews

            result = reviews.run(OUT)
            if not (result["opening"]["ok"] and result["page"]["ok"] and result["deciding"]["ok"]):
                failed.append(name)
        elif name == "reports":
            fresh_database()
            from bench import reports

            result = reports.run(OUT)
            if not all(p["ok"] for p in result["pages"]):
                failed.append(name)
        elif name == "documents":
            fresh_database()
            from bench import documents

            if not documents.run(OUT)["ok"]:
                failed.append(name)
        elif name == "imports":
            fresh_database()
            from bench import imports

            if not imports.run(OUT)["ok"]:
                failed.append(name)
        elif name == "api":
            fresh_database()
            from bench import api

            if not api.run(OUT)["ok"]:
                failed.append(name)
    print("\nKết quả ghi ở bench/out/.")
    if failed:
        print(f"Chưa đạt mục tiêu: {', '.join(failed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
