"""Nothing typed into a self-review is cut or accepted silently: a text over its limit is refused with the limit
named, on the page and in the autosave, and what was typed stays on the page (issue 9, item 4)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from danhgia.reviews import services
from danhgia.reviews.models import Review
from danhgia.reviews.opening import period_open_reviews
from tests.reviews.test_views import member_review, owner, self_post


@pytest.fixture
def draft(commune, client):
    period_open_reviews(period=commune.period, actor=commune.users["officer"])
    review = member_review(commune)
    client.force_login(owner(commune, review))
    return review


def test_a_section_over_its_limit_is_refused_with_the_limit_named_and_kept_on_the_page(draft, client):
    text = ("Hoàn thành nhiệm vụ. " * 953).strip()  # 20.012 characters
    response = client.post(reverse("reviews-self", args=[draft.pk]), self_post(draft, section_uu_diem=text))
    body = response.content.decode()
    assert response.status_code == 200
    assert "«I. Ưu điểm, kết quả đạt được»: tối đa 20.000 ký tự; đã nhập 20.012." in body
    assert text in body  # what was typed is still in its box
    assert "Đã lưu" not in body
    assert Review.objects.get(pk=draft.pk).saved_at is None


def test_a_section_at_its_limit_is_kept_whole_and_a_line_break_counts_once(draft, client):
    lines = ("x" * 99 + "\r\n") * 200  # 20.200 characters as sent, 20.000 once the browser's \r\n is one break
    response = client.post(reverse("reviews-self", args=[draft.pk]), self_post(draft, section_han_che=lines))
    assert response.status_code == 302
    saved = Review.objects.get(pk=draft.pk).sections["han_che"]
    assert len(saved) == 19_999 and saved == lines.replace("\r\n", "\n").strip()


def test_long_task_titles_and_evidence_are_refused_on_their_rows(draft, client):
    data = self_post(
        draft,
        task_title=["Nhiệm vụ 1", "T" * 301, ""],
        task_status=["on_time", "on_time", "on_time"],
        task_evidence=["E" * 501, "", ""],
    )
    body = client.post(reverse("reviews-self", args=[draft.pk]), data).content.decode()
    assert "Nhiệm vụ thứ 2: tên nhiệm vụ tối đa 300 ký tự; đã nhập 301." in body
    assert "Nhiệm vụ thứ 1: sản phẩm, minh chứng tối đa 500 ký tự; đã nhập 501." in body
    assert body.count('class="row-error"') == 2  # each on its row
    assert "T" * 301 in body and "E" * 501 in body  # nothing cut, nothing lost
    assert Review.objects.get(pk=draft.pk).saved_at is None


def test_the_browser_does_not_cut_either(draft, client):
    """The boxes carry no maxlength (a browser cuts a pasted text to it without a word); the page marks a text
    over its limit as it is typed, and the server refuses it."""
    body = client.get(reverse("reviews-self", args=[draft.pk])).content.decode()
    assert 'maxlength="300"' not in body and 'maxlength="500"' not in body
    assert 'name="task_title" value="" data-maxchars="300"' in body
    assert 'name="section_uu_diem" data-maxchars="20000"' in body
    assert "data-msg-too-long=" in body


def test_the_autosave_says_it_did_not_save_a_text_over_its_limit(draft, client):
    url = reverse("reviews-autosave", args=[draft.pk])
    assert "Đã lưu lúc" in client.post(url, self_post(draft)).content.decode()
    saved = Review.objects.get(pk=draft.pk)
    body = client.post(url, self_post(draft, section_uu_diem="a" * 20_512)).content.decode()
    assert "Chưa lưu được:" in body and "tối đa 20.000 ký tự; đã nhập 20.512." in body
    assert "Đã lưu lúc" not in body
    after = Review.objects.get(pk=draft.pk)
    assert (after.sections, after.saved_at) == (saved.sections, saved.saved_at)
    body = client.post(url, self_post(draft, task_title=["x" * 400], task_status=["on_time"])).content.decode()
    assert "Nhiệm vụ thứ 1: tên nhiệm vụ tối đa 300 ký tự; đã nhập 400." in body
    assert list(after.tasks.values_list("title", flat=True)) == ["Nhiệm vụ 1", "Nhiệm vụ 2"]


def test_the_service_refuses_every_long_text_at_once(draft):
    with pytest.raises(ValidationError) as exc:
        services.review_save(
            review=draft,
            actor=None,
            items={},
            sections={"uu_diem": "a" * 20_001, "han_che": "b" * 30_000},
            tasks=[{"title": "c" * 301, "status": "on_time"}],
        )
    errors = exc.value.message_dict
    assert set(errors) == {"section_uu_diem", "section_han_che", "task_1_title"}
    assert errors["section_han_che"] == [
        "«II. Hạn chế, khuyết điểm và nguyên nhân»: tối đa 20.000 ký tự; đã nhập 30.000."
    ]
