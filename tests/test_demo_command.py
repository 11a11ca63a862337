"""The demo command and seeding into other layouts: each needs an empty database of its own."""

import io
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from danhgia.demo.generator import default_layout, seed
from danhgia.orgs.models import Unit, UnitKind
from danhgia.people.models import QuotaGroup
from danhgia.periods.models import Period


def test_the_2025_layout_has_no_district_level(db, settings, tmp_path):
    settings.DEMO_MODE = True
    seed(scale=0.02, layout="2025", out=lambda _: None, accounts_file=tmp_path / "a.json")
    assert not Unit.objects.filter(kind=UnitKind.DISTRICT_COMMITTEE).exists()
    province = Unit.objects.get(parent__isnull=True)
    assert Unit.objects.filter(parent=province, kind=UnitKind.COMMUNE_COMMITTEE).exists()
    # No district and no town (thị trấn) in any name: after 2025 there are only xã, phường, đặc khu.
    assert not Unit.objects.filter(name__contains="huyện").exists()
    assert not Unit.objects.filter(name__contains="thị trấn").exists()
    assert not QuotaGroup.objects.filter(name__contains="thị trấn").exists()


def test_the_default_layout_follows_the_period_year(db, settings, tmp_path):
    """A 2026 period has no district documents: from 1 July 2025 local government has two tiers, and the demo's
    default layout follows the year of its period (2025 on: province → commune)."""
    assert [default_layout(year) for year in (2022, 2024, 2025, 2026)] == ["2022", "2022", "2025", "2025"]
    settings.DEMO_MODE = True
    out = io.StringIO()
    call_command("demo", "--scale", "0.01", "--history", "0", "--accounts-file", str(tmp_path / "a.json"), stdout=out)
    assert default_layout(Period.objects.get().year) == "2025"
    assert "bố cục 2025" in out.getvalue()
    assert not Unit.objects.filter(kind=UnitKind.DISTRICT_COMMITTEE).exists()
    assert not Unit.objects.filter(name__contains="huyện").exists()


def test_demo_command_refuses_outside_demo_mode_and_twice(db, settings, tmp_path):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="DANHGIA_DEMO=1"):
        call_command("demo", "--scale", "0.01", "--accounts-file", str(tmp_path / "a.json"))
    settings.DEMO_MODE = True
    call_command("demo", "--scale", "0.01", "--accounts-file", str(tmp_path / "a.json"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="đã có dữ liệu"):
        call_command("demo", "--scale", "0.01", "--accounts-file", str(tmp_path / "a.json"))
    call_command("demo", "--if-empty", "--accounts-file", str(tmp_path / "a.json"), stdout=io.StringIO())


@pytest.mark.parametrize(
    ("args", "message"), [(["--scale", "abc"], "không phải là một số"), (["--scale", "5"], "tỷ lệ phải từ")]
)
def test_bad_command_line_arguments_get_a_vietnamese_message_and_exit_2(args, message, tmp_path):
    env = {"DANHGIA_DEMO": "1", "DANHGIA_SQLITE_PATH": str(tmp_path / "x.sqlite3"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "danhgia", "demo", *args], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "x.sqlite3").exists() or (tmp_path / "x.sqlite3").stat().st_size == 0
