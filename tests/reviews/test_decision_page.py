"""The decision page speaks the officer's language: no engine codes (rule ids as labels, option names, flags,
case ids, source-note markers), a filter to focus on the rows that need attention, room to write a reason."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse

from danhgia.reviews import decisions, presentation
from danhgia.reviews.models import Decision
from danhgia.rules.output import QuotaResult, Reason, Result
from tests.reviews.helpers import NUMBER, stylesheet

RAW = ("needs_decision", "min_cap", "htt_final", "[G", "[S", "decided_by", "base, rounding")


def _page(client, world, query=""):
    client.force_login(world.users["committee"])
    url = reverse("reviews-decide", args=[world.period.pk, world.groups["members"].pk])
    return client.get(url + query).content.decode()


def test_the_page_shows_no_engine_codes(proposed, client):
    body = _page(client, proposed)
    for code in RAW:
        assert code not in body, code
    assert not re.search(r"«r\d+»", body)  # a head's body is named, not the case id
    chips = [c.strip() for c in re.findall(r'<span class="chip[^"]*"[^>]*>([^<]*)', body)]
    assert chips and not [c for c in chips if re.match(r"\s*(R\d|quota)", c)], chips  # labels, not rule ids
    assert "Vượt tỷ lệ HTXS" in chips and "Theo mức tập thể mình đứng đầu" in chips
    assert "«Chi bộ Xóm Đồi»" in body
    assert "Cơ sở tính tỷ lệ: số được xếp loại HTT sau khi áp tỷ lệ" in body
    assert "Làm tròn: xuống" in body and "Nhóm nhỏ: không có mức tối thiểu" in body
    assert "Mã quy tắc: R57" in body  # in the tooltip, to look the rule up in docs/rules.md


def test_the_reason_is_an_empty_textarea_with_the_engine_explanation_beside_it(proposed, client):
    group = proposed.groups["members"]
    rows, _ = decisions.preview(decisions.group_reviews(proposed.period, group))
    row = next(r for r in rows if r.result.level and r.result.level != r.review.self_level and not r.blocked)
    body = _page(client, proposed)
    assert '<textarea name="reason_' in body
    assert '<input name="reason_' not in body
    # The reason is the authority's own: never prefilled with the engine's text, which is a hint beside the box.
    box = re.search(rf'<textarea name="reason_{row.review.pk}"[^>]*>([^<]*)</textarea>', body)
    assert box is not None and box.group(1) == ""
    assert f'aria-describedby="why-{row.review.pk}"' in box.group(0)
    hint = re.search(rf'<span class="small muted" id="why-{row.review.pk}">([^<]*)</span>', body)
    assert hint is not None and hint.group(1).startswith("Hệ thống tính: ")
    assert "Theo kết quả tính:" not in body


def test_the_filter_shows_only_the_rows_that_need_attention(proposed, client):
    group = proposed.groups["members"]
    rows, output = decisions.preview(decisions.group_reviews(proposed.period, group))
    capped = {int(s[1:]) for s in output.quota[0].downgraded}
    assert capped and len(capped) < len(rows)
    everything = _page(client, proposed)
    assert everything.count('name="level_') > len(capped)
    assert f"Bị chuyển xuống do tỷ lệ ({len(capped)})" in everything

    body = _page(client, proposed, "?xem=chuyen-xuong")
    assert body.count('<tr class="capped') == len(capped)
    assert body.count('name="level_') == len(capped)
    assert "Đang hiện" in body and "chỉ ghi các dòng đang hiện" in body
    assert 'aria-current="true">Bị chuyển xuống do tỷ lệ' in body
    # Numbers stay the rows' places in the whole group.
    first = min(i for i, row in enumerate(rows, start=1) if row.review.pk in capped)
    assert f'<td class="num">{first}</td>' in body

    assert _page(client, proposed, "?xem=bogus").count('name="level_') == everything.count('name="level_')


def test_deciding_from_a_filtered_page_decides_the_rows_shown(proposed, client):
    group = proposed.groups["members"]
    rows, _ = decisions.preview(decisions.group_reviews(proposed.period, group))
    first = next(row.review for row in rows if row.result.level == "HTXS" and not row.blocked)
    client.force_login(proposed.users["officer"])
    url = reverse("reviews-decide", args=[proposed.period.pk, group.pk]) + "?xem=chua-quyet-dinh"
    data = {f"level_{first.pk}": "HTXS"}
    body = client.post(url, data).content.decode()
    assert "Sẽ ghi quyết định cho 1 đối tượng" in body
    assert 'aria-current="true">Chưa quyết định' in body
    response = client.post(url, data | {"confirm": "1"} | NUMBER, follow=True)
    assert "Đã quyết định xếp loại 1 đối tượng." in response.content.decode()
    assert Decision.objects.filter(review=first).count() == 1


def test_a_large_group_comes_a_page_at_a_time_and_saving_stays_on_the_page(proposed, client, monkeypatch):
    monkeypatch.setattr(presentation, "PAGE_ROWS", 4)
    group = proposed.groups["members"]
    rows, _ = decisions.preview(decisions.group_reviews(proposed.period, group))
    pages = -(-len(rows) // 4)
    body = _page(client, proposed)
    assert f"Trang 1 / {pages}" in body and "?trang=2" in body
    assert body.count('name="level_') == 4
    assert "chỉ ghi các dòng đang hiện" in body  # the form records the rows shown, said on the page
    second = _page(client, proposed, "?trang=2")
    assert f"Trang 2 / {pages}" in second and rows[4].review.subject_name in second
    assert rows[0].review.subject_name not in second.split("<tbody>")[1]
    # Deciding a row of page 2 comes back to page 2.
    row = next(r for r in rows[4:8] if r.result.level and not r.blocked and r.result.level == r.review.self_level)
    url = reverse("reviews-decide", args=[proposed.period.pk, group.pk]) + "?trang=2"
    response = client.post(url, {f"level_{row.review.pk}": row.result.level, "confirm": "1"} | NUMBER)
    assert response.status_code == 302 and response["Location"].endswith("?trang=2")


def test_a_column_header_breaks_only_between_words(proposed, client):
    """«Tự chấm», «Thứ tự» are one word each: never «Tự / chấm»; a header of two words breaks between them only
    («Tự / xếp loại», not «Tự xếp / loại»). Nothing else is forced on one line: at 1366 px the table keeps to its
    box, a scroll bar beside the page included (checked by screenshot)."""
    nb = "\u00a0"
    body = _page(client, proposed)
    head = body.split('<table class="grid-table decide-table">')[1].split("</thead>")[0]
    cells = re.findall(r'<th(?: class="([^"]*)")?[^>]*>([^<]*)</th>', head)
    headers = {text: f" {classes} " for classes, text in cells}
    for word in ("STT", "Đối tượng", "Tự chấm", "Đề xuất", "Thứ tự", "Quyết định"):
        assert " nowrap " in headers[word], word
    for words in (f"Tự xếp{nb}loại", f"Đủ điều{nb}kiện", f"Hệ{nb}thống tính", "Lý do, căn cứ"):
        assert " nowrap " not in headers[words], words
    assert len(headers) == 10
    css = stylesheet()
    assert css[".decide-table thead th.nowrap"] == {"white-space": "nowrap"}
    assert not [s for s in css if ".decide-table" in s and s != ".decide-table thead th.nowrap"]  # no width forced
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    head = _page(client, proposed).split("</thead>")[0]
    assert '<th class="num nowrap">Self-score</th>' in head and "<th>Self-\u2060assessed level</th>" in head


def test_the_ungrouped_page_says_no_quota_applies(proposed, client):
    client.force_login(proposed.users["officer"])
    body = client.get(reverse("reviews-decide", args=[proposed.period.pk, 0])).content.decode()
    title = re.search(r'<h2 id="h-quota">([^<]*)</h2>', body)
    assert title is not None
    no_quota = "Không áp dụng tỷ lệ «Hoàn thành xuất sắc nhiệm vụ» cho đối tượng không thuộc nhóm tương đồng"
    assert title.group(1) == no_quota
    assert "không áp dụng tỷ lệ HTXS của nhóm; mọi quy định khác vẫn áp dụng" in body
    assert "của nhóm</h2>" not in body and 'class="quota-bar' not in body
    # A quota group's page keeps its title.
    assert '<h2 id="h-quota">Tỷ lệ «Hoàn thành xuất sắc nhiệm vụ» của nhóm</h2>' in _page(client, proposed)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(proposed.users["officer"])
    body = client.get(reverse("reviews-decide", args=[proposed.period.pk, 0])).content.decode()
    assert '<h2 id="h-quota">No “Excellent (HTXS)” quota for subjects in no group of similar subjects</h2>' in body


# ------------------------------------------------------------------------------------------------ helpers


def test_sources_lose_their_note_markers():
    assert presentation.clean_source("QĐ 366-QĐ/TW Điều 11 khoản 1 [G2, G3]") == "QĐ 366-QĐ/TW Điều 11 khoản 1"
    assert presentation.clean_source("HD 21-HD/BTCTW mục II.6 [S5]") == "HD 21-HD/BTCTW mục II.6"
    assert presentation.clean_source("QĐ 366-QĐ/TW Điều 5 khoản 2 [G14, G26b]") == "QĐ 366-QĐ/TW Điều 5 khoản 2"


def test_warnings_lose_their_field_names():
    text = "3 đối tượng cần cấp có thẩm quyền xem xét, quyết định (needs_decision): A, B, C"
    assert presentation.plain_warning(text) == "3 đối tượng cần cấp có thẩm quyền xem xét, quyết định: A, B, C"
    text = "groups[0].quota: tỷ lệ 0.3 vượt mức tối đa 0.25 của quy định (chỉ để tính thử)."
    assert presentation.plain_warning(text) == "Tỷ lệ 30% vượt mức tối đa 25% của quy định (chỉ để tính thử)."
    text = "quota: tỷ lệ 0.25 khác 0.2 nhưng không ghi người quyết định (decided_by)."
    assert presentation.plain_warning(text) == "Tỷ lệ 25% khác 20% nhưng không ghi người quyết định."


@pytest.mark.parametrize(
    ("base", "rounding", "words"),
    [
        ("htt_final", "floor", "sau khi áp tỷ lệ"),
        ("htt_proposed", "half_up", "trước khi áp tỷ lệ"),
        ("htt_or_above", "half_up", "HTT và HTXS"),
    ],
)
def test_the_quota_method_is_in_words(base, rounding, words):
    quota = QuotaResult(
        group="g1", rule="R57", rate=0.2, base=base, rounding=rounding, candidates=3, htt=10, granted=2, cap=2,
        downgraded=["r1"], tie_at_cutoff=False, unconfirmed=["base", "rounding", "min_cap"],
    )  # fmt: skip
    method = presentation.quota_method(quota, "R2025")
    assert len(method) == 3 and words in method[0]
    assert method[1] == ("Làm tròn: xuống (không bao giờ vượt tỷ lệ)" if rounding == "floor" else method[1])
    assert all(code not in "; ".join(method) for code in ("htt_", "floor", "half_up", "min_cap"))


def test_every_rule_of_every_rulebook_has_a_label():
    for regime in ("R2018", "R2023", "R2025"):
        for rule in presentation._rules(regime).values():
            label = presentation._rule_label(rule, 80.0, missing=False)
            assert label and not re.search(r"\b[a-z]+_[a-z_]+\b", label), (regime, rule.id, label)


def test_a_chip_of_a_local_rule_reads_its_description():
    reason = Reason("R38", "HTXS→HTT", "Đảng bộ chỉ HTXS khi chính quyền, MTTQ, đoàn thể cùng cấp đạt HTT trở lên",
                    "Tỉnh ủy Nghệ An [X1]")  # fmt: skip
    result = Result(id="r1", rated=True, level="HTT", eligible="HTT", reasons=[reason])
    chip = presentation.reason_chip(reason, result, "R2025")
    assert chip.label.startswith("Đảng bộ chỉ HTXS") and chip.label.endswith("…") and len(chip.label) <= 40
    assert chip.tip.startswith(reason.text + " — Tỉnh ủy Nghệ An")
    assert "[X1]" not in chip.tip and "HTXS → HTT" in chip.tip


def test_a_score_chip_says_the_score():
    rule = presentation._rules("R2025")["R59-score"]
    reason = Reason(rule.id, "HTXS→HTT", rule.description, rule.source)
    result = SimpleNamespace(score=85.0)
    chip = presentation.reason_chip(reason, result, "R2025")
    assert chip.label == "Điểm 85 < 90" and chip.code == "R59-score"
    assert chip.tip == (
        "Mức HTXS cần tổng điểm từ 90 điểm trở lên — QĐ 366-QĐ/TW Điều 11 khoản 1 · Tác động: HTXS → HTT"
        " · Mã quy tắc: R59-score"
    )
