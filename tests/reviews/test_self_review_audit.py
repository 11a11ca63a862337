"""A self-review's saves keep what they replaced (issue 16, item 8): old → new of what changed, as elsewhere."""

from __future__ import annotations

from danhgia.audit.models import Action, AuditEvent
from danhgia.reviews import services
from danhgia.reviews.models import Review
from tests.reviews.helpers import points


def test_each_save_records_the_previous_values_of_what_it_changed(opened):
    review = Review.objects.filter(period=opened.period, kind="member", person__user__isnull=False)[0]
    actor = review.person.user
    items = points(review, 25, 60)
    services.review_save(
        review=review,
        actor=actor,
        items=items,
        sections={"uu_diem": "Hoàn thành nhiệm vụ.", "han_che": "Còn chậm."},
        self_level="HTT",
        tasks=[{"title": "Xây dựng kế hoạch", "status": "on_time"}],
    )
    first_item = next(iter(items))
    changed_items = {**items, first_item: str(float(items[first_item]) - 1)}
    services.review_save(
        review=review,
        actor=actor,
        items=changed_items,
        sections={"uu_diem": "Hoàn thành tốt nhiệm vụ.", "han_che": "Còn chậm."},
        self_level="HT",
        tasks=[{"title": "Xây dựng kế hoạch", "status": "late"}],
    )
    event = AuditEvent.objects.filter(action=Action.REVIEW_SAVED, target_id=str(review.pk)).order_by("id").last()
    # Only what changed, with what it was: one criterion, one section, the level, the task's result, the score.
    assert list(event.old["items"]) == list(event.new["items"]) == [first_item]
    assert float(event.old["items"][first_item]) == float(items[first_item])
    assert float(event.new["items"][first_item]) == float(items[first_item]) - 1
    assert event.old["sections"] == {"uu_diem": "Hoàn thành nhiệm vụ."}
    assert event.new["sections"] == {"uu_diem": "Hoàn thành tốt nhiệm vụ."}
    assert (event.old["self_level"], event.new["self_level"]) == ("HTT", "HT")
    assert (event.old["score"], event.new["score"]) == (85.0, 84.0)
    assert event.old["task_rows"] == ["Xây dựng kế hoạch (Hoàn thành đúng hạn)"]
    assert event.new["task_rows"][0].startswith("Xây dựng kế hoạch (")
    assert event.new["task_rows"] != event.old["task_rows"]


def test_the_first_save_records_everything_as_new_and_a_save_without_change_nothing_as_changed(opened):
    review = Review.objects.filter(period=opened.period, kind="member", person__user__isnull=False).order_by("-pk")[0]
    actor = review.person.user
    for _ in range(2):
        services.review_save(
            review=review, actor=actor, items={}, sections={"uu_diem": "Hoàn thành nhiệm vụ."}, self_level="HTT"
        )
    first, second = AuditEvent.objects.filter(action=Action.REVIEW_SAVED, target_id=str(review.pk)).order_by("id")
    assert first.old["sections"] == {"uu_diem": None} and first.new["sections"] == {"uu_diem": "Hoàn thành nhiệm vụ."}
    assert first.old["self_level"] == "" and first.new["self_level"] == "HTT"
    assert set(second.new or {}) == {"score", "self_level"}  # nothing else changed
    assert second.old["self_level"] == second.new["self_level"] == "HTT"
