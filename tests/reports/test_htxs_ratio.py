"""«Tỷ lệ HTXS» is one ratio everywhere, labelled with its base: HTXS / HTT, the base of the 20 % cap (issue 9,
item 10). A level's share of those decided is a percentage "trên số đã xếp loại", never called «Tỷ lệ HTXS»."""

from __future__ import annotations

from django.urls import reverse

from danhgia.reports.quotas import quota_report
from tests.reports.test_exports import check_formulas, columns, download, find_row, workbooks


def members_row(t):
    report = quota_report(t.world.province, t.current, t.world.users["officer"])
    return report, next(r for r in report.rows if r.group.name == "Đảng viên xã")


def test_the_quota_report_reads_htxs_against_htt_like_its_rate(two_years, client):
    t = two_years
    report, row = members_row(t)
    htxs, htt = row.levels.counts["HTXS"], row.levels.counts["HTT"]
    assert htxs and htt and row.levels.decided > htxs + htt  # a group where the two bases differ
    assert row.htxs_of_htt == htxs / htt != row.htxs_share
    comparable = next(c for c in report.comparables if c.groups == 1 and c.htt == htt)
    assert comparable.share == htxs / htt and comparable.median == htxs / htt
    client.force_login(t.world.users["officer"])
    page = client.get(reverse("reports-quotas"), {"don-vi": t.world.province.pk}).content.decode()
    assert page.count("Tỷ lệ HTXS (HTXS / HTT)</th>") == 2 and "Tỷ lệ tối đa (× số HTT)</th>" in page
    assert ">Tỷ lệ HTXS</th>" not in page  # never without its base
    shown = f"{100 * htxs / htt:.1f}".replace(".", ",") + "%"
    line = page[page.index("Đảng viên xã <span") :].split("</tr>")[0]
    assert shown in line


def test_the_quota_workbook_computes_the_same_ratio(two_years, client):
    t = two_years
    _, row = members_row(t)
    wb, cached = workbooks(download(client, t.world.users["officer"], "reports-quotas-xlsx"))
    sheet = wb["Theo nhóm"]
    line = find_row(sheet, "B", "Đảng viên xã (Đảng bộ xã Hòa Bình)")
    got = {h: cached["Theo nhóm"].cell(line, c).value for h, c in columns(sheet).items()}
    assert got["Tỷ lệ HTXS (HTXS / HTT)"] == row.htxs_of_htt
    assert got["Tỷ lệ tối đa (× số HTT)"] == row.rate
    for name in wb.sheetnames:
        check_formulas(wb[name], cached[name])


def test_the_synthesis_names_both_bases(two_years, client):
    t = two_years
    client.force_login(t.world.users["officer"])
    page = client.get(reverse("reports-synthesis"), {"don-vi": t.world.province.pk}).content.decode()
    assert "Tỷ lệ HTXS (HTXS / HTT)</th>" in page and "HTXS so với HTT" not in page
    assert "Cột % của mỗi mức: trên số đã xếp loại." in page
    wb, _ = workbooks(download(client, t.world.users["officer"], "reports-synthesis-xlsx"))
    assert "Tỷ lệ HTXS (HTXS / HTT)" in columns(wb["Theo nhóm tương đồng"])
