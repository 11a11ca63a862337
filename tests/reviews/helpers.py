"""Filling self-reviews and meetings through the real services; reading the stylesheet."""

from __future__ import annotations

import datetime as dt
import re

from danhgia.reviews import decisions, meetings, services
from danhgia.reviews.models import Review


def points(review: Review, general: float, task: float) -> dict[str, str]:
    """Spread `general` and `task` points over the review's criteria items."""
    table = services.table_for(review)
    items: dict[str, str] = {}
    for group in table.groups:
        remaining = general if group.code == "general" else task
        for item in group.items:
            given = min(item.max, remaining)
            items[item.code] = str(given)
            remaining -= given
    return items


def fill(review: Review, actor, *, general: float = 28, task: float = 64, level: str = "HTXS", tasks=None) -> Review:
    tasks = (
        tasks
        if tasks is not None
        else [
            {"title": "Nhiệm vụ 1", "status": "exceeded", "evidence": "Báo cáo"},
            {"title": "Nhiệm vụ 2", "status": "exceeded"},
            {"title": "Nhiệm vụ 3", "status": "on_time"},
            {"title": "Nhiệm vụ 4", "status": "on_time"},
        ]
    )
    services.review_save(
        review=review,
        actor=actor,
        items=points(review, general, task),
        sections={"uu_diem": "Hoàn thành nhiệm vụ được giao."},
        self_level=level,
        tasks=tasks,
    )
    return services.review_submit(review=Review.objects.get(pk=review.pk), actor=actor)


def meet(period, unit, actor, *, summoned: int = 5, present: int = 5, **details):
    return meetings.meeting_record(
        period=period,
        unit=unit,
        held_on=dt.date.today(),
        chaired_by="Bí thư chi bộ",
        summoned=summoned,
        present=present,
        actor=actor,
        **details,
    )


def propose(meeting, review, level, actor, *, votes_for: int = 5, comment: str = ""):
    return meetings.proposal_record(
        meeting=meeting,
        review=Review.objects.get(pk=review.pk),
        level=level,
        votes_for=votes_for,
        votes_against=0,
        votes_abstain=0,
        comment=comment,
        actor=actor,
    )


NUMBER = {"qd-number": "125-QĐ/ĐU", "qd-signed_on": "20/12/2026"}  # a decision's number and signing date, as typed


def reasons_for(reviews) -> dict[int, str]:
    """A reason written by the authority for each review: the batch takes it for those whose level departs from
    the self-assessment (and leaves them out without one)."""
    return {r.pk: f"Cấp ủy xem xét kết quả của {r.subject_name}." for r in reviews}


def cell_review(world, cell) -> Review:
    return Review.objects.get(period=world.period, kind="party_org", unit=cell)


def everyone_proposed(world):
    """Every member and cell self-reviewed and proposed at their meeting, cells decided: the members' group is ready."""
    officer = world.users["officer"]
    scores = [(28, 65), (29, 66), (27, 64), (26, 60), (25, 50)]
    for c, cell in enumerate(world.cells):
        meeting = meet(world.period, cell, officer)
        for i, person in enumerate(world.members[cell.name]):
            review = Review.objects.get(period=world.period, kind="member", person=person)
            general, task = scores[i]
            fill(review, world.users.get(f"member:{person.pk}") or officer, general=general, task=task,
                 level="HTXS" if general + task >= 90 else "HTT")  # fmt: skip
            propose(meeting, review, "HTXS" if general + task >= 90 else "HTT", officer)
        body = cell_review(world, cell)
        fill(body, officer, general=28, task=64 if c else 55, level="HTXS" if c else "HTT")
        propose(meeting, body, "HTXS" if c else "HTT", officer)
    cells = decisions.group_reviews(world.period, world.groups["cells"])
    decisions.decide_suggested(reviews=cells, actor=officer, reasons=reasons_for(cells))


def stylesheet(media: str = "") -> dict[str, dict[str, str]]:
    """The declarations of the application's stylesheet by selector (each selector of a list on its own, later
    rules over earlier ones), property by property; `media`: the condition of the @media blocks to read ("" for the
    rules outside any), as written, e.g. "(min-width: 1200px)"."""
    from django.contrib.staticfiles import finders

    path = finders.find("danhgia/css/app.css")
    assert path, "the stylesheet is found as a static file"
    with open(path, encoding="utf-8") as f:
        text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    rules: dict[str, dict[str, str]] = {}

    def read(block: str, condition: str) -> None:
        at = 0
        while (opening := block.find("{", at)) != -1:
            head = block[at:opening].strip()
            depth, end = 1, opening + 1
            while depth:
                depth += {"{": 1, "}": -1}.get(block[end], 0)
                end += 1
            body = block[opening + 1 : end - 1]
            if head.startswith("@media"):
                read(body, head.removeprefix("@media").strip())
            elif condition == media:
                declarations = dict(
                    (name.strip(), value.strip())
                    for name, _, value in (d.partition(":") for d in body.split(";") if d.strip())
                )
                for selector in head.split(","):
                    rules.setdefault(" ".join(selector.split()), {}).update(declarations)
            at = end

    read(text, "")
    return rules
