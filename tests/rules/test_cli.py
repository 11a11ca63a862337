"""`danhgia classify`: output on success, and bad input refused with exit 2, a JSON error and nothing partial."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import msgspec
import pytest

from danhgia.rules import cli
from danhgia.rules.case import decode
from danhgia.rules.engine import classify

CRITERIA = [{"code": "T1", "group": "task", "grade": "xuat_sac"}, {"code": "C1", "group": "general", "grade": "tot"}]
GOOD = {
    "regime": "R2023",
    "year": 2023,
    "groups": [{"id": "g-members", "name": "Đảng viên Đảng bộ xã A"}],
    "subjects": [
        {"id": "pm-1", "kind": "member", "group": "g-members", "rank": 9, "criteria": CRITERIA},
        {"id": "pm-2", "kind": "member", "group": "g-members", "status": {"exempt": True}},
        *(
            {"id": f"pm-{i}", "kind": "member", "group": "g-members", "proposed": "HTT", "criteria": CRITERIA}
            for i in range(3, 8)
        ),
    ],
}


def classify_cli(*args: str, stdin: bytes | None = None, module: bool = False) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "danhgia", "classify", *args] if module else [
        str(Path(sys.executable).parent / "danhgia"), "classify", *args]  # fmt: skip
    return subprocess.run(command, input=stdin, capture_output=True, check=False)


def test_classify_a_file_stdin_and_module_give_the_same_bytes(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(GOOD, ensure_ascii=False), encoding="utf-8")
    by_file = classify_cli(str(path))
    by_stdin = classify_cli("-", stdin=path.read_bytes())
    by_module = classify_cli(str(path), module=True)
    assert by_file.returncode == by_stdin.returncode == by_module.returncode == 0
    assert by_file.stdout == by_stdin.stdout == by_module.stdout
    out = json.loads(by_file.stdout)
    assert out["regime"] == "R2023" and out["quota"][0]["granted"] == 1
    assert {r["id"]: r["level"] for r in out["results"]}["pm-2"] is None


BAD: list[tuple[str, Any, str, str]] = [
    ("malformed JSON", b'{"regime": "R2023", "subjects": [', "", "malformed_json"),
    ("not an object", b"[1, 2]", "", "type_error"),
    ("unknown field", {**GOOD, "colour": "red"}, "colour", "unknown_field"),
    ("unknown subject field", {**GOOD, "subjects": [{"id": "a", "kind": "member", "weight": 3}]}, "subjects[0].weight",
     "unknown_field"),
    ("score out of range", {**GOOD, "subjects": [{"id": "a", "kind": "member", "score": {"general": 35, "task": 10}}]},
     "subjects[0].score.general", "out_of_range"),
    ("negative count", {**GOOD, "subjects": [{"id": "a", "kind": "member", "targets": {"total": -1}}]},
     "subjects[0].targets.total", "out_of_range"),
    ("more completed than assigned", {**GOOD, "subjects": [{"id": "a", "kind": "member",
     "targets": {"total": 3, "completed": 5}}]}, "subjects[0].targets.completed", "out_of_range"),
    ("unknown level", {**GOOD, "subjects": [{"id": "a", "kind": "member", "proposed": "GOOD"}]}, "subjects[0].proposed",
     "invalid_value"),
    ("duplicate ids", {**GOOD, "subjects": [{"id": "a", "kind": "member"}, {"id": "a", "kind": "leader"}]},
     "subjects[1].id", "duplicate_id"),
    ("duplicate groups", {**GOOD, "groups": [{"id": "g"}, {"id": "g"}]}, "groups[1].id", "duplicate_id"),
    ("unknown group", {**GOOD, "subjects": [{"id": "a", "kind": "member", "group": "g-x"}]}, "subjects[0].group",
     "unknown_group"),
    ("unknown head target", {**GOOD, "subjects": [{"id": "a", "kind": "member", "heads": "nobody"}]}, "subjects[0].heads",
     "unknown_subject"),
    ("head cycle", {**GOOD, "subjects": [{"id": "a", "kind": "unit", "heads": "b"}, {"id": "b", "kind": "unit", "heads": "a"}]},
     "subjects[0].heads", "head_cycle"),
    ("heading oneself", {**GOOD, "subjects": [{"id": "a", "kind": "unit", "heads": "a"}]}, "subjects[0].heads", "head_cycle"),
    ("bad date", {**GOOD, "as_of": "31/12/2023"}, "as_of", "invalid_date"),
    ("no regime nor year", {"subjects": []}, "regime", "missing_field"),
    ("year before 2018", {"year": 2016, "subjects": []}, "year", "out_of_range"),
]  # fmt: skip


@pytest.mark.parametrize(("what", "data", "path", "code"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_exits_2_with_one_json_error_and_nothing_partial(what, data, path, code):
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    done = classify_cli("-", stdin=raw)
    assert done.returncode == 2, done.stderr
    lines = done.stdout.decode().strip().splitlines()
    assert len(lines) == 1  # one JSON object, no partial result
    error = json.loads(lines[0])["error"]
    assert (error["path"], error["code"]) == (path, code)
    assert error["message"] and error["message"][-1] == "."
    assert done.stderr.decode().startswith("Lỗi dữ liệu vào")


def test_missing_file_and_missing_argument_exit_2(tmp_path):
    done = classify_cli(str(tmp_path / "none.json"))
    assert done.returncode == 2 and json.loads(done.stdout)["error"]["code"] == "file_not_found"
    assert "không có tệp này" in done.stderr.decode()
    done = classify_cli()
    assert done.returncode == 2 and json.loads(done.stdout)["error"]["code"] == "usage"


def test_local_rules_from_a_file(tmp_path):
    case = {
        "regime": "R2025",
        "year": 2025,
        "subjects": [{"id": "a", "kind": "member", "score": {"general": 30, "task": 64}}],
    }
    rules = [{"id": "TINH-95", "applies_to": ["member"], "check": "score_at_least", "params": {"threshold": 95},
              "effect": "requires:HTXS", "description": "Tỉnh yêu cầu 95 điểm cho HTXS", "source": "HD 01-HD/TU"}]  # fmt: skip
    (tmp_path / "case.json").write_text(json.dumps(case))
    (tmp_path / "rules.json").write_text(json.dumps(rules))
    done = classify_cli(str(tmp_path / "case.json"), "--local-rules", str(tmp_path / "rules.json"))
    result = json.loads(done.stdout)["results"][0]
    assert result["level"] == "HTT" and result["reasons"][0]["rule"] == "TINH-95"


def test_an_internal_failure_exits_1(monkeypatch, tmp_path, capsys):
    (tmp_path / "case.json").write_text(json.dumps(GOOD))

    def broken(case: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "classify", broken)
    assert cli.main([str(tmp_path / "case.json")]) == 1
    assert "Lỗi nội bộ" in capsys.readouterr().err


def test_chunked_output_is_byte_identical_to_a_single_encode(monkeypatch):
    output = classify(decode(msgspec.json.encode(GOOD)))
    monkeypatch.setattr(cli, "CHUNK", 2)
    buffer = io.BytesIO()
    cli.write_output(output, buffer)
    assert buffer.getvalue() == msgspec.json.encode(output) + b"\n"
