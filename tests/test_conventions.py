"""Project rules that code review alone would let slip (architecture.md, Conventions)."""

import re
from io import StringIO
from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent / "danhgia"
GUARDED = [
    *("Unit", "Person", "PartyMember", "Membership", "Post", "Period", "QuotaGroup", "AuditEvent"),
    *("Review", "Decision", "Complaint", "Shortcoming", "Evidence", "EvaluatorGroup", "Respondent", "Opinion"),
    *("Exclusion", "Meeting"),
]


def test_views_fetch_guarded_rows_only_through_access_helpers():
    names = "|".join(GUARDED)
    pattern = re.compile(rf"\b({names})\.objects\.(get|filter|select_related)\(|get_object_or_404\(\s*({names})\b")
    offenders = []
    for views in [*ROOT.glob("*/views.py"), *ROOT.glob("*/*_views.py")]:
        for number, line in enumerate(views.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                offenders.append(f"{views.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == [], "use access_*() in views:\n" + "\n".join(offenders)


def test_accounts_imports_none_of_the_apps_built_on_it():
    # accounts holds the scopes, the permissions and the guards of the shared rows (units, persons, periods);
    # each app guards its own rows in its own access module, on top of accounts, never the other way round.
    pattern = re.compile(r"^\s*(from|import) danhgia\.(reviews|documents|reports)\b", re.MULTILINE)
    offenders = [
        str(module.relative_to(ROOT))
        for module in (ROOT / "accounts").rglob("*.py")
        if pattern.search(module.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def _types_in(annotation: object) -> list[type]:
    """The classes an annotation names: `tuple[Unit, Period | None]` names Unit and Period."""
    args = getattr(annotation, "__args__", None)
    if args:
        return [t for arg in args for t in _types_in(arg)]
    return [annotation] if isinstance(annotation, type) else []


def test_each_access_helper_lives_in_the_app_that_owns_its_rows():
    # An app's access module returns its own rows, or the shared ones it is a place for (a unit where reviews are
    # held, where Word templates are managed): never another app's (reviews' rows were guarded in accounts).
    import importlib

    from django.db import models

    shared = {"orgs", "people", "periods"}  # no access module of their own: accounts/access.py guards them
    misplaced = []
    for path in sorted(ROOT.glob("*/access.py")):
        app = path.parent.name
        module = importlib.import_module(f"danhgia.{app}.access")
        for name, function in vars(module).items():
            if not name.startswith("access_") or getattr(function, "__module__", None) != module.__name__:
                continue
            returned = eval(function.__annotations__["return"], vars(module))  # noqa: S307 (our own annotations)
            labels = {t._meta.app_label for t in _types_in(returned) if issubclass(t, models.Model)}
            assert labels, f"{app}/access.py:{name} returns no model"
            if not labels <= {app} | shared:
                misplaced.append(f"{app}/access.py:{name} guards rows of {sorted(labels)}")
    assert misplaced == []


REVIEW_STATES = "draft|submitted|proposed|appraised|decided|complained|excluded"


def test_the_sets_of_review_states_are_named_in_states_py_only():
    # A rule about "decided or under complaint" is written once (reviews/states.py: LOCKED, DECIDABLE, …); pages ask
    # the review (review.is_locked) or the user's rights on it (rights.can_…), never compare states.
    in_code = re.compile(
        rf"[{{\[(]\s*(ReviewState\.[A-Z_]+|[\"'](?:{REVIEW_STATES})[\"'])\s*,\s*(ReviewState\.|[\"'](?:{REVIEW_STATES})[\"'])"
    )
    in_templates = re.compile(rf"\bstate\s*[!=]=\s*[\"'](?:{REVIEW_STATES})[\"']")
    offenders = []
    for module in ROOT.rglob("*.py"):
        if module.name == "states.py" or "migrations" in module.parts or "demo" in module.parts:
            continue
        for number, line in enumerate(module.read_text(encoding="utf-8").splitlines(), start=1):
            if in_code.search(line):
                offenders.append(f"{module.relative_to(ROOT)}:{number}: {line.strip()}")
    for template in (ROOT / "templates").rglob("*.html"):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), start=1):
            if in_templates.search(line):
                offenders.append(f"{template.relative_to(ROOT)}:{number}")
    assert offenders == [], "name the set in reviews/states.py:\n" + "\n".join(offenders)


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
