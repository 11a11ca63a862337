"""The figures of each report over two years decided through the real services, in and out of the viewer's scope."""

from __future__ import annotations

import datetime as dt

from danhgia.reports.dashboard import dashboard
from danhgia.reports.profile import profile
from danhgia.reports.quotas import fill_capped, quota_report
from danhgia.reports.screening import screening
from danhgia.reports.synthesis import synthesis
from tests.reports.conftest import DOI, YEAR


def test_dashboard_counts_levels_this_year_and_the_year_before(two_years):
    t = two_years
    d = dashboard(t.world.province, t.current, t.world.users["officer"])
    members = d.sections["members"]
    assert (members.reviewed, members.decided) == (14, 14)
    assert members.counts == {"HTXS": 2, "HTT": 10, "HT": 1, "KHT": 1}
    assert d.sections["leaders"].counts["HT"] == 1
    assert d.sections["party_orgs"].counts["HTT"] == 4  # three cells and the commune
    assert d.states == {"decided": 20}
    assert (d.omitted, d.excluded) == (0, 1)
    [(previous, before), (current, now)] = d.history
    assert (previous, current) == (t.previous, t.current)
    assert before["members"].counts == {"HTXS": 2, "HTT": 10, "HT": 2, "KHT": 1}
    assert now["members"] is members
    # The province's only unit below with reviews is the commune.
    assert [c.unit for c in d.children] == [t.world.commune]


def test_dashboard_of_a_cell_for_its_secretary_counts_only_that_cell(two_years):
    t = two_years
    cell = t.world.cells[0]
    d = dashboard(cell, t.current, t.world.users["secretary_a"])
    assert d.sections["members"].reviewed == 5
    assert d.sections["members"].counts == {"HTXS": 1, "HTT": 3, "HT": 0, "KHT": 1}
    assert d.sections["party_orgs"].reviewed == 1
    assert d.sections["leaders"].reviewed == 0  # the commune secretary is reviewed as a leader in the commune


def test_synthesis_reconciles_members_and_breaks_kht_down_by_reason(two_years):
    t = two_years
    s = synthesis(t.world.province, t.current, t.world.users["officer"])
    total = s.members_total
    assert (total.present, total.excluded_total, total.omitted, total.levels.reviewed) == (15, 1, 0, 14)
    assert total.excluded["exempt"] == 1 and total.difference == 0
    assert (total.levels.decided, total.levels.undecided) == (14, 0)
    assert [row.unit for row in s.members] == [t.world.commune]
    # From the commune, one line per cell.
    by_cell = synthesis(t.world.commune, t.current, t.world.users["officer"])
    assert [(row.label, row.present, row.levels.reviewed) for row in by_cell.members] == [
        ("Chi bộ Xóm Đồi", 5, 5), ("Chi bộ Xóm Mít", 5, 4), ("Chi bộ Xóm Vố", 5, 5)
    ]  # fmt: skip
    assert by_cell.members[1].excluded["exempt"] == 1
    assert [(row.label, row.direct, row.levels.counts["HTT"]) for row in by_cell.orgs] == [
        ("Đảng bộ xã Hòa Bình", True, 1),
        *((c.name, False, 1) for c in t.world.cells),
    ]
    kinds = {section.title: section for section in s.kinds}
    assert kinds["Đảng viên"].total is None or kinds["Đảng viên"].total.levels.reviewed == 14
    assert [r.levels.reviewed for r in kinds["Tổ chức đảng"].rows] == [1, 3]  # the commune committee, the cells
    assert {g.row.label: g.row.levels.reviewed for g in s.groups} == {
        "Đảng viên xã": 14, "Chi bộ xã": 3, "Không thuộc nhóm đối tượng tương đồng nào": 3
    }  # fmt: skip
    assert [(r.rule, r.members, r.leaders, r.orgs) for r in s.kht] == [("R65", 1, 0, 0)]
    assert "dưới 50 điểm" in s.kht[0].text
    assert s.kht_subjects == {"members": 1, "leaders": 0, "orgs": 0}


def test_synthesis_for_a_cell_secretary_stays_in_their_cell(two_years):
    t = two_years
    s = synthesis(t.world.cells[1], t.current, t.world.users["secretary_b"])
    assert s.members_total.present == 5 and s.members_total.levels.reviewed == 4
    assert s.kht == []  # the KHT member is in another cell


def test_quota_report_shows_who_was_capped_and_by_how_many_points(two_years):
    t = two_years
    report = quota_report(t.world.province, t.current, t.world.users["officer"])
    fill_capped(report, report.rows, t.world.users["officer"])
    members = next(r for r in report.rows if r.group.name == "Đảng viên xã")
    assert (members.candidates, members.kept, members.capped, members.cap) == (6, 2, 4, 2)
    assert members.last_kept == 95
    capped = [(c.name, c.score, c.margin) for c in members.capped_list]
    assert capped[0] == (str(t.people["capped"]), 94, 1)
    assert [m for _n, _s, m in capped] == [1, 2, 3, 4]
    assert (report.candidates, report.kept, report.capped) == (6, 2, 4)
    comparable = {c.label: c for c in report.comparables}
    assert comparable["Đảng viên — Đảng bộ xã, phường, đặc khu"].groups == 1
    assert members.htxs_share == 2 / 14 and members.difference == 0


def test_screening_lists_over_two_years(two_years):
    t = two_years
    s = screening(t.world.province, t.current, t.world.users["officer"], years=2, today=dt.date(YEAR + 1, 1, 15))
    assert [line.name for line in s.kht_twice.lines] == [str(t.people["kht"])]
    assert s.kht_twice.lines[0].levels == [(YEAR, "KHT"), (YEAR - 1, "KHT")]
    assert [(line.name, line.levels) for line in s.leaders.lines] == [
        (str(t.people["chief"]), [(YEAR, "HT"), (YEAR - 1, "HT")])
    ]
    assert {line.name for line in s.htxs_members.lines} == {str(t.people["best"]), str(t.people["second"])}
    assert s.htxs_orgs.count == 0
    assert [o.shortcoming.person for o in s.overdue] == [t.people["late"]]
    assert s.overdue[0].days == (dt.date(YEAR + 1, 1, 15) - dt.date(YEAR - 1, 12, 31)).days
    assert s.never == []  # everyone present was rated at least once (the exempt member the year before)
    # Three years running asks for a year without a period: nothing, and it says why.
    three = screening(t.world.province, t.current, t.world.users["officer"], years=3)
    assert (three.htxs_members.count, three.htxs_members.available, three.htxs_members.years) == (0, 2, 3)
    # Last year alone cannot show two years running.
    first = screening(t.world.province, t.previous, t.world.users["officer"], years=2)
    assert first.kht_twice.count == 0 and first.kht_twice.available == 1
    assert [line.name for line in first.leaders.lines] == []  # HT once, not KHT


def test_screening_of_another_cell_does_not_show_the_kht_member(two_years):
    t = two_years
    s = screening(t.world.cells[1], t.current, t.world.users["secretary_b"], years=2)
    assert s.kht_twice.count == 0 and s.leaders.count == 0
    assert [line.name for line in s.htxs_members.lines] == [str(t.people["second"])]


def test_profile_over_two_years_with_reasons_shortcomings_and_the_quota(two_years):
    t = two_years
    officer = t.world.users["officer"]
    p = profile(t.people["capped"], officer)
    assert [line.period for line in p.periods] == [t.current, t.previous]
    assert all(r.capped and r.review.level == "HTT" for line in p.periods for r in line.reviews)
    late = profile(t.people["late"], officer)
    [last_year] = [line for line in late.periods if line.period == t.previous]
    assert [s.description for r in last_year.reviews for s in r.shortcomings] == ["Chưa tham gia sinh hoạt đầy đủ."]
    assert late.open_shortcomings == 1
    kht = profile(t.people["kht"], officer)
    assert [t.rule for t in kht.periods[0].reviews[0].reasons] == ["R65"]
    exempt = profile(t.people["exempt"], officer)
    assert exempt.periods[0].excluded is not None and exempt.periods[0].reviews == []
    assert exempt.periods[1].reviews[0].review.level == "HT"
    chief = profile(t.people["chief"], officer)
    assert sorted(r.review.kind for r in chief.periods[0].reviews) == ["leader", "member"]


def test_profile_hides_reviews_outside_the_viewers_scope(two_years):
    t = two_years
    chief = t.people["chief"]  # a member of cell Đồi and, as a leader, reviewed in the commune
    p = profile(chief, t.world.users["secretary_a"])
    assert [r.review.kind for line in p.periods for r in line.reviews] == ["member", "member"]
    assert p.hidden == 2
    # Their own file: everything.
    own = t.world.users["committee"]
    assert own.person == chief
    assert profile(chief, own).hidden == 0


def test_cell_dashboard_names_the_cell(two_years):
    t = two_years
    d = dashboard(t.world.commune, t.current, t.world.users["officer"])
    assert [c.unit.name for c in d.children if not c.direct] == [DOI, "Chi bộ Xóm Mít", "Chi bộ Xóm Vố"]


def test_a_member_who_arrived_after_the_opening_is_an_omission_everywhere(two_years):
    """A member admitted to a cell after the list was drawn up has no review and no recorded reason: the dashboard
    counts the omission, the synthesis reconciles with it, the screening lists them first among the never rated."""
    from danhgia.people.services import member_admit, person_create

    t = two_years
    officer = t.world.users["officer"]
    newcomer = person_create(family_name="Vũ", middle_name="Văn", given_name="Mới", gender="nam", actor=None)
    member_admit(person=newcomer, cell=t.world.cells[2], admitted_on=dt.date(2015, 3, 1),
                 official_on=dt.date(2016, 3, 1), actor=None)  # fmt: skip
    assert dashboard(t.world.province, t.current, officer).omitted == 1
    s = synthesis(t.world.commune, t.current, officer)
    vo = s.members[2]
    assert (vo.label, vo.present, vo.omitted, vo.levels.reviewed, vo.difference) == ("Chi bộ Xóm Vố", 6, 1, 5, 0)
    never = screening(t.world.province, t.current, officer, years=2)
    assert [(line.name, line.status) for line in never.never] == [("Vũ Văn Mới", "Chưa có bản kiểm điểm trong kỳ")]
