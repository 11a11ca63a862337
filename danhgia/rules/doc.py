"""The rule tables of docs/rules.md, generated from the rulebooks so that the documentation cannot drift.

python -m danhgia.rules.doc --write     rewrite the generated part of docs/rules.md
python -m danhgia.rules.doc             print it
"""

from __future__ import annotations

import sys
from pathlib import Path

from danhgia.rules.checks import CHECKS
from danhgia.rules.regimes import Regime
from danhgia.rules.rulebook import load_spec

DOC = Path(__file__).resolve().parent.parent.parent / "docs" / "rules.md"
BEGIN = "<!-- BEGIN GENERATED: python -m danhgia.rules.doc --write -->"
END = "<!-- END GENERATED -->"

KIND_LABELS = {
    "party_org": "tổ chức đảng",
    "collective": "tập thể lãnh đạo",
    "unit": "cơ quan, đơn vị",
    "member": "đảng viên",
    "leader": "lãnh đạo, quản lý",
    "member_outside": "ĐV ngoài HTCT",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def generated() -> str:
    lines: list[str] = []
    for regime in Regime:
        spec = load_spec(regime)
        q = spec.quota
        lines += [
            f"### {spec.title}",
            "",
            f"Tỷ lệ: **{q.rule}** — {q.description} ({q.source}). Mặc định: rate {q.rate:g}, base `{q.base}`, "
            f"rounding `{q.rounding}`, min_cap {q.min_cap}"
            + (f"; tối đa {q.max_rate:g} theo {q.exception.id}" if q.max_rate and q.exception else "")
            + (f". Chưa xác nhận: {', '.join(q.unconfirmed)}." if q.unconfirmed else "."),
            "",
            f"Người đứng đầu: **{spec.head.id}** — {spec.head.description} ({spec.head.source}).",
            f"Không mức nào đạt: **{spec.undecided.id}** — {spec.undecided.description}"
            + (" *(chưa xác nhận)*" if not spec.undecided.confirmed else "")
            + ".",
            "",
            "| Mã | Áp dụng cho | Kiểm tra | Hiệu lực | Nội dung | Nguồn | Xác nhận |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in spec.rules:
            kinds = ", ".join(KIND_LABELS[k] for k in r.applies_to)
            params = ", ".join(f"{k}={v}" for k, v in r.params.items())
            check = f"`{r.check}`" + (f" ({params})" if params else "")
            status = "có" if r.confirmed else ("**chưa** (mặc định bật)" if r.enabled else "**chưa** (mặc định tắt)")
            lines.append(
                f"| {r.id} | {kinds} | {check} | `{r.effect}` | {_cell(r.description)} | {_cell(r.source)} | {status} |"
            )
        lines.append("")
    lines += ["### Các phép kiểm tra (vocabulary of checks)", ""]
    for name, definition in CHECKS.items():
        doc = (definition.fn.__doc__ if definition.fn else None) or ""
        fields = ", ".join(definition.params.__struct_fields__) or "—"
        lines.append(f"- `{name}` (tham số: {fields}){': ' + doc.strip().splitlines()[0] if doc.strip() else ''}")
    return "\n".join(lines) + "\n"


def render(document: str) -> str:
    head, _, rest = document.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n\n{generated()}\n{END}{tail}"


def main() -> int:
    text = render(DOC.read_text(encoding="utf-8"))
    if "--write" in sys.argv[1:]:
        DOC.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(generated())
    return 0


if __name__ == "__main__":
    sys.exit(main())
