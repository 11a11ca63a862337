"""Project rules that code review alone would let slip (architecture.md, Conventions)."""

import re
from io import StringIO
from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent / "danhgia"
GUARDED = [
    *("Unit", "Person", "PartyMember", "Membership", "Post", "Period", "QuotaGroup", "AuditEvent"),
    *("Review", "Decision", "Complaint", "Shortcoming", "Evidence", "EvaluatorGroup", "Respondent", "Opinion"),
]


def test_views_fetch_guarded_rows_only_through_access_helpers():
    pattern = re.compile(rf"\b({'|'.join(GUARDED)})\.objects\.(get|filter)\(")
    offenders = []
    for views in [*ROOT.glob("*/views.py"), *ROOT.glob("*/*_views.py")]:
        for number, line in enumerate(views.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                offenders.append(f"{views.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == [], "use access_*() in views:\n" + "\n".join(offenders)


def test_migrations_do_not_import_app_code():
    for migration in ROOT.glob("*/migrations/0*.py"):
        text = migration.read_text(encoding="utf-8")
        assert not re.search(r"^from danhgia|^import danhgia", text, re.MULTILINE), migration


def test_no_model_change_lacks_a_migration(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)


def test_rules_engine_does_not_import_django():
    for module in (ROOT / "rules").rglob("*.py"):
        assert "django" not in module.read_text(encoding="utf-8"), module


def test_permissions_doc_matches_the_matrix():
    from danhgia.accounts.management.commands.permissions import matrix_markdown

    doc = (ROOT.parent / "docs" / "permissions.md").read_text(encoding="utf-8")
    assert doc == matrix_markdown(), "run: danhgia permissions > docs/permissions.md"


def test_rules_doc_matches_the_rulebooks():
    from danhgia.rules.doc import DOC, render

    text = DOC.read_text(encoding="utf-8")
    assert text == render(text), "run: python -m danhgia.rules.doc --write"
